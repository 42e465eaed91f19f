"""The workspace's tables (SQLAlchemy 2). The Alembic revisions in ``migrations/`` must match.

Conventions:
- every row a user can change has ``version`` (SQLAlchemy's version counter): an UPDATE whose
  ``WHERE version = :seen`` matches nothing fails, so no update is silently lost;
- progress reports are append-only: content lives in immutable ``report_revisions`` and every
  workflow step in ``report_events``; the ``progress_reports`` row only points at the newest;
- timestamps are naive UTC, the same on SQLite and PostgreSQL: records by the app's clock
  (``record_now()``: the app's day, e.g. the demo's, at the real time of day), sessions and
  pending uploads by the real clock (``utcnow()``);
- ``as_dict()`` is the JSON shape used by the audit log, StaleVersion and the API: each table
  lists its keys in ``AS_DICT`` (``recorded.AsDict``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ipcity.clock import configured_day
from ipcity.workspace.recorded import AsDict, dicts_of, ids_of, keys, value_of

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Naive UTC now: what every timestamp column stores. Sessions, tokens, rate limits and
    pending uploads use it as it is (they expire by the real clock)."""
    return datetime.now(UTC).replace(tzinfo=None)


def stamp_on(day: date | None = None) -> datetime:
    """Now by the app's clock: the real time of day on ``day`` (None: the app's day, see
    ``on_app_day``), or the real UTC now when that is the calendar's today (UTC or local)."""
    day = day or configured_day()
    now = utcnow()
    if day is None or day in (now.date(), date.today()):
        return now
    return datetime.combine(day, now.time())


def record_now() -> datetime:
    """When a record (report, notice, case, user, audit entry …) is made, by the app's clock:
    a demo or training database set on 15 November 2023 holds no record dated in the real
    present. Column default of those tables."""
    return stamp_on(None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Setting(Base):
    """Key/value settings kept in the DB (e.g. the signing secret, generated once)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Unit(AsDict, Base):
    """A member unit of the joint conference: the office, a municipal bureau or a district."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(16))  # office | municipal | district
    admin_code: Mapped[str | None] = mapped_column(String(6), unique=True)  # GB/T 2260
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    AS_DICT = keys(
        "id code name short_name kind admin_code sort_order active",
        ("aliases", value_of("alias_names")),
        "version",
    )

    aliases: Mapped[list[UnitAlias]] = relationship(
        cascade="all, delete-orphan", order_by="UnitAlias.id", lazy="selectin"
    )

    @property
    def alias_names(self) -> list[str]:
        return [a.alias for a in self.aliases]


class UnitAlias(Base):
    """Another name a unit goes by in the office's sheets: a short or former name (市高院,
    市文旅局). Unique across units, and never another unit's name (checked on write)."""

    __tablename__ = "unit_aliases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100), unique=True)


class PendingImport(Base):
    """An uploaded sheet between its preview and the user's confirmation (kept a day at most;
    deleted when applied). ``kind``: tasks | targets; ``owner_id``: the work plan or plan."""

    __tablename__ = "pending_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # random, in the confirm form
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    sheet: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class User(AsDict, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # office_admin | unit_editor | leader
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    # "End all sessions": API tokens issued up to this moment are refused (auth_sessions.py).
    sessions_ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the badge counts unread notices newer than this (a leader's "mark all read")
    inbox_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    unit: Mapped[Unit | None] = relationship()

    # Never the password hash: this goes into the audit log and the API.
    AS_DICT = keys("id username display_name email role unit_id active version")


class LoginAttempt(Base):
    """One login try; failures in a window lock a user name + client (rate limiting)."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
    success: Mapped[bool] = mapped_column(Boolean)
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)


class Plan(AsDict, Base):
    """A long-range outline or a five-year plan."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # outline | five_year | other
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    AS_DICT = keys("id code title kind start_year end_year description published version")


class Goal(AsDict, Base):
    """A node of a plan's goal tree (any depth)."""

    __tablename__ = "goals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float | None] = mapped_column(Float)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    AS_DICT = keys("id plan_id parent_id code title description weight sort_order version")


class IndicatorTarget(AsDict, Base):
    """An indicator of a plan with its baseline and target.

    ``engine_indicator`` names an indicator the engine computes from the warehouse; when it is
    empty the indicator is reported by hand (only published values exist for it).
    """

    __tablename__ = "indicator_targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    engine_indicator: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(16), default="ALL")
    unit: Mapped[str] = mapped_column(String(32), default="")  # measurement unit, e.g. 件
    direction: Mapped[str] = mapped_column(String(8))  # higher | lower
    binding: Mapped[bool] = mapped_column(Boolean, default=False)  # 约束性 vs 预期性
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_year: Mapped[int] = mapped_column(Integer)
    target_value: Mapped[float] = mapped_column(Float)
    # Yearly milestones between baseline and target: {"2026": 12.5, ...} (year as text: JSON keys).
    milestones: Mapped[dict[str, float] | None] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    AS_DICT = keys(
        "id plan_id goal_id code name engine_indicator region unit direction binding",
        "baseline_year baseline_value target_year target_value",
        ("milestones", lambda t: dict(t.milestones or {})),
        "note published sort_order version",
    )


class ComputedActual(AsDict, Base):
    """A snapshot of an engine-computed value (append-only; the newest per year counts)."""

    __tablename__ = "computed_actuals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("indicator_targets.id"))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    vintage: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_computed_actuals_target_year", "target_id", "year"),)

    AS_DICT = keys("id target_id year value vintage computed_at")


class PublishedActual(AsDict, Base):
    """An officially published value, entered by the office with its source."""

    __tablename__ = "published_actuals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("indicator_targets.id"))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (UniqueConstraint("target_id", "year"),)

    AS_DICT = keys(
        "id target_id year value source published_on note entered_by_id entered_at version"
    )


class WorkPlan(AsDict, Base):
    """An annual work plan (年度推进计划) breaking the plans into key tasks."""

    __tablename__ = "work_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    start_date: Mapped[date] = mapped_column(Date)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    # how often units report: month | quarter | half | year (workspace.rhythm)
    report_rhythm: Mapped[str] = mapped_column(
        String(8), default="quarter", server_default="quarter"
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    AS_DICT = keys("id code year title plan_id start_date published report_rhythm version")


class TaskCoUnit(Base):
    __tablename__ = "task_co_units"
    task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class Task(AsDict, Base):
    """A key task of an annual work plan: one lead unit, any co-operating units, a deadline."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_plan_id: Mapped[int] = mapped_column(ForeignKey("work_plans.id"))
    code: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer, default=0)  # 序号
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    start_date: Mapped[date | None] = mapped_column(Date)  # None: the work plan's start
    deadline: Mapped[date] = mapped_column(Date)
    deadline_text: Mapped[str] = mapped_column(String(50), default="")  # as written, 6月底
    expected_output: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float | None] = mapped_column(Float)
    # Hidden from the public until the office publishes it (the task of a meeting decision).
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (UniqueConstraint("work_plan_id", "code"),)

    work_plan: Mapped[WorkPlan] = relationship()
    lead_unit: Mapped[Unit] = relationship(foreign_keys=[lead_unit_id])
    co_units: Mapped[list[Unit]] = relationship(
        secondary="task_co_units", order_by="Unit.sort_order, Unit.id"
    )
    milestones: Mapped[list[Milestone]] = relationship(
        order_by="Milestone.seq", cascade="all, delete-orphan"
    )

    def effective_start(self) -> date:
        return self.start_date or self.work_plan.start_date

    AS_DICT = keys(
        "id work_plan_id code seq title description goal_id lead_unit_id",
        ("co_unit_ids", ids_of("co_units")),
        "start_date deadline deadline_text expected_output weight",
        ("milestones", dicts_of("milestones")),
        "version",
    )


class Milestone(AsDict, Base):
    """A dated step of a task; replaced as a list whenever the task is edited."""

    __tablename__ = "milestones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[date | None] = mapped_column(Date)

    AS_DICT = keys("title due_date")


class ProgressReport(AsDict, Base):
    """A unit's progress report on a task for a period. The workflow state lives here; the
    content of every revision lives in ``ReportRevision`` (never overwritten)."""

    __tablename__ = "progress_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(16))  # 2023-06 | 2023-Q2 | 2023-H1 | 2023
    period_end: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))  # draft | submitted | accepted | returned
    current_revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (UniqueConstraint("task_id", "unit_id", "period"),)

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    revisions: Mapped[list[ReportRevision]] = relationship(
        order_by="ReportRevision.revision_no", back_populates="report"
    )
    events: Mapped[list[ReportEvent]] = relationship(order_by="ReportEvent.id")

    def current(self) -> ReportRevision:
        return next(r for r in self.revisions if r.revision_no == self.current_revision)

    AS_DICT = keys(
        "id task_id unit_id period period_end state current_revision",
        ("percent", lambda r: r.current().percent if r.revisions else None),
        ("narrative", lambda r: r.current().narrative if r.revisions else None),
        "created_at updated_at version",
    )


class ReportRevision(AsDict, Base):
    """Immutable content of one revision of a progress report."""

    __tablename__ = "report_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"))
    revision_no: Mapped[int] = mapped_column(Integer)
    percent: Mapped[float] = mapped_column(Float)
    narrative: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    __table_args__ = (UniqueConstraint("report_id", "revision_no"),)

    report: Mapped[ProgressReport] = relationship(back_populates="revisions")
    files: Mapped[list[RevisionFile]] = relationship(order_by="RevisionFile.id")

    AS_DICT = keys(
        "id report_id revision_no percent narrative author_id author_name created_at",
        ("files", dicts_of("files")),
    )


class ReportEvent(AsDict, Base):
    """Immutable record of one workflow step (create, revise, submit, accept, return)."""

    __tablename__ = "report_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"))
    revision_no: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime, default=record_now)

    AS_DICT = keys(
        "id report_id revision_no kind from_state to_state comment actor_id actor_name at"
    )


class EvidenceBlob(Base):
    """File content, stored once per SHA-256 however many revisions attach it."""

    __tablename__ = "evidence_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class RevisionFile(AsDict, Base):
    """An evidence file attached to a report revision."""

    __tablename__ = "revision_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("report_revisions.id"))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)

    AS_DICT = keys("id filename content_type size", ("sha256", value_of("blob_sha256")))


class Notice(AsDict, Base):
    """An inbox entry for a unit (``unit_id``) or for the office (``for_office``).

    ``dedupe_key`` is unique, so running supervision twice on a day adds nothing.
    """

    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    for_office: Mapped[bool] = mapped_column(Boolean, default=False)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"))
    kind: Mapped[str] = mapped_column(String(32))
    message_key: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    day: Mapped[date] = mapped_column(Date)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    read_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_notices_unit_day", "unit_id", "day"),)

    AS_DICT = keys(
        "id unit_id for_office task_id report_id kind message_key params day created_at",
        "read_at read_by_id emailed_at version",
    )


class AuditEntry(AsDict, Base):
    """Who did what, when, to which entity, with the row before and after (JSON)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_at", "at"),
    )

    AS_DICT = keys("id at actor_id actor_name actor_role action entity entity_id before after")
