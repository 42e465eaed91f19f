"""Reads of meetings and the portal, each applying the visibility rules.

- office admins and leaders see every meeting (drafts too);
- a unit editor sees the scheduled and held meetings its unit attends, with their agenda,
  materials, minutes and decisions;
- the public sees no meeting; it sees published publications (and their files) and the
  published headline snapshot only.

A row the viewer may not see raises NotFound (no leak). ORM rows belong to the caller's
session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ipcity.meetings.messages import render
from ipcity.meetings.models import (
    AgendaItem,
    HeadlineSnapshot,
    Meeting,
    MeetingDecision,
    MeetingMaterial,
    MeetingMinutes,
    MeetingUnit,
    Publication,
    PublicationFile,
)
from ipcity.meetings.permissions import MCap, can_view_meeting, can_view_publication, has
from ipcity.workspace.errors import NotFound
from ipcity.workspace.models import EvidenceBlob, Task
from ipcity.workspace.permissions import Actor, can_view_internal
from ipcity.workspace.progress import awaiting_review, latest_accepted
from ipcity.workspace.supervision import SupervisionSettings, TaskStatus, task_status

# --- meetings ------------------------------------------------------------------------------


def list_meetings(
    session: Session,
    viewer: Actor,
    *,
    year: int | None = None,
    status: str | None = None,
    unit_id: int | None = None,
) -> list[Meeting]:
    """Meetings the viewer may see, newest first; ``unit_id`` keeps those the unit attends."""
    if not has(viewer, MCap.VIEW_ATTENDED_MEETINGS):
        return []
    stmt = (
        select(Meeting)
        .options(selectinload(Meeting.attending_units), selectinload(Meeting.convener_unit))
        .order_by(Meeting.meeting_date.desc(), Meeting.id.desc())
    )
    if not has(viewer, MCap.VIEW_ALL_MEETINGS):
        attended = select(MeetingUnit.meeting_id).where(MeetingUnit.unit_id == viewer.unit_id)
        stmt = stmt.where(Meeting.status != "draft", Meeting.id.in_(attended))
    if unit_id is not None:
        stmt = stmt.where(
            Meeting.id.in_(select(MeetingUnit.meeting_id).where(MeetingUnit.unit_id == unit_id))
        )
    if status is not None:
        stmt = stmt.where(Meeting.status == status)
    if year is not None:
        stmt = stmt.where(
            Meeting.meeting_date >= date(year, 1, 1), Meeting.meeting_date <= date(year, 12, 31)
        )
    return list(session.scalars(stmt))


def get_meeting(session: Session, viewer: Actor, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not can_view_meeting(viewer, meeting):
        raise NotFound("meeting", meeting_id)
    return meeting


def list_agenda(session: Session, viewer: Actor, meeting_id: int) -> list[AgendaItem]:
    get_meeting(session, viewer, meeting_id)
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .options(selectinload(AgendaItem.speaker_unit))
            .order_by(AgendaItem.seq, AgendaItem.id)
        )
    )


def get_agenda_item(session: Session, viewer: Actor, meeting_id: int, item_id: int) -> AgendaItem:
    """One agenda item of a meeting the viewer may see (NotFound for an item of another
    meeting, so an id in the wrong path never reaches an action)."""
    item = session.get(AgendaItem, item_id)
    meeting = session.get(Meeting, meeting_id) if item is not None else None
    if item is None or item.meeting_id != meeting_id or meeting is None:
        raise NotFound("agenda_item", item_id)
    if not can_view_meeting(viewer, meeting):
        raise NotFound("agenda_item", item_id)
    return item


def list_materials(
    session: Session, viewer: Actor, meeting_id: int, *, include_removed: bool = False
) -> list[MeetingMaterial]:
    """A meeting's materials in the order they were added (removed ones only on request, and
    only for the office and leaders)."""
    get_meeting(session, viewer, meeting_id)
    stmt = select(MeetingMaterial).where(MeetingMaterial.meeting_id == meeting_id)
    if not (include_removed and has(viewer, MCap.VIEW_ALL_MEETINGS)):
        stmt = stmt.where(MeetingMaterial.removed_at.is_(None))
    return list(session.scalars(stmt.order_by(MeetingMaterial.id)))


def get_material(
    session: Session, viewer: Actor, material_id: int
) -> tuple[MeetingMaterial, bytes]:
    """A material and its bytes (for the download), if the viewer may see its meeting."""
    material = session.get(MeetingMaterial, material_id)
    if material is None:
        raise NotFound("meeting_material", material_id)
    meeting = session.get(Meeting, material.meeting_id)
    if meeting is None or not can_view_meeting(viewer, meeting):
        raise NotFound("meeting_material", material_id)
    if material.removed_at is not None and not has(viewer, MCap.VIEW_ALL_MEETINGS):
        raise NotFound("meeting_material", material_id)
    blob = session.get(EvidenceBlob, material.blob_sha256)
    assert blob is not None
    return material, blob.data


def current_minutes(session: Session, viewer: Actor, meeting_id: int) -> MeetingMinutes | None:
    """The newest revision of the minutes (None: not recorded yet)."""
    meeting = get_meeting(session, viewer, meeting_id)
    if not meeting.minutes_revision:
        return None
    return session.scalar(
        select(MeetingMinutes).where(
            MeetingMinutes.meeting_id == meeting_id,
            MeetingMinutes.revision_no == meeting.minutes_revision,
        )
    )


def minutes_history(session: Session, viewer: Actor, meeting_id: int) -> list[MeetingMinutes]:
    """Every revision of the minutes, oldest first."""
    get_meeting(session, viewer, meeting_id)
    return list(
        session.scalars(
            select(MeetingMinutes)
            .where(MeetingMinutes.meeting_id == meeting_id)
            .order_by(MeetingMinutes.revision_no)
        )
    )


@dataclass(frozen=True)
class DecisionView:
    """A decision with the task that follows it up and the task's supervision status."""

    decision: MeetingDecision
    task: Task | None
    status: TaskStatus | None
    percent: float | None

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            **self.decision.as_dict(),
            "task": None
            if self.task is None
            else {
                "id": self.task.id,
                "code": self.task.code,
                "title": self.task.title,
                "work_plan_id": self.task.work_plan_id,
                "lead_unit_id": self.task.lead_unit_id,
                "co_unit_ids": [u.id for u in self.task.co_units],
                "deadline": self.task.deadline.isoformat(),
            },
            "percent": self.percent,
            "public": self.task is not None and not self.task.internal,
            "supervision": self.status.as_dict(locale) if self.status is not None else None,
        }


def list_decisions(
    session: Session,
    viewer: Actor,
    meeting_id: int,
    *,
    today: date | None = None,
    settings: SupervisionSettings | None = None,
) -> list[DecisionView]:
    """A meeting's decisions in order, each with its task; with ``today`` also the task's
    supervision status (green / yellow / red / done) — the same rules as every task."""
    get_meeting(session, viewer, meeting_id)
    decisions = list(
        session.scalars(
            select(MeetingDecision)
            .where(MeetingDecision.meeting_id == meeting_id)
            .order_by(MeetingDecision.seq, MeetingDecision.id)
        )
    )
    task_ids = [d.task_id for d in decisions if d.task_id is not None]
    tasks = {
        t.id: t
        for t in session.scalars(
            select(Task)
            .where(Task.id.in_(task_ids))
            .options(selectinload(Task.co_units), selectinload(Task.work_plan))
        )
    }
    progress = latest_accepted(session, task_ids) if task_ids else {}
    pending = awaiting_review(session, task_ids)
    cfg = settings or SupervisionSettings.from_env()
    out: list[DecisionView] = []
    for d in decisions:
        task = tasks.get(d.task_id) if d.task_id is not None else None
        status = None
        percent = None
        if task is not None:
            p = progress.get(task.id)
            percent = p.percent if p else 0.0
            if today is not None:
                status = task_status(
                    start=task.effective_start(),
                    deadline=task.deadline,
                    percent=p.percent if p else None,
                    today=today,
                    settings=cfg,
                    awaiting_review=task.id in pending,
                )
        out.append(DecisionView(d, task, status, percent))
    return out


@dataclass(frozen=True)
class MeetingLink:
    """Where a task comes from: the meeting and the decision (for the task page)."""

    meeting_id: int
    meeting_title: str
    meeting_kind: str
    meeting_date: date
    decision_id: int
    decision_text: str
    can_open: bool  # may the viewer open the meeting page?

    def label(self, locale: str = "zh") -> str:
        day = (
            f"{self.meeting_date.year}年{self.meeting_date.month}月{self.meeting_date.day}日"
            if not locale.startswith("en")
            else self.meeting_date.isoformat()
        )
        return render("task.from_meeting", {"meeting": self.meeting_title, "date": day}, locale)

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "meeting_title": self.meeting_title,
            "meeting_kind": self.meeting_kind,
            "meeting_date": self.meeting_date.isoformat(),
            "decision_id": self.decision_id,
            "decision_text": self.decision_text,
            "can_open": self.can_open,
            "label": self.label(locale),
        }


def meeting_for_task(session: Session, viewer: Actor, task_id: int) -> MeetingLink | None:
    """The meeting whose decision a task follows up, or None. Any signed-in viewer of the
    task learns that it comes from a meeting (title, date, decision); ``can_open`` says
    whether they may open the meeting itself. The public gets None."""
    if not can_view_internal(viewer):
        return None
    decision = session.scalar(select(MeetingDecision).where(MeetingDecision.task_id == task_id))
    if decision is None:
        return None
    meeting = session.get(Meeting, decision.meeting_id)
    assert meeting is not None
    return MeetingLink(
        meeting_id=meeting.id,
        meeting_title=meeting.title,
        meeting_kind=meeting.kind,
        meeting_date=meeting.meeting_date,
        decision_id=decision.id,
        decision_text=decision.text,
        can_open=can_view_meeting(viewer, meeting),
    )


@dataclass(frozen=True)
class MeetingDetail:
    """Everything a meeting page shows."""

    meeting: Meeting
    agenda: list[AgendaItem]
    materials: list[MeetingMaterial]
    minutes: MeetingMinutes | None
    minutes_revisions: int
    decisions: list[DecisionView]

    def as_dict(self, locale: str = "zh") -> dict[str, Any]:
        m = self.meeting
        return {
            **m.as_dict(),
            "kind_label": render(f"meeting_kind.{m.kind}", None, locale),
            "status_label": render(f"meeting_status.{m.status}", None, locale),
            "convener_unit": m.convener_unit.name if m.convener_unit else None,
            "attending_units": [{"id": u.id, "name": u.name} for u in m.attending_units],
            "agenda": [
                {
                    **a.as_dict(),
                    "kind_label": render(f"agenda_kind.{a.kind}", None, locale),
                    "speaker_unit": a.speaker_unit.name if a.speaker_unit else None,
                }
                for a in self.agenda
            ],
            "materials": [x.as_dict() for x in self.materials],
            "minutes": self.minutes.as_dict() if self.minutes else None,
            "minutes_revisions": self.minutes_revisions,
            "decisions": [d.as_dict(locale) for d in self.decisions],
        }


def meeting_detail(
    session: Session, viewer: Actor, meeting_id: int, *, today: date | None = None
) -> MeetingDetail:
    meeting = get_meeting(session, viewer, meeting_id)
    return MeetingDetail(
        meeting=meeting,
        agenda=list_agenda(session, viewer, meeting_id),
        materials=list_materials(session, viewer, meeting_id),
        minutes=current_minutes(session, viewer, meeting_id),
        minutes_revisions=meeting.minutes_revision,
        decisions=list_decisions(session, viewer, meeting_id, today=today),
    )


# --- portal --------------------------------------------------------------------------------


def list_publications(
    session: Session,
    viewer: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> list[Publication]:
    """Publications the viewer may see: the public (and unit editors) the published ones,
    newest first; the office and leaders every state (``status`` filters)."""
    stmt = select(Publication).options(selectinload(Publication.files))
    if not has(viewer, MCap.VIEW_PORTAL_DRAFTS):
        stmt = stmt.where(Publication.status == "published")
    if status is not None:
        stmt = stmt.where(Publication.status == status)
    if kind is not None:
        stmt = stmt.where(Publication.kind == kind)
    # Drafts (no publication time) after the published ones, newest first in each group.
    stmt = stmt.order_by(
        Publication.published_at.is_(None),
        Publication.published_at.desc(),
        Publication.id.desc(),
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def get_publication(session: Session, viewer: Actor, publication_id: int) -> Publication:
    pub = session.get(Publication, publication_id)
    if pub is None or not can_view_publication(viewer, pub):
        raise NotFound("publication", publication_id)
    return pub


def get_publication_file(
    session: Session, viewer: Actor, file_id: int
) -> tuple[PublicationFile, bytes]:
    f = session.get(PublicationFile, file_id)
    if f is None:
        raise NotFound("publication_file", file_id)
    pub = session.get(Publication, f.publication_id)
    if pub is None or not can_view_publication(viewer, pub):
        raise NotFound("publication_file", file_id)
    blob = session.get(EvidenceBlob, f.blob_sha256)
    assert blob is not None
    return f, blob.data


def current_headline_snapshot(
    session: Session, viewer: Actor, *, year: int | None = None
) -> HeadlineSnapshot | None:
    """The published snapshot the portal shows: of ``year``, else of the latest year with
    one. Everyone, the public included, may read it."""
    del viewer  # public by design; kept for the uniform signature
    stmt = (
        select(HeadlineSnapshot)
        .where(HeadlineSnapshot.status == "published")
        .options(selectinload(HeadlineSnapshot.values))
        .order_by(HeadlineSnapshot.year.desc(), HeadlineSnapshot.id.desc())
    )
    if year is not None:
        stmt = stmt.where(HeadlineSnapshot.year == year)
    return session.scalars(stmt.limit(1)).first()


def list_headline_snapshots(session: Session, viewer: Actor) -> list[HeadlineSnapshot]:
    """Published snapshots (the public); every snapshot, superseded and withdrawn ones too
    (office and leaders), newest first."""
    stmt = select(HeadlineSnapshot).order_by(
        HeadlineSnapshot.year.desc(), HeadlineSnapshot.id.desc()
    )
    if not has(viewer, MCap.VIEW_PORTAL_DRAFTS):
        stmt = stmt.where(HeadlineSnapshot.status == "published")
    return list(session.scalars(stmt))


def get_headline_snapshot(session: Session, viewer: Actor, snapshot_id: int) -> HeadlineSnapshot:
    snap = session.get(HeadlineSnapshot, snapshot_id)
    if snap is None or (snap.status != "published" and not has(viewer, MCap.VIEW_PORTAL_DRAFTS)):
        raise NotFound("headline_snapshot", snapshot_id)
    return snap
