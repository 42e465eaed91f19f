"""Supervision rules at their boundaries (by hand), the idempotent run, and e-mail through a
local SMTP sink (no network)."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import ClassVar

import pytest
from sqlalchemy import func, select

from ipcity.workspace import actions as A
from ipcity.workspace.mail import SmtpSettings
from ipcity.workspace.models import Notice
from ipcity.workspace.supervision import (
    Status,
    SupervisionSettings,
    expected_fraction,
    task_status,
)
from tests.support.ws_fixtures import World

START = date(2023, 1, 1)
DEADLINE = date(2023, 4, 11)  # 100 days after START
N = SupervisionSettings(near_days=14, behind_tolerance=0)  # the strict straight line


def st(today: date, percent: float | None, deadline: date = DEADLINE) -> tuple[Status, str]:
    r = task_status(start=START, deadline=deadline, percent=percent, today=today, settings=N)
    return r.status, r.reason_key


def test_deadline_boundaries() -> None:
    # Deadline today: 0 days left -> yellow (near deadline), not red.
    assert st(DEADLINE, 50) == (Status.YELLOW, "reason.near_deadline")
    # One day after the deadline -> red, 1 day overdue.
    r = task_status(start=START, deadline=DEADLINE, percent=99, today=date(2023, 4, 12), settings=N)
    assert (r.status, r.params["days"], r.days_left) == (Status.RED, 1, -1)
    # Exactly N=14 days ahead (2023-03-28 + 14 = 2023-04-11) -> yellow; N+1 days ahead is not
    # "near": there progress decides. On 2023-03-27, 85 days of 100 have passed: line = 85 %.
    assert st(date(2023, 3, 28), 100 - 1) == (Status.YELLOW, "reason.near_deadline")
    assert st(date(2023, 3, 27), 85) == (Status.GREEN, "reason.on_track")
    assert st(date(2023, 3, 27), 84.9) == (Status.YELLOW, "reason.behind_schedule")
    # Done wins over everything, even after the deadline.
    assert st(date(2023, 5, 1), 100) == (Status.DONE, "reason.done")


def test_straight_line_boundaries() -> None:
    # Day 50 of 100 (2023-02-20): line = 50 %. Exactly on it -> green; a hair below -> yellow.
    day50 = date(2023, 2, 20)
    assert expected_fraction(START, DEADLINE, day50) * 100 == 50
    assert st(day50, 50) == (Status.GREEN, "reason.on_track")
    assert st(day50, 49.99) == (Status.YELLOW, "reason.behind_schedule")
    # Day 1 of 300 (deadline 2023-10-28): line = 1/300 = 0.333... %; 1/3 % written as a float
    # is below the exact fraction, so it is behind; 0.34 % is ahead.
    long_deadline = date(2023, 10, 28)
    assert (long_deadline - START).days == 300
    assert st(date(2023, 1, 2), 0.34, long_deadline)[0] is Status.GREEN
    assert st(date(2023, 1, 2), 0.33, long_deadline)[0] is Status.YELLOW
    # On the start day the line is at 0: no report (0 %) is on track.
    assert st(START, None) == (Status.GREEN, "reason.on_track")
    # Before the start the line stays at 0.
    assert expected_fraction(START, DEADLINE, date(2022, 12, 1)) == 0
    # A task that starts on its deadline: nothing is due before it.
    assert expected_fraction(DEADLINE, DEADLINE, date(2023, 4, 10)) == 0


def test_tolerance() -> None:
    lenient = SupervisionSettings(near_days=14, behind_tolerance=5)
    r = task_status(
        start=START, deadline=DEADLINE, percent=45, today=date(2023, 2, 20), settings=lenient
    )
    assert r.status is Status.GREEN  # 45 >= 50 - 5
    r = task_status(
        start=START, deadline=DEADLINE, percent=44.9, today=date(2023, 2, 20), settings=lenient
    )
    assert r.status is Status.YELLOW


def test_default_margin_is_documented_and_not_the_second_day() -> None:
    """Default: yellow for lagging only beyond 25 points (one quarter of a year's task)."""
    default = SupervisionSettings()
    assert (default.near_days, default.behind_tolerance) == (14, 25.0)
    year_end = date(2023, 12, 31)  # 364 days after START

    def ds(today: date, pct: float | None) -> tuple[Status, str]:
        r = task_status(start=START, deadline=year_end, percent=pct, today=today)
        return r.status, r.reason_key

    # The second day, nothing reported: green (the strict line would say yellow).
    assert ds(date(2023, 1, 2), None) == (Status.GREEN, "reason.on_track")
    # Day 91 of 364: line = 25 % exactly; 0 % lags by exactly the margin -> still on track.
    assert expected_fraction(START, year_end, date(2023, 4, 2)) * 100 == 25
    assert ds(date(2023, 4, 2), None) == (Status.GREEN, "reason.on_track")
    # One day later the lag exceeds 25 points -> yellow, behind schedule.
    assert ds(date(2023, 4, 3), None) == (Status.YELLOW, "reason.behind_schedule")
    # Day 182 of 364: line = 50 %; 25 % is on the margin (green), 24.9 % is behind.
    assert ds(date(2023, 7, 2), 25) == (Status.GREEN, "reason.on_track")
    assert ds(date(2023, 7, 2), 24.9) == (Status.YELLOW, "reason.behind_schedule")
    # Deadline exactly NEAR_DAYS away: yellow whatever the progress (99 %); one day more: green.
    assert ds(date(2023, 12, 17), 99) == (Status.YELLOW, "reason.near_deadline")
    assert ds(date(2023, 12, 16), 99) == (Status.GREEN, "reason.on_track")


def test_complete_awaiting_review_is_neither_overdue_nor_warned() -> None:
    def aw(today: date, pct: float | None, pending: bool) -> tuple[Status, str]:
        r = task_status(
            start=START,
            deadline=DEADLINE,
            percent=pct,
            today=today,
            settings=N,
            awaiting_review=pending,
        )
        return r.status, r.reason_key

    after = date(2023, 5, 1)  # 20 days after the deadline
    assert aw(after, 60, True) == (Status.GREEN, "reason.awaiting_review")
    assert aw(DEADLINE, None, True) == (Status.GREEN, "reason.awaiting_review")
    # Without the pending 100 % report the same task is overdue; accepted 100 % is done.
    assert aw(after, 60, False)[0] is Status.RED
    assert aw(after, 100, True) == (Status.DONE, "reason.done")
    r = task_status(start=START, deadline=DEADLINE, percent=0, today=after, awaiting_review=True)
    assert r.reason("zh") == "已报送完成（100%），待联席办审核"


def test_reason_texts_are_translatable() -> None:
    r = task_status(start=START, deadline=DEADLINE, percent=10, today=date(2023, 4, 15), settings=N)
    assert r.reason("en") == "4 days overdue (deadline 2023-04-11)"
    assert r.reason("zh") == "已逾期4天（完成时限2023-04-11）"
    assert r.as_dict("en")["status_label"] == "overdue"


def test_near_days_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from ipcity.errors import InputError

    monkeypatch.setenv("IPCITY_NEAR_DAYS", "7")
    assert SupervisionSettings.from_env().near_days == 7
    monkeypatch.setenv("IPCITY_NEAR_DAYS", "a week")
    with pytest.raises(InputError):
        SupervisionSettings.from_env()


def test_run_is_idempotent_and_reaches_lead_and_co_units(world: World) -> None:
    w = world
    # T1: lead A, co B, deadline 2023-06-30. On 2023-06-20 it is 10 days ahead -> near.
    # T2: lead B, deadline 2023-12-31, 0 % on day 170 of 364 -> behind, but no notice (only
    # near-deadline and overdue notices are sent).
    with w.db.write() as s:
        run = A.do_run_supervision(s, w.system, today=date(2023, 6, 20), settings=N, smtp=None)
    assert run.notices_created == 2
    assert run.statuses == {"yellow": 2}
    with w.db.write() as s:
        again = A.do_run_supervision(s, w.system, today=date(2023, 6, 20), settings=N, smtp=None)
    assert again.notices_created == 0
    with w.db.read() as s:
        rows = s.execute(select(Notice.unit_id, Notice.kind, Notice.params)).all()
    assert sorted((u, k) for u, k, _ in rows) == sorted(
        [(w.unit_a, "near_deadline"), (w.unit_b, "near_deadline")]
    )
    assert rows[0][2]["days"] == 10
    # Next day: new notices for the new day; after the deadline: overdue ones.
    with w.db.write() as s:
        assert (
            A.do_run_supervision(
                s, w.system, today=date(2023, 6, 21), settings=N, smtp=None
            ).notices_created
            == 2
        )
        late = A.do_run_supervision(s, w.system, today=date(2023, 7, 2), settings=N, smtp=None)
    assert late.notices_created == 2 and late.statuses == {"red": 1, "yellow": 1}
    with w.db.read() as s:
        assert (
            s.scalar(select(func.count()).select_from(Notice).where(Notice.kind == "overdue")) == 2
        )


class _Sink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    messages: ClassVar[list[tuple[list[str], bytes]]] = []

    def handle(self) -> None:
        self.wfile.write(b"220 sink ready\r\n")
        rcpts: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode().strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif verb == "MAIL":
                rcpts = []
                self.wfile.write(b"250 ok\r\n")
            elif verb == "RCPT":
                rcpts.append(cmd.split(":", 1)[1].strip(" <>"))
                self.wfile.write(b"250 ok\r\n")
            elif verb == "DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk
                type(self).messages.append((rcpts, data))
                self.wfile.write(b"250 queued\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[tuple[list[str], bytes]]]]:
    _Sink.messages = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Sink)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], _Sink.messages
    finally:
        server.shutdown()
        server.server_close()


def test_email_digest_through_local_smtp(
    world: World, smtp_sink: tuple[int, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, messages = smtp_sink
    w = world
    with w.db.write() as s:
        A.do_update_user(
            s, w.admin, w.editor_a.user_id, expected_version=1, changes={"email": "a@example.org"}
        )
        A.do_update_user(
            s, w.admin, w.editor_b.user_id, expected_version=1, changes={"email": "b@example.org"}
        )
    monkeypatch.setenv("IPCITY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("IPCITY_SMTP_PORT", str(port))
    monkeypatch.setenv("IPCITY_SMTP_FROM", "office@example.org")
    with w.db.write() as s:
        run = A.do_run_supervision(s, w.system, today=date(2023, 6, 20), settings=N)
    assert (run.notices_created, run.emails_sent, run.email_errors) == (2, 2, [])
    assert sorted(r[0] for r, _ in messages) == ["a@example.org", "b@example.org"]
    msg = message_from_bytes(messages[0][1])
    assert str(make_header(decode_header(msg["Subject"]))) == "知识产权联席会议工作提醒（1条）"
    body = msg.get_payload(decode=True).decode("utf-8")
    assert "任务2023-001「任务一」将于2023-06-30到期，还有10天" in body
    # A second run the same day sends nothing more (already mailed).
    with w.db.write() as s:
        again = A.do_run_supervision(s, w.system, today=date(2023, 6, 20), settings=N)
    assert again.emails_sent == 0 and len(messages) == 2
    with w.db.read() as s:
        assert (
            s.scalar(select(func.count()).select_from(Notice).where(Notice.emailed_at.is_(None)))
            == 0
        )


def test_email_failure_is_reported_not_fatal(world: World) -> None:
    w = world
    with w.db.write() as s:
        A.do_update_user(
            s, w.admin, w.editor_a.user_id, expected_version=1, changes={"email": "a@example.org"}
        )
    # Port 1 on the loopback: connection refused at once.
    dead = SmtpSettings(host="127.0.0.1", port=1, sender="x@example.org", timeout=5)
    with w.db.write() as s:
        run = A.do_run_supervision(s, w.system, today=date(2023, 6, 20), settings=N, smtp=dead)
    assert run.notices_created == 2 and run.emails_sent == 0
    assert len(run.email_errors) == 1 and "ConnectionRefusedError" in run.email_errors[0]
    with w.db.read() as s:  # notices kept, still to be mailed
        assert (
            s.scalar(select(func.count()).select_from(Notice).where(Notice.emailed_at.is_(None)))
            == 2
        )


def test_smtp_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IPCITY_SMTP_HOST", raising=False)
    assert SmtpSettings.from_env() is None
    monkeypatch.setenv("IPCITY_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("IPCITY_SMTP_PORT", "587")
    cfg = SmtpSettings.from_env()
    assert (
        cfg is not None and cfg.security == "starttls" and cfg.sender == "ipcity@mail.example.org"
    )
