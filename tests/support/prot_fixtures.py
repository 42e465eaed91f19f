"""A small joint conference for the protection tests (on top of the workspace's ``World``):
besides the office, unit A (市科委), unit B (市商务委) and 黄浦区 (310101), a third bureau C
(市司法局), a second district 徐汇区 (310104), and unit editors for C and 黄浦区."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ipcity.protection.actions import do_create_case
from ipcity.protection.queries import CaseView
from ipcity.workspace.actions import do_create_unit
from ipcity.workspace.db import Database
from ipcity.workspace.permissions import Actor, system_actor
from tests.support.ws_fixtures import World, add_district, add_users, build_world

TODAY = date(2024, 3, 31)


@dataclass
class ProtWorld:
    w: World
    unit_c: int
    xuhui: int
    editor_c: Actor
    editor_hp: Actor

    @property
    def db(self) -> Database:
        return self.w.db


def build_prot_world(db: Database) -> ProtWorld:
    w = build_world(db)
    sysa = system_actor("test")
    with db.write() as s:
        c = do_create_unit(
            s, sysa, {"code": "JUSTICE", "name": "市司法局", "kind": "municipal", "sort_order": 4}
        ).id
        xh = add_district(s, "XH", "徐汇区", "310104", sort_order=5)
        users = add_users(
            s, ("editor_c", "unit_editor", c), ("editor_hp", "unit_editor", w.district)
        )
    return ProtWorld(w, c, xh, users["editor_c"], users["editor_hp"])


def case(db: Database, actor: Actor, today: date = TODAY, **data: Any) -> CaseView:
    """Record one case (defaults: a civil patent case received 2023-03-01)."""
    values: dict[str, Any] = {"kind": "civil", "ip_type": "patent", "received_on": "2023-03-01"}
    values.update(data)
    with db.write() as s:
        return do_create_case(s, actor, values, today=today)
