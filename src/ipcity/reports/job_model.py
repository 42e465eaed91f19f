"""The ``report_jobs`` table (see :mod:`ipcity.reports.jobs`): on the workspace ``Base`` and
importing nothing else of the workspace, so ``all_models`` can list it without a cycle."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ipcity.workspace.models import Base, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
# Why a job failed, as a key the page translates (never a traceback).
NO_WAREHOUSE, BAD_INPUT, INTERRUPTED, ERROR = "no_warehouse", "bad_input", "interrupted", "error"


class ReportJob(Base):
    """One requested report file and where its generation stands."""

    __tablename__ = "report_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(2))
    fmt: Mapped[str] = mapped_column(String(4))
    as_of: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(8), default=QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    failure: Mapped[str] = mapped_column(String(16), default="")  # NO_WAREHOUSE, ...
    detail: Mapped[str] = mapped_column(String(500), default="")  # the error's own text
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    __table_args__ = (Index("ix_report_jobs_state", "state"),)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "lang": self.lang,
            "format": self.fmt,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "state": self.state,
            "progress": self.progress,
            "failure": self.failure,
            "file_name": self.file_name,
            "size": self.size,
        }
