"""The supervision run: inbox notices for tasks near their deadline or overdue, and e-mail.

Run it once a day (``ipcity workspace supervise``, e.g. from cron). It is idempotent: each
notice has the key ``<kind>:<task>:<unit>:<day>``, so a second run on the same day adds nothing.
Notices go to the lead unit and every co-operating unit of each task that is not done.

E-mail (when SMTP is configured): one digest per unit to its active users that have an address,
listing that unit's notices of the day that were not mailed yet; office notices go to the
office admins. A failed send is reported in the result and retried by the next run; it does
not undo the notices.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ipcity.workspace import audit
from ipcity.workspace.actions.notices import notify
from ipcity.workspace.mail import SmtpSettings, send_mail
from ipcity.workspace.messages import render
from ipcity.workspace.models import Notice, Task, Unit, User, record_now
from ipcity.workspace.permissions import Actor, Cap, Role, require
from ipcity.workspace.progress import awaiting_review, latest_accepted
from ipcity.workspace.supervision import SupervisionSettings, notice_kind, task_status

Mailer = Callable[[SmtpSettings, Sequence[str], str, str], None]


@dataclass
class SupervisionRun:
    today: date
    statuses: dict[str, int] = field(default_factory=dict)  # status -> number of tasks
    notices_created: int = 0
    emails_sent: int = 0
    email_errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["today"] = self.today.isoformat()
        return d


def do_run_supervision(
    session: Session,
    actor: Actor,
    *,
    today: date,
    settings: SupervisionSettings | None = None,
    smtp: SmtpSettings | bool | None = True,
    mailer: Mailer = send_mail,
    locale: str = "zh",
) -> SupervisionRun:
    """Compute every task's status on ``today``, write near-deadline and overdue notices
    (idempotent), then mail the day's new notices. ``smtp=True`` reads the SMTP settings
    from the environment; None/False sends nothing."""
    require(actor, Cap.RUN_SUPERVISION)
    settings = settings or SupervisionSettings.from_env()
    run = SupervisionRun(today=today)
    tasks = list(
        session.scalars(
            select(Task)
            .options(selectinload(Task.co_units), selectinload(Task.work_plan))
            .order_by(Task.id)
        )
    )
    progress = latest_accepted(session, [t.id for t in tasks])
    pending = awaiting_review(session, [t.id for t in tasks])
    for t in tasks:
        p = progress[t.id].percent if t.id in progress else None
        st = task_status(
            start=t.effective_start(),
            deadline=t.deadline,
            percent=p,
            today=today,
            settings=settings,
            awaiting_review=t.id in pending,
        )
        run.statuses[st.status.value] = run.statuses.get(st.status.value, 0) + 1
        kind = notice_kind(st)
        if kind is None:
            continue
        params = {
            "task_code": t.code,
            "task_title": t.title,
            "deadline": t.deadline.isoformat(),
            "days": abs(st.days_left),
        }
        for unit_id in [t.lead_unit_id, *(u.id for u in t.co_units)]:
            created = notify(
                session,
                kind=kind,
                dedupe_key=f"{kind}:{t.id}:{unit_id}:{today.isoformat()}",
                day=today,
                params=params,
                unit_id=unit_id,
                task_id=t.id,
            )
            if created is not None:
                run.notices_created += 1
    session.flush()
    if run.notices_created:
        audit.record(
            session,
            actor,
            "supervision.run",
            "supervision",
            today.isoformat(),
            before=None,
            after={"notices_created": run.notices_created, "statuses": run.statuses},
        )
    smtp_settings = SmtpSettings.from_env() if smtp is True else (smtp or None)
    if smtp_settings is not None:
        _send_digests(session, smtp_settings, mailer, today, run, locale)
    return run


def _send_digests(
    session: Session,
    smtp: SmtpSettings,
    mailer: Mailer,
    today: date,
    run: SupervisionRun,
    locale: str,
) -> None:
    pending = list(
        session.scalars(
            select(Notice)
            .where(Notice.day == today, Notice.emailed_at.is_(None))
            .order_by(Notice.id)
        )
    )
    by_unit: dict[int | None, list[Notice]] = defaultdict(list)
    for n in pending:
        by_unit[None if n.for_office else n.unit_id].append(n)
    for unit_id, notices in by_unit.items():
        if unit_id is None:
            users = session.scalars(
                select(User).where(User.role == Role.OFFICE_ADMIN.value, User.active.is_(True))
            )
            unit_name = render("role.office_admin", None, locale)
        else:
            users = session.scalars(
                select(User).where(User.unit_id == unit_id, User.active.is_(True))
            )
            unit = session.get(Unit, unit_id)
            unit_name = unit.name if unit else str(unit_id)
        to = sorted({u.email for u in users if u.email})
        if not to:
            continue
        subject = render("mail.subject", {"count": len(notices)}, locale)
        lines = [unit_name, ""] + [f"- {render(n.message_key, n.params, locale)}" for n in notices]
        try:
            mailer(smtp, to, subject, "\n".join(lines) + "\n")
        except (OSError, smtplib.SMTPException) as exc:
            run.email_errors.append(f"{unit_name}: {type(exc).__name__}: {exc}")
            continue
        run.emails_sent += 1
        stamp = record_now()
        for n in notices:
            n.emailed_at = stamp  # bookkeeping of the mailer, not a user's edit: no audit row
    session.flush()
