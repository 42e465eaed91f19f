"""Tables of the protection area, on the workspace's ``Base`` (migration ``0003_protection``).

- ``protection_cases``: one row per case, owned by the unit that handles it (``unit_id``),
  keyed by (unit, case number). Amounts are whole fen (1/100 yuan) in BIGINT columns, exact on
  SQLite and PostgreSQL alike. Party names (``claimants``, ``respondents``) are personal data:
  read them only through ``queries`` (which masks them).
- ``protection_case_units``: the other units that see a case: ``joint`` (handling it with the
  owner; same view as the owner, names included) and ``previous`` (owned it before a transfer;
  keeps a read view with masked names).
- ``protection_referrals``: the history of transfers and joint-handling changes (immutable).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ipcity.workspace.models import Base, Unit, record_now
from ipcity.workspace.recorded import AsDict, keys


def fen_to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen) / 100


def _yuan_of(column: str) -> Callable[[Any], float | None]:
    """An amount column (whole fen) in yuan, for ``as_dict``."""

    def yuan(case: Any) -> float | None:
        value = fen_to_yuan(getattr(case, column))
        return None if value is None else float(value)

    return yuan


class ProtectionCase(AsDict, Base):
    """An IP protection case handled by a member unit."""

    __tablename__ = "protection_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    case_no: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    ip_type: Mapped[str] = mapped_column(String(24))
    cause: Mapped[str] = mapped_column(String(200), default="")  # 案由
    received_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(24))
    outcome_text: Mapped[str] = mapped_column(String(500), default="")  # as the unit wrote it
    foreign_related: Mapped[bool] = mapped_column(Boolean, default=False)
    cross_region: Mapped[bool] = mapped_column(Boolean, default=False)
    cross_region_note: Mapped[str] = mapped_column(String(100), default="")  # e.g. 长三角
    district: Mapped[str | None] = mapped_column(String(6))  # GB/T 2260 code of the district
    claimants: Mapped[str] = mapped_column(Text, default="")  # personal data
    respondents: Mapped[str] = mapped_column(Text, default="")  # personal data
    amount_claimed_fen: Mapped[int | None] = mapped_column(BigInteger)
    amount_awarded_fen: Mapped[int | None] = mapped_column(BigInteger)
    fines_fen: Mapped[int | None] = mapped_column(BigInteger)
    value_seized_fen: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")  # free text: may name people
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data (演示数据)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        UniqueConstraint("unit_id", "case_no"),
        Index("ix_protection_cases_received_on", "received_on"),
        Index("ix_protection_cases_closed_on", "closed_on"),
    )

    unit: Mapped[Unit] = relationship()

    def handling_days(self) -> int | None:
        """Calendar days from receipt to closure (received 20 Dec, closed 10 Jan: 21)."""
        if self.closed_on is None:
            return None
        return (self.closed_on - self.received_on).days

    # Every field in clear: the audit log and StaleVersion (seen by the owner and the office
    # only). Pages and the API use ``queries.CaseView`` instead.
    AS_DICT = keys(
        "id unit_id case_no kind ip_type cause received_on closed_on outcome outcome_text",
        "foreign_related cross_region cross_region_note district claimants respondents",
        ("amount_claimed", _yuan_of("amount_claimed_fen")),
        ("amount_awarded", _yuan_of("amount_awarded_fen")),
        ("fines", _yuan_of("fines_fen")),
        ("value_seized", _yuan_of("value_seized_fen")),
        "note synthetic version",
    )


class CaseUnit(Base):
    """Another unit's view of a case: ``joint`` (handles it too) or ``previous`` (owned it
    before a transfer)."""

    __tablename__ = "protection_case_units"
    case_id: Mapped[int] = mapped_column(
        ForeignKey("protection_cases.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # joint | previous
    since: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    __table_args__ = (Index("ix_protection_case_units_unit_id", "unit_id"),)


class Referral(AsDict, Base):
    """One step of a case's history between units (immutable): ``transfer`` (ownership moves
    from ``from_unit_id`` to ``to_unit_id``), ``join`` (``to_unit_id`` handles it jointly from
    now), ``leave`` (``to_unit_id`` no longer does)."""

    __tablename__ = "protection_referrals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("protection_cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime, default=record_now)
    __table_args__ = (Index("ix_protection_referrals_case_id", "case_id"),)

    AS_DICT = keys("id case_id kind from_unit_id to_unit_id note actor_name at")
