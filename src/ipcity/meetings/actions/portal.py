"""Writes of the public portal: publications (work reports, bulletins, news) and the
published headline snapshot.

Publication workflow: ``draft`` -> ``published`` -> ``withdrawn`` -> ``published`` ... Content
and files change only while not published, so a published page never changes under its date.

Headline snapshot: the values are copied when the office publishes them, with their
provenance; the portal shows the newest published snapshot, so the public figures stay put
when the warehouse is re-ingested until the office publishes again (the previous snapshot of
that year becomes ``superseded`` and is kept).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ipcity.meetings import headline
from ipcity.meetings.actions._shared import (
    Attachment,
    check_attachment,
    clean_filename,
    load_for_update,
    store_blob,
    stored_type,
)
from ipcity.meetings.errors import StateError, invalid
from ipcity.meetings.fields import PUBLICATION_FIELDS, TEXT_FIELDS
from ipcity.meetings.models import (
    HeadlineSnapshot,
    HeadlineValue,
    Meeting,
    Publication,
    PublicationFile,
)
from ipcity.meetings.permissions import MCap, require
from ipcity.workspace import audit
from ipcity.workspace.actions._common import (
    add_audited,
    flush_audited,
    parse_changes,
    parse_fields,
)
from ipcity.workspace.actuals import IndicatorEngine
from ipcity.workspace.errors import FieldError, ValidationError
from ipcity.workspace.models import record_now
from ipcity.workspace.permissions import Actor


def _check_meeting(session: Session, values: Mapping[str, Any]) -> None:
    mid = values.get("meeting_id")
    if mid is not None and session.get(Meeting, mid) is None:
        raise invalid("meeting_id", "field.unknown_meeting", value=mid)


def _new_files(
    session: Session, files: Sequence[Attachment], at: datetime
) -> list[PublicationFile]:
    """Store the contents (flushing) and return the rows to attach: called before the
    publication itself changes, so its edit stays one UPDATE and one version step."""
    for f in files:
        check_attachment(f, "files")
    return [
        PublicationFile(
            blob_sha256=store_blob(session, f.data),
            filename=clean_filename(f.filename),
            content_type=stored_type(f),
            size=len(f.data),
            lang=f.lang,
            format=f.format,
            added_at=at,
        )
        for f in files
    ]


def do_create_publication(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    files: Sequence[Attachment] = (),
    at: datetime | None = None,
) -> Publication:
    """A draft publication. Fields: kind (work_report | bulletin | news), title_zh, title_en,
    summary_zh, summary_en, body_zh, body_en (Markdown; raw HTML is shown as text),
    report_year, meeting_id. ``files``: uploads or generated reports
    (``generate_work_report``)."""
    require(actor, MCap.MANAGE_PORTAL)
    values = parse_fields(data, PUBLICATION_FIELDS, partial=False)
    _check_meeting(session, values)
    now = at or record_now()
    pub = Publication(
        **{k: v for k, v in values.items() if v is not None},
        status="draft",
        created_at=now,
        updated_at=now,
    )
    for k in TEXT_FIELDS:
        setattr(pub, k, getattr(pub, k) or "")
    pub.published_by_name = ""
    pub.files = _new_files(session, files, now)
    return add_audited(session, actor, pub, "publication.create", "publication", at=at)


def _editable(pub: Publication) -> None:
    if pub.status == "published":
        raise StateError("publication", pub.status, "edit")


def do_update_publication(
    session: Session,
    actor: Actor,
    publication_id: int,
    *,
    expected_version: int,
    changes: Mapping[str, Any],
    add_files: Sequence[Attachment] = (),
    remove_file_ids: Sequence[int] = (),
) -> Publication:
    """Change a draft or withdrawn publication (a published one must be withdrawn first)."""
    require(actor, MCap.MANAGE_PORTAL)
    pub = load_for_update(session, Publication, "publication", publication_id, expected_version)
    _editable(pub)
    values = parse_changes(changes, PUBLICATION_FIELDS, not_cleared=("kind", "title_zh"))
    _check_meeting(session, values)
    known = {f.id for f in pub.files}
    bad = [i for i in remove_file_ids if i not in known]
    if bad:
        raise ValidationError(
            [
                FieldError(
                    "remove_file_ids",
                    "field.invalid_choice",
                    {"choices": ", ".join(map(str, sorted(known)))},
                )
            ]
        )
    before = pub.as_dict()
    now = record_now()
    added = _new_files(session, add_files, now)
    with session.no_autoflush:
        for k, v in values.items():
            setattr(pub, k, "" if v is None and k in TEXT_FIELDS else v)
        pub.files = [f for f in pub.files if f.id not in set(remove_file_ids)] + added
        pub.updated_at = now
    flush_audited(session, actor, pub, "publication.update", "publication", before)
    return pub


def do_publish(
    session: Session,
    actor: Actor,
    publication_id: int,
    *,
    expected_version: int,
    at: datetime | None = None,
) -> Publication:
    """Show a draft (or withdrawn) publication on the public portal."""
    require(actor, MCap.MANAGE_PORTAL)
    pub = load_for_update(session, Publication, "publication", publication_id, expected_version)
    if pub.status == "published":
        raise StateError("publication", pub.status, "publish")
    if not (pub.body_zh.strip() or pub.summary_zh.strip() or pub.files):
        raise invalid("body_zh", "field.publication_empty")
    before = pub.as_dict()
    now = at or record_now()
    pub.status = "published"
    pub.published_at = now
    pub.published_by_id = actor.user_id
    pub.published_by_name = actor.name
    pub.withdrawn_at = None
    pub.updated_at = now
    flush_audited(session, actor, pub, "publication.publish", "publication", before, at=at)
    return pub


def do_withdraw(
    session: Session,
    actor: Actor,
    publication_id: int,
    *,
    expected_version: int,
    at: datetime | None = None,
) -> Publication:
    """Take a publication off the portal (kept, and can be edited and published again)."""
    require(actor, MCap.MANAGE_PORTAL)
    pub = load_for_update(session, Publication, "publication", publication_id, expected_version)
    if pub.status != "published":
        raise StateError("publication", pub.status, "withdraw")
    before = pub.as_dict()
    now = at or record_now()
    pub.status = "withdrawn"
    pub.withdrawn_at = now
    pub.updated_at = now
    flush_audited(session, actor, pub, "publication.withdraw", "publication", before, at=at)
    return pub


# --- headline snapshot ---------------------------------------------------------------------


def do_publish_headline_snapshot(
    session: Session,
    actor: Actor,
    year: int,
    *,
    source: str = "engine",
    years_back: int = 4,
    region: str = "310000",
    population_lag: int | None = None,
    warehouse: Any = None,
    compute: IndicatorEngine | None = None,
    note: str = "",
    at: datetime | None = None,
) -> HeadlineSnapshot:
    """Publish the headline indicators of ``year`` (with the ``years_back`` years before it,
    for the charts) on the portal.

    ``source="engine"``: ``ipcity.indicators.compute`` on the warehouse (default: the configured
    one, read-only) for the report's headline indicators, city ``region``, per-10k values over
    the population lag configured for ``region`` (``ipcity.settings.population_lag``; Shanghai:
    the previous year-end, as the city publishes) unless ``population_lag`` is given, office CN;
    provenance = definition version,
    data vintage, population sources, the equivalent ``ipcity indicators`` command.
    ``source="workspace"``: the workspace's actual values of the published indicators of
    published plans (the published value, else the newest computed one), each with its source.

    The previous published snapshot of the same year becomes ``superseded`` (kept).
    """
    require(actor, MCap.MANAGE_PORTAL)
    if isinstance(year, bool) or not isinstance(year, int) or not 1949 <= year <= 2100:
        raise invalid("year", "field.out_of_range", min=1949, max=2100)
    if not 0 <= years_back <= 30:
        raise invalid("years_back", "field.out_of_range", min=0, max=30)
    if source not in ("engine", "workspace"):
        raise invalid("source", "field.invalid_choice", choices="engine, workspace")
    years = list(range(year - years_back, year + 1))
    if source == "engine":
        figures = headline.engine_figures(
            years,
            region=region,
            population_lag=population_lag,
            warehouse=warehouse,
            compute=compute,
        )
    else:
        figures = headline.workspace_figures(session, years)
    if not any(r.value is not None and r.year == year for r in figures.rows):
        raise invalid("year", "field.no_headline_values", year=year)
    now = at or record_now()
    for old in session.scalars(
        select(HeadlineSnapshot)
        .where(HeadlineSnapshot.year == year, HeadlineSnapshot.status == "published")
        .with_for_update()
    ):
        before = old.as_dict()
        old.status = "superseded"
        flush_audited(session, actor, old, "headline.supersede", "headline_snapshot", before, at=at)
    snap = HeadlineSnapshot(
        year=year,
        status="published",
        source=source,
        region=region,
        definition_version=figures.definition_version[:100],
        population_lag=figures.population_lag,
        vintage=figures.vintage,
        population_sources=figures.population_sources,
        provenance=figures.provenance,
        note=note.strip(),
        published_at=now,
        published_by_id=actor.user_id,
        published_by_name=actor.name,
    )
    snap.values = [
        HeadlineValue(
            seq=i,
            indicator=r.indicator,
            name_zh=r.name_zh,
            name_en=r.name_en,
            unit_zh=r.unit_zh,
            unit_en=r.unit_en,
            kind=r.kind,
            places=r.places,
            year=r.year,
            value=r.value,
            source=r.source,
        )
        for i, r in _numbered(figures.rows)
    ]
    session.add(snap)
    session.flush()
    audit.record(
        session,
        actor,
        "headline.publish",
        "headline_snapshot",
        snap.id,
        before=None,
        after={**snap.as_dict(), "values": [v.as_dict() for v in snap.values]},
        at=at,
    )
    return snap


def _numbered(rows: Sequence[headline.FigureRow]) -> list[tuple[int, headline.FigureRow]]:
    """Each row with its indicator's place in the list (first appearance order)."""
    order: dict[str, int] = {}
    out = []
    for r in rows:
        order.setdefault(r.indicator, len(order) + 1)
        out.append((order[r.indicator], r))
    return out


def do_withdraw_headline_snapshot(
    session: Session, actor: Actor, snapshot_id: int, *, expected_version: int
) -> HeadlineSnapshot:
    """Take a published snapshot off the portal (the portal then shows the newest other
    published one, or none)."""
    require(actor, MCap.MANAGE_PORTAL)
    snap = load_for_update(
        session, HeadlineSnapshot, "headline_snapshot", snapshot_id, expected_version
    )
    if snap.status != "published":
        raise StateError("snapshot", snap.status, "withdraw")
    before = snap.as_dict()
    snap.status = "withdrawn"
    flush_audited(session, actor, snap, "headline.withdraw", "headline_snapshot", before)
    return snap
