"""Every message key the workspace uses has a Chinese and an English text."""

from __future__ import annotations

import re
from pathlib import Path

from ipcity.i18n import area_keys, placeholders
from ipcity.workspace import messages

SRC = Path(messages.__file__).parent
KEY = re.compile(
    r"""["']((?:field|error|notice|reason|status|mail|role|report_state)\.[a-z_]+)["']"""
)


def test_every_used_key_is_translated() -> None:
    used = set()
    for path in SRC.rglob("*.py"):
        if path.name != "messages.py":
            used |= set(KEY.findall(path.read_text(encoding="utf-8")))
    # keys built at run time: f"notice.{kind}", f"status.{status}"
    used |= {
        f"notice.{k}"
        for k in (
            "near_deadline",
            "overdue",
            "report_submitted",
            "report_accepted",
            "report_returned",
        )
    }
    used |= {f"status.{s}" for s in ("green", "yellow", "red", "done")}
    used.discard("notice.read")  # an audit action name, not a message
    missing = sorted(k for k in used if k not in area_keys("workspace"))
    assert missing == []
    for key, (zh, en) in area_keys("workspace").items():
        assert zh and en, key
        # the same placeholders in both languages
        assert placeholders(zh) == placeholders(en), key


def test_render() -> None:
    assert messages.render("field.duplicate", {"value": "2023-001"}, "en") == "duplicate: 2023-001"
    assert messages.render("field.duplicate", {"value": "2023-001"}) == "重复：2023-001"
    assert messages.render("no.such.key") == "no.such.key"
    assert messages.both("status.red") == {"zh": "逾期", "en": "overdue"}
