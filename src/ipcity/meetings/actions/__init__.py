"""Every write of the meetings and the portal, as ``do_*`` functions (workspace conventions).

Each takes the session and the acting Actor, checks permission, validates, writes and records
the audit entry inside the caller's transaction (``Database.write()``; nothing commits here).
Updates take ``expected_version`` and raise StaleVersion with the current row.
"""

from ipcity.meetings.actions._shared import (
    MAX_FILE_BYTES,
    Attachment,
    ReportBuilder,
    generate_work_report,
)
from ipcity.meetings.actions.materials import do_attach_material, do_remove_material
from ipcity.meetings.actions.meetings import (
    do_add_agenda_item,
    do_create_meeting,
    do_remove_agenda_item,
    do_set_attendance,
    do_update_agenda_item,
    do_update_meeting,
)
from ipcity.meetings.actions.portal import (
    do_create_publication,
    do_publish,
    do_publish_headline_snapshot,
    do_update_publication,
    do_withdraw,
    do_withdraw_headline_snapshot,
)
from ipcity.meetings.actions.records import (
    do_publish_decision,
    do_record_decision,
    do_record_minutes,
    work_plan_for_year,
)

__all__ = [
    "MAX_FILE_BYTES",
    "Attachment",
    "ReportBuilder",
    "do_add_agenda_item",
    "do_attach_material",
    "do_create_meeting",
    "do_create_publication",
    "do_publish",
    "do_publish_decision",
    "do_publish_headline_snapshot",
    "do_record_decision",
    "do_record_minutes",
    "do_remove_agenda_item",
    "do_remove_material",
    "do_set_attendance",
    "do_update_agenda_item",
    "do_update_meeting",
    "do_update_publication",
    "do_withdraw",
    "do_withdraw_headline_snapshot",
    "generate_work_report",
    "work_plan_for_year",
]
