"""Tables of the meetings and of the public portal, on the workspace's ``Base``.

The Alembic revision ``0002_meetings_portal`` creates exactly these tables (a test compares
them with autogenerate on SQLite and PostgreSQL). Conventions are the workspace's: rows a user
changes carry ``version`` (optimistic locking), records that must never change (minutes
revisions, decisions, headline values) have none, timestamps are naive UTC, files live in the
workspace's ``evidence_blobs`` (stored once by SHA-256, so a database backup is complete) and
``as_dict()`` is the JSON shape of the audit log and the API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ipcity.workspace.models import Base, Unit, record_now
from ipcity.workspace.recorded import AsDict, dicts_of, ids_of, keys, value_of

MEETING_KINDS = ("annual_enlarged", "plenary", "special", "liaison")
MEETING_STATUSES = ("draft", "scheduled", "held")
AGENDA_KINDS = ("convener_speech", "work_report", "exchange_speech", "other")
MATERIAL_KINDS = ("upload", "work_report")
PUBLICATION_KINDS = ("work_report", "bulletin", "news")
PUBLICATION_STATUSES = ("draft", "published", "withdrawn")
SNAPSHOT_STATUSES = ("published", "superseded", "withdrawn")
SNAPSHOT_SOURCES = ("engine", "workspace")


class MeetingUnit(Base):
    """A unit attending a meeting."""

    __tablename__ = "meeting_units"
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class Meeting(AsDict, Base):
    """A meeting of the joint conference: the annual (enlarged) meeting, a plenary, a special
    meeting or a liaison-officer meeting.

    ``minutes_revision`` points at the newest ``MeetingMinutes`` revision (0: none yet); a new
    revision steps the meeting's version, so two people recording minutes at once cannot both
    win.
    """

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # MEETING_KINDS
    title: Mapped[str] = mapped_column(String(200))
    meeting_date: Mapped[date] = mapped_column(Date)
    time_text: Mapped[str] = mapped_column(String(50), default="")  # 上午9:30
    place: Mapped[str] = mapped_column(String(200), default="")
    convener_name: Mapped[str] = mapped_column(String(100), default="")  # person or role title
    convener_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft")  # MEETING_STATUSES
    minutes_revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_meetings_meeting_date", "meeting_date"),)

    convener_unit: Mapped[Unit | None] = relationship(foreign_keys=[convener_unit_id])
    attending_units: Mapped[list[Unit]] = relationship(
        secondary="meeting_units", order_by="Unit.sort_order, Unit.id"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        order_by="AgendaItem.seq, AgendaItem.id", back_populates="meeting"
    )

    @property
    def year(self) -> int:
        return self.meeting_date.year

    def attends(self, unit_id: int | None) -> bool:
        return unit_id is not None and any(u.id == unit_id for u in self.attending_units)

    AS_DICT = keys(
        "id kind title meeting_date time_text place convener_name convener_unit_id description",
        "status",
        ("attending_unit_ids", ids_of("attending_units")),
        "minutes_revision created_at updated_at version",
    )


class AgendaItem(AsDict, Base):
    """One item of a meeting's agenda, in ``seq`` order: the convener's speech, the office's
    work report, an exchange speech by a named unit, or anything else."""

    __tablename__ = "meeting_agenda_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(24))  # AGENDA_KINDS
    title: Mapped[str] = mapped_column(String(300))
    speaker_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    speaker_name: Mapped[str] = mapped_column(String(100), default="")  # person or role title
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_meeting_agenda_items_meeting", "meeting_id", "seq"),)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    speaker_unit: Mapped[Unit | None] = relationship(foreign_keys=[speaker_unit_id])

    AS_DICT = keys("id meeting_id seq kind title speaker_unit_id speaker_name note version")


class MeetingMaterial(AsDict, Base):
    """A file of a meeting: an upload, or the annual work report generated by
    ``ipcity.reports`` (``report_year`` / ``report_lang`` / ``report_format`` say which).
    Removing a material only marks it removed: the record and the file stay."""

    __tablename__ = "meeting_materials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_agenda_items.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(16))  # MATERIAL_KINDS
    title: Mapped[str] = mapped_column(String(300))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    report_year: Mapped[int | None] = mapped_column(Integer)
    report_lang: Mapped[str | None] = mapped_column(String(8))
    report_format: Mapped[str | None] = mapped_column(String(8))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_by_name: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removed_by_name: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_meeting_materials_meeting", "meeting_id"),)

    AS_DICT = keys(
        "id meeting_id agenda_item_id kind title filename content_type size",
        ("sha256", value_of("blob_sha256")),
        "report_year report_lang report_format added_by_id added_by_name added_at",
        "removed_at removed_by_name version",
    )


class MeetingMinutes(AsDict, Base):
    """One immutable revision of a meeting's minutes (会议纪要). A correction adds a revision;
    the meeting row points at the newest."""

    __tablename__ = "meeting_minutes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    revision_no: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(300), default="")  # why this revision
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    __table_args__ = (UniqueConstraint("meeting_id", "revision_no"),)

    AS_DICT = keys("id meeting_id revision_no text note author_id author_name created_at")


class MeetingDecision(AsDict, Base):
    """A decision of a meeting and the workspace task that follows it up.

    ``task_id`` is unique (a task follows one decision); it becomes NULL only if the office
    later deletes the task in the workspace — the decision itself is kept.
    """

    __tablename__ = "meeting_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), unique=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    __table_args__ = (Index("ix_meeting_decisions_meeting", "meeting_id", "seq"),)

    AS_DICT = keys("id meeting_id seq text task_id recorded_by_id recorded_by_name recorded_at")


class Publication(AsDict, Base):
    """A work report, bulletin or news item of the public portal.

    ``draft`` -> ``published`` -> ``withdrawn`` (-> ``published`` again). Content can change only
    while it is not published: the public never sees a text change under a published date.
    """

    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # PUBLICATION_KINDS
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    body_zh: Mapped[str] = mapped_column(Text, default="")  # Markdown, raw HTML escaped
    body_en: Mapped[str] = mapped_column(Text, default="")
    report_year: Mapped[int | None] = mapped_column(Integer)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # PUBLICATION_STATUSES
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_name: Mapped[str] = mapped_column(String(100), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_publications_status_published_at", "status", "published_at"),)

    files: Mapped[list[PublicationFile]] = relationship(
        order_by="PublicationFile.id", cascade="all, delete-orphan"
    )

    def title(self, locale: str = "zh") -> str:
        return self.title_en if locale.startswith("en") and self.title_en else self.title_zh

    def summary(self, locale: str = "zh") -> str:
        return self.summary_en if locale.startswith("en") and self.summary_en else self.summary_zh

    def body(self, locale: str = "zh") -> str:
        return self.body_en if locale.startswith("en") and self.body_en else self.body_zh

    AS_DICT = keys(
        "id kind title_zh title_en summary_zh summary_en body_zh body_en report_year meeting_id",
        "status published_at published_by_name withdrawn_at",
        ("files", dicts_of("files")),
        "created_at updated_at version",
    )


class PublicationFile(AsDict, Base):
    """A file attached to a publication (e.g. the generated report as PDF, DOCX or HTML)."""

    __tablename__ = "publication_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id", ondelete="CASCADE"))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(8))
    format: Mapped[str | None] = mapped_column(String(8))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)

    AS_DICT = keys(
        "id publication_id filename content_type size",
        ("sha256", value_of("blob_sha256")),
        "lang format added_at",
    )


class HeadlineSnapshot(AsDict, Base):
    """The headline indicators as the office published them for ``year``: the values are
    copied at publish time with their provenance, so the portal's figures do not move when the
    warehouse is re-ingested, until the office publishes again (the old snapshot is then
    ``superseded`` and kept)."""

    __tablename__ = "headline_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # SNAPSHOT_STATUSES
    source: Mapped[str] = mapped_column(String(16))  # engine | workspace
    region: Mapped[str] = mapped_column(String(16))
    definition_version: Mapped[str] = mapped_column(String(100), default="")
    population_lag: Mapped[int | None] = mapped_column(Integer)
    vintage: Mapped[dict[str, Any]] = mapped_column(JSON)
    population_sources: Mapped[list[str]] = mapped_column(JSON)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON)  # counting, engine, warnings, ...
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_by_name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (Index("ix_headline_snapshots_status_year", "status", "year"),)

    values: Mapped[list[HeadlineValue]] = relationship(
        order_by="HeadlineValue.seq, HeadlineValue.year", cascade="all, delete-orphan"
    )

    AS_DICT = keys(
        "id year status source region definition_version population_lag vintage",
        "population_sources provenance note published_at published_by_name",
        ("value_count", lambda s: len(s.values)),
        "version",
    )


class HeadlineValue(AsDict, Base):
    """One figure of a headline snapshot (immutable): an indicator's value in a year."""

    __tablename__ = "headline_snapshot_values"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("headline_snapshots.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)  # the indicator's place in the headline list
    indicator: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit_zh: Mapped[str] = mapped_column(String(32), default="")
    unit_en: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(16))  # count | rate | percent | amount
    places: Mapped[int] = mapped_column(Integer, default=0)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text, default="")  # per value (workspace snapshots)
    __table_args__ = (UniqueConstraint("snapshot_id", "indicator", "year"),)

    def name(self, locale: str = "zh") -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh

    AS_DICT = keys("indicator name_zh name_en unit_zh unit_en kind places year value source")
