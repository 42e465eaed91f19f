"""Writes on indicator actuals: published values and computed snapshots."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity import settings
from ipcity.workspace import audit
from ipcity.workspace.actions._common import (
    Field,
    a_date,
    check_version,
    integer,
    load,
    number,
    parse_fields,
    text,
)
from ipcity.workspace.actuals import (
    IndicatorEngine,
    find_provider,
    latest_computed,
    load_compute,
    open_warehouse,
)
from ipcity.workspace.errors import NoWarehouse
from ipcity.workspace.models import ComputedActual, IndicatorTarget, PublishedActual, record_now
from ipcity.workspace.permissions import Actor, Cap, require

PUBLISHED_FIELDS: dict[str, Field] = {
    "year": Field(integer(1949, 2100), required=True),
    "value": Field(number(), required=True),
    "source": Field(text(2000), required=True),
    "published_on": Field(a_date),
    "note": Field(text(20000)),
}


def do_enter_published_actual(
    session: Session,
    actor: Actor,
    target_id: int,
    data: Mapping[str, Any],
    *,
    expected_version: int | None = None,
) -> PublishedActual:
    """Enter (or correct) the officially published value of an indicator for a year, with its
    source (required: e.g. "2022年上海市知识产权白皮书"). Correcting an existing year needs
    ``expected_version`` of that entry; entering a new year needs none."""
    require(actor, Cap.EDIT_ACTUALS)
    target = load(session, IndicatorTarget, target_id)
    values = parse_fields(data, PUBLISHED_FIELDS, partial=False)
    existing = session.scalar(
        select(PublishedActual)
        .where(PublishedActual.target_id == target.id, PublishedActual.year == values["year"])
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if existing is None:
        row = PublishedActual(target_id=target.id, entered_by_id=actor.user_id, **values)
        row.note = row.note or ""
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "actual.publish",
            "published_actual",
            row.id,
            before=None,
            after=row.as_dict(),
        )
        return row
    check_version(existing, expected_version)
    before = existing.as_dict()
    for k, v in values.items():
        setattr(existing, k, v if v is not None or k != "note" else "")
    existing.entered_by_id = actor.user_id
    existing.entered_at = record_now()
    session.flush()
    audit.record(
        session,
        actor,
        "actual.publish",
        "published_actual",
        existing.id,
        before=before,
        after=existing.as_dict(),
    )
    return existing


@dataclass
class RefreshSummary:
    targets: int = 0  # engine-backed targets looked at
    snapshots_added: int = 0
    unchanged: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # "indicator/region" -> message

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _json_safe(value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(value if value is not None else {}, default=str))
    return data if isinstance(data, dict) else {"value": data}


def do_refresh_computed_actuals(
    session: Session,
    actor: Actor,
    *,
    target_ids: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
    warehouse: Any = None,
    compute: IndicatorEngine | None = None,
    now: datetime | None = None,
    population_lag: int | None = None,
) -> RefreshSummary:
    """Compute every engine-backed indicator (or ``target_ids``) from the warehouse and store a
    snapshot per year whose value or vintage changed. One engine call per (indicator, region).
    An indicator the engine cannot compute is listed in ``errors``; the others are still
    stored. ``warehouse``/``compute`` default to the real ones (imported lazily). Indicators
    with a provider in ``actuals.COMPUTED_PROVIDERS`` (``protection.*``) are computed by it
    from this session instead; the warehouse is opened only when some target needs the
    engine."""
    require(actor, Cap.EDIT_ACTUALS)
    stmt = select(IndicatorTarget).where(IndicatorTarget.engine_indicator.is_not(None))
    if target_ids is not None:
        stmt = stmt.where(IndicatorTarget.id.in_(list(target_ids)))
    targets = list(session.scalars(stmt.order_by(IndicatorTarget.id)))
    summary = RefreshSummary(targets=len(targets))
    if not targets:
        return summary
    groups: dict[tuple[str, str], list[IndicatorTarget]] = defaultdict(list)
    for t in targets:
        groups[(str(t.engine_indicator), t.region or "ALL")].append(t)
    # Indicators with a provider (computed from the workspace DB) need no engine or warehouse.
    needs_engine = any(find_provider(indicator) is None for indicator, _ in groups)
    own_warehouse = warehouse is None and needs_engine
    wh = warehouse
    if needs_engine:
        compute = compute or load_compute()
        wh = open_warehouse() if own_warehouse else warehouse
    latest = latest_computed(session, [t.id for t in targets])
    now = now or record_now()
    try:
        for (indicator, region), members in groups.items():
            provider = find_provider(indicator)
            values: dict[int, float | None] = {}
            try:
                if provider is not None:
                    values, raw_vintage = provider.compute(
                        session, indicator, years=years, region=region
                    )
                    vintage = _json_safe(raw_vintage)
                else:
                    assert compute is not None
                    result = compute(
                        wh,
                        indicators=[indicator],
                        years=years,
                        region=region,
                        population_lag=(
                            settings.population_lag(region)
                            if population_lag is None
                            else population_lag
                        ),
                        office=settings.REPORTING_OFFICE,
                    )
                    rows = result.table.to_pylist()
                    vintage = _json_safe(getattr(result, "meta", {}).get("vintage"))
                    for r in rows:
                        if r.get("indicator", indicator) != indicator:
                            continue
                        if r.get("region", region) != region:
                            continue
                        v = r.get("value")
                        values[int(r["year"])] = None if v is None else float(v)
            except NoWarehouse:
                raise
            except Exception as exc:  # the engine's own error, reported per indicator
                summary.errors[f"{indicator}/{region}"] = f"{type(exc).__name__}: {exc}"
                continue
            for t in members:
                before: dict[str, Any] = {}
                after: dict[str, Any] = {}
                for year, value in sorted(values.items()):
                    prev = latest.get((t.id, year))
                    if prev is not None and prev.value == value and prev.vintage == vintage:
                        summary.unchanged += 1
                        continue
                    snap = ComputedActual(
                        target_id=t.id, year=year, value=value, vintage=vintage, computed_at=now
                    )
                    session.add(snap)
                    summary.snapshots_added += 1
                    before[str(year)] = prev.value if prev else None
                    after[str(year)] = value
                if after:
                    session.flush()
                    audit.record(
                        session,
                        actor,
                        "actual.refresh",
                        "indicator_target",
                        t.id,
                        before={"computed": before},
                        after={"computed": after, "vintage": vintage},
                    )
    finally:
        if own_warehouse and hasattr(wh, "close"):
            wh.close()
    return summary
