"""Protection cases in the web tests' world (``web_world.build_world``): ``case_a`` is owned
by unit A (市科委, the ``editor_lead`` role's unit) and handled jointly with unit B; it names
parties that only A, B and the office may see in clear."""

from __future__ import annotations

from ipcity.protection.actions import do_add_joint_unit, do_create_case
from ipcity.workspace.permissions import system_actor
from tests.support.web_world import TODAY, WebWorld

SECRET_CLAIMANT = "张三丰"
SECRET_RESPONDENT = "上海秘密科技有限公司"
SECRET_NOTE = "联系电话13800000000"


def add_to_world(w: WebWorld) -> WebWorld:
    sysa = system_actor("test")
    with w.db.write() as s:
        v = do_create_case(
            s,
            sysa,
            {
                "unit_id": w["unit_a"],
                "case_no": "(2023)沪73知民初1号",
                "kind": "civil",
                "ip_type": "patent",
                "received_on": "2023-02-01",
                "closed_on": "2023-03-01",
                "outcome": "upheld",
                "outcome_text": f"判决{SECRET_RESPONDENT}赔偿",
                "district": "310101",
                "claimants": SECRET_CLAIMANT,
                "respondents": SECRET_RESPONDENT,
                "note": SECRET_NOTE,
                "amount_claimed": "500000",
            },
            today=TODAY,
        )
        v = do_add_joint_unit(
            s, sysa, v.id, expected_version=v.version, unit_id=w["unit_b"], note=SECRET_NOTE
        )
        w.ids["case_a"], w.ids["case_a_v"] = v.id, v.version
    return w
