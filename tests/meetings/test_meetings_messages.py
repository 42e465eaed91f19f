"""Every message key the meetings package uses has a Chinese and an English text."""

from __future__ import annotations

import re
from pathlib import Path

from ipcity.i18n import area_keys, placeholders
from ipcity.meetings import messages
from ipcity.meetings.actions.meetings import TRANSITIONS
from ipcity.meetings.models import (
    AGENDA_KINDS,
    MATERIAL_KINDS,
    MEETING_KINDS,
    MEETING_STATUSES,
    PUBLICATION_KINDS,
    PUBLICATION_STATUSES,
    SNAPSHOT_SOURCES,
    SNAPSHOT_STATUSES,
)
from ipcity.web import catalogs

SRC = Path(messages.__file__).parent
PREFIXES = (
    "field|error|task|meeting_kind|meeting_status|meeting_action|agenda_kind|material_kind|"
    "publication_kind|publication_status|publication_action|snapshot_status|snapshot_action|"
    "snapshot_source"
)
KEY = re.compile(rf"""["']((?:{PREFIXES})\.[a-z_]+)["']""")


def _used() -> set[str]:
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name != "messages.py":
            used |= set(KEY.findall(path.read_text(encoding="utf-8")))
    # keys built at run time from the models' choices and the state machines
    for prefix, values in (
        ("meeting_kind", MEETING_KINDS),
        ("meeting_status", MEETING_STATUSES),
        ("agenda_kind", AGENDA_KINDS),
        ("material_kind", MATERIAL_KINDS),
        ("publication_kind", PUBLICATION_KINDS),
        ("publication_status", PUBLICATION_STATUSES),
        ("snapshot_status", SNAPSHOT_STATUSES),
        ("snapshot_source", SNAPSHOT_SOURCES),
        ("meeting_action", (*TRANSITIONS.values(), "record_minutes", "record_decision")),
        ("publication_action", ("publish", "withdraw", "edit")),
        ("snapshot_action", ("withdraw",)),
    ):
        used |= {f"{prefix}.{v}" for v in values}
    return used


def test_every_used_key_is_translated() -> None:
    used = _used()
    known = set(area_keys("meetings")) | set(area_keys("workspace"))
    assert sorted(k for k in used if k not in known) == []
    for key, (zh, en) in area_keys("meetings").items():
        assert zh and en, key
        assert placeholders(zh) == placeholders(en), key


def test_no_key_shadows_the_workspace() -> None:
    assert set(area_keys("meetings")) & set(area_keys("workspace")) == set()


def test_no_unused_key() -> None:
    """The project-wide check (``python -m ipcity.web.catalogs check``) reads every area's
    code with ``ast``, the CLI's ``cli.*`` keys included; the meetings keys are among them."""
    unused = [k for k in catalogs.unused_keys() if k in area_keys("meetings")]
    assert unused == []


def test_render_and_fallback() -> None:
    assert messages.render("meeting_kind.liaison", None, "en") == "liaison officers' meeting"
    assert messages.render("meeting_kind.liaison") == "联络员会议"
    assert messages.label("agenda_kind", "exchange_speech", "zh") == "交流发言"
    # workspace keys render through the same function
    assert messages.render("field.required", None, "en") == "required"
    assert messages.both("publication_status.withdrawn") == {"zh": "已撤回", "en": "withdrawn"}
    assert messages.render("no.such.key") == "no.such.key"
