"""Indicator actuals: engine-computed snapshots beside officially published values.

- *Computed* values come from the warehouse through ``ipcity.indicators.compute`` and are
  stored as append-only snapshots (value, data vintage, computed_at) by
  ``actions.do_refresh_computed_actuals``; the newest snapshot per year is shown.
- *Published* values are entered by the office with their source
  (``actions.do_enter_published_actual``); manual indicators only have these.

Both are kept and shown side by side. ``difference = computed - published`` (how far our
computation is from the official figure) and ``relative_difference = difference / |published|``
(None when either is missing or the published value is 0).

The indicator engine reaches the workspace as an :class:`IndicatorEngine` (by default
``ipcity.indicators.compute``, imported on first use so pages that never compute do not load
Ibis); a broken engine import is an error, never a silent "no warehouse".

Some computed indicators come from the workspace database itself rather than the warehouse
(e.g. ``protection.*``, computed from the case records). ``COMPUTED_PROVIDERS`` maps an
indicator-id prefix to such a provider; ``do_refresh_computed_actuals`` asks it instead of the
engine, and target validation accepts the ids it validates.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.clock import app_today, finished_value
from ipcity.workspace.errors import NotFound, NoWarehouse
from ipcity.workspace.models import ComputedActual, IndicatorTarget, Plan, PublishedActual
from ipcity.workspace.permissions import Actor, can_view_internal


class EngineResult(Protocol):
    """What the workspace reads of an engine result (``ipcity.indicators.IndicatorResult``):
    ``table`` rows (indicator, year, region, value) and ``meta`` (its data vintage)."""

    @property
    def table(self) -> Any: ...

    @property
    def meta(self) -> dict[str, Any]: ...


class IndicatorEngine(Protocol):
    """The warehouse engine as the workspace calls it (``ipcity.indicators.compute``)."""

    def __call__(
        self,
        warehouse: Any,
        /,
        *,
        indicators: Sequence[str] | None,
        years: Sequence[int] | None,
        region: str,
        population_lag: int | None,
        office: str | None,
    ) -> EngineResult: ...


class ComputedProvider(Protocol):
    """Computes indicators from the workspace database (no warehouse needed)."""

    def validate(self, indicator: str) -> str | None:
        """None when ``indicator`` is a valid id of this provider, else why not."""
        ...

    def compute(
        self, session: Session, indicator: str, *, years: Sequence[int] | None, region: str
    ) -> tuple[dict[int, float | None], dict[str, Any]]:
        """(year -> value, vintage) of one indicator for one region."""
        ...


# Indicator-id prefix -> "module:attribute" of a ComputedProvider, imported on first use (the
# workspace does not import the areas above it). A provider that fails to import is an error.
COMPUTED_PROVIDERS: dict[str, str] = {
    "protection.": "ipcity.protection.indicators:WORKSPACE_PROVIDER",
}


def find_provider(indicator: str) -> ComputedProvider | None:
    """The provider of ``indicator`` (by prefix), or None: the warehouse engine computes it."""
    for prefix, where in COMPUTED_PROVIDERS.items():
        if indicator.startswith(prefix):
            module, _, attr = where.partition(":")
            provider: ComputedProvider = getattr(importlib.import_module(module), attr)
            return provider
    return None


def load_compute() -> IndicatorEngine:
    """``ipcity.indicators.compute`` (a locked dependency: a failing import is raised)."""
    from ipcity.indicators import compute

    return compute


def open_warehouse(directory: str | None = None) -> Any:
    """The warehouse, read-only, or NoWarehouse."""
    from ipcity.errors import IpcityError

    try:
        from ipcity.warehouse.store import Warehouse

        return Warehouse(directory, read_only=True)
    except IpcityError as exc:
        raise NoWarehouse(str(exc)) from exc


def attainment(
    *,
    baseline: float | None,
    target: float,
    actual: float | None,
    direction: str,
) -> float | None:
    """How far along the way to the target an actual value is (1.0 = target met).

    With a baseline: ``(actual - baseline) / (target - baseline)`` — the same formula serves
    both directions, since for "lower is better" numerator and denominator are both negative
    while improving. Without a baseline: ``actual / target`` (higher) or ``target / actual``
    (lower). Not clipped: above 1 means the target is exceeded.
    """
    if actual is None:
        return None
    if baseline is not None:
        span = target - baseline
        if span == 0:
            met = actual >= target if direction == "higher" else actual <= target
            return 1.0 if met else 0.0
        return (actual - baseline) / span
    if direction == "higher":
        return actual / target if target else None
    return target / actual if actual else None


@dataclass(frozen=True)
class ActualRow:
    year: int
    computed: float | None
    computed_vintage: dict[str, Any] | None
    computed_at: datetime | None
    published: float | None
    published_source: str | None
    published_on: date | None
    published_id: int | None
    published_version: int | None
    difference: float | None
    relative_difference: float | None

    def as_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["computed_at"] = (
            self.computed_at.isoformat(timespec="seconds") if self.computed_at else None
        )
        d["published_on"] = self.published_on.isoformat() if self.published_on else None
        return d


@dataclass(frozen=True)
class IndicatorSeries:
    target: IndicatorTarget
    rows: list[ActualRow]
    latest_year: int | None
    latest_value: float | None  # published when there is one, else computed
    attainment: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.as_dict(),
            "rows": [r.as_dict() for r in self.rows],
            "latest_year": self.latest_year,
            "latest_value": self.latest_value,
            "attainment": self.attainment,
        }


def _visible(session: Session, viewer: Actor, target: IndicatorTarget) -> bool:
    if can_view_internal(viewer):
        return True
    plan = session.get(Plan, target.plan_id)
    return bool(target.published and plan is not None and plan.published)


def latest_computed(
    session: Session, target_ids: Sequence[int]
) -> dict[tuple[int, int], ComputedActual]:
    """(target id, year) -> newest snapshot."""
    out: dict[tuple[int, int], ComputedActual] = {}
    if not target_ids:
        return out
    rows = session.scalars(
        select(ComputedActual)
        .where(ComputedActual.target_id.in_(list(target_ids)))
        .order_by(ComputedActual.computed_at, ComputedActual.id)
    )
    for r in rows:
        out[(r.target_id, r.year)] = r  # later rows win
    return out


def indicator_series(
    session: Session, viewer: Actor, target_id: int, *, as_of: date | None = None
) -> IndicatorSeries:
    """Computed and published values of one indicator, year by year, with the difference;
    the latest value is that of the last year ended by ``as_of`` (default: the app's date;
    see ``ipcity.clock``)."""
    target = session.get(IndicatorTarget, target_id)
    if target is None or not _visible(session, viewer, target):
        raise NotFound("indicator_target", target_id)
    return _series(session, target, app_today(as_of))


def plan_indicator_series(
    session: Session, viewer: Actor, plan_id: int, *, as_of: date | None = None
) -> list[IndicatorSeries]:
    """Every (visible) indicator of a plan with its series (latest value as of ``as_of``)."""
    plan = session.get(Plan, plan_id)
    if plan is None or not (can_view_internal(viewer) or plan.published):
        raise NotFound("plan", plan_id)
    targets = session.scalars(
        select(IndicatorTarget)
        .where(IndicatorTarget.plan_id == plan_id)
        .order_by(IndicatorTarget.sort_order, IndicatorTarget.id)
    )
    targets_seen = [t for t in targets if _visible(session, viewer, t)]
    return series_of(session, targets_seen, as_of=as_of)


def series_of(
    session: Session, targets: Sequence[IndicatorTarget], *, as_of: date | None = None
) -> list[IndicatorSeries]:
    """The series of already visible ``targets``, in their order: two queries in all (computed
    and published values of every target at once), not two per target. The latest value is
    that of the last year ended by ``as_of`` (default: the app's date)."""
    day = app_today(as_of)
    ids = [t.id for t in targets]
    computed: dict[int, dict[int, ComputedActual]] = {i: {} for i in ids}
    for (tid, year), c in latest_computed(session, ids).items():
        computed[tid][year] = c
    published: dict[int, dict[int, PublishedActual]] = {i: {} for i in ids}
    if ids:
        for p in session.scalars(select(PublishedActual).where(PublishedActual.target_id.in_(ids))):
            published[p.target_id][p.year] = p
    return [_build_series(t, computed[t.id], published[t.id], day) for t in targets]


def _series(session: Session, target: IndicatorTarget, as_of: date) -> IndicatorSeries:
    return series_of(session, [target], as_of=as_of)[0]


def _build_series(
    target: IndicatorTarget,
    computed: dict[int, ComputedActual],
    published: dict[int, PublishedActual],
    as_of: date,
) -> IndicatorSeries:
    rows = []
    for year in sorted(set(computed) | set(published)):
        c = computed.get(year)
        p = published.get(year)
        cv = c.value if c else None
        pv = p.value if p else None
        diff = cv - pv if cv is not None and pv is not None else None
        rel = diff / abs(pv) if diff is not None and pv else None
        rows.append(
            ActualRow(
                year=year,
                computed=cv,
                computed_vintage=c.vintage if c else None,
                computed_at=c.computed_at if c else None,
                published=pv,
                published_source=p.source if p else None,
                published_on=p.published_on if p else None,
                published_id=p.id if p else None,
                published_version=p.version if p else None,
                difference=diff,
                relative_difference=rel,
            )
        )
    # published when there is one, else computed; a year not yet over is never the latest
    latest_year, latest_value = finished_value(
        ((r.year, r.published if r.published is not None else r.computed) for r in rows), as_of
    )
    return IndicatorSeries(
        target=target,
        rows=rows,
        latest_year=latest_year,
        latest_value=latest_value,
        attainment=attainment(
            baseline=target.baseline_value,
            target=target.target_value,
            actual=latest_value,
            direction=target.direction,
        ),
    )
