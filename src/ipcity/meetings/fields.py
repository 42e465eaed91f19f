"""The fields of the meetings area's forms and API bodies (meetings, agenda items,
publications, decisions): what each takes and requires, read by the actions
(``parse_fields``), in one place as ``protection.fields`` is for cases."""

from __future__ import annotations

from ipcity.meetings.models import AGENDA_KINDS, MEETING_KINDS, MEETING_STATUSES, PUBLICATION_KINDS
from ipcity.workspace.actions._common import (
    Field,
    a_date,
    choice,
    ident_list,
    integer,
    optional_ident,
    text,
)

MEETING_FIELDS: dict[str, Field] = {
    "kind": Field(choice(MEETING_KINDS), required=True),
    "title": Field(text(200), required=True),
    "meeting_date": Field(a_date, required=True),
    "time_text": Field(text(50)),
    "place": Field(text(200)),
    "convener_name": Field(text(100)),
    "convener_unit_id": Field(optional_ident),
    "description": Field(text(20000)),
    "status": Field(choice(MEETING_STATUSES)),
    "attending_unit_ids": Field(ident_list),
}

AGENDA_FIELDS: dict[str, Field] = {
    "kind": Field(choice(AGENDA_KINDS), required=True),
    "title": Field(text(300)),
    "speaker_unit_id": Field(optional_ident),
    "speaker_name": Field(text(100)),
    "note": Field(text(20000)),
    "seq": Field(integer(0)),
}

PUBLICATION_FIELDS: dict[str, Field] = {
    "kind": Field(choice(PUBLICATION_KINDS), required=True),
    "title_zh": Field(text(300), required=True),
    "title_en": Field(text(300)),
    "summary_zh": Field(text(2000)),
    "summary_en": Field(text(2000)),
    "body_zh": Field(text(200_000)),
    "body_en": Field(text(200_000)),
    "report_year": Field(integer(1949, 2100)),
    "meeting_id": Field(optional_ident),
}
# Texts a publication keeps as "" when left empty (the row's columns are NOT NULL).
TEXT_FIELDS = ("title_en", "summary_zh", "summary_en", "body_zh", "body_en")

MAX_DECISION = 20_000
DECISION_FIELDS: dict[str, Field] = {
    "text": Field(text(MAX_DECISION), required=True),
    "task_id": Field(optional_ident),
    "work_plan_id": Field(optional_ident),
}
