"""Demo targets whose measure the engine computes take their baseline from the engine: the
chart that shows the baseline beside the computed series then shows one figure for the
baseline year, not a hand-typed 21.2 beside the engine's 30.31."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.workspace.actions import do_update_target
from ipcity.workspace.models import ComputedActual, IndicatorTarget
from ipcity.workspace.permissions import system_actor


def baselines_from_engine(session: Session, *, places: int = 2) -> int:
    """Set each engine-backed target's baseline to the newest computed value of its baseline
    year (where there is one); returns how many changed. Written through do_update_target
    (audited, versioned)."""
    actor = system_actor("demo-seed")
    targets = list(
        session.scalars(
            select(IndicatorTarget).where(
                IndicatorTarget.engine_indicator.is_not(None),
                IndicatorTarget.baseline_year.is_not(None),
            )
        )
    )
    changed = 0
    for t in targets:
        newest = session.scalars(
            select(ComputedActual.value)
            .where(ComputedActual.target_id == t.id, ComputedActual.year == t.baseline_year)
            .order_by(ComputedActual.computed_at.desc(), ComputedActual.id.desc())
            .limit(1)
        ).first()
        if newest is None:
            continue  # the engine has no data for that year: the published baseline stays
        value = round(float(newest), places)
        if t.baseline_value is not None and round(t.baseline_value, places) == value:
            continue
        do_update_target(
            session,
            actor,
            t.id,
            expected_version=t.version,
            changes={"baseline_value": value},
        )
        changed += 1
    return changed
