"""Every write of the workspace, as ``do_*`` functions (after Zulip's ``zerver/actions``).

Each takes the SQLAlchemy session and the acting :class:`~ipcity.workspace.permissions.Actor`
(a user, or ``system_actor()`` for the CLI and scheduled jobs), checks permission, validates,
writes, records the audit entry and creates inbox notices — all inside the caller's
transaction (use ``Database.write()``; nothing is committed here). Updates take
``expected_version`` and raise StaleVersion (with the current row) when it is not current.
"""

from ipcity.workspace.actions.actuals import (
    RefreshSummary,
    do_enter_published_actual,
    do_refresh_computed_actuals,
)
from ipcity.workspace.actions.directory import (
    do_create_unit,
    do_create_user,
    do_set_password,
    do_update_unit,
    do_update_user,
)
from ipcity.workspace.actions.imports import ImportResult, do_import_targets, do_import_tasks
from ipcity.workspace.actions.notices import do_clear_inbox, do_mark_notice_read
from ipcity.workspace.actions.plans import (
    do_create_goal,
    do_create_plan,
    do_create_target,
    do_delete_goal,
    do_delete_target,
    do_update_goal,
    do_update_plan,
    do_update_target,
)
from ipcity.workspace.actions.reports import (
    EvidenceUpload,
    do_accept_report,
    do_add_report_evidence,
    do_create_report,
    do_return_report,
    do_revise_report,
    do_submit_report,
)
from ipcity.workspace.actions.supervision import SupervisionRun, do_run_supervision
from ipcity.workspace.actions.work_plans import (
    do_create_task,
    do_create_work_plan,
    do_delete_task,
    do_update_task,
    do_update_work_plan,
)

__all__ = [
    "EvidenceUpload",
    "ImportResult",
    "RefreshSummary",
    "SupervisionRun",
    "do_accept_report",
    "do_add_report_evidence",
    "do_clear_inbox",
    "do_create_goal",
    "do_create_plan",
    "do_create_report",
    "do_create_target",
    "do_create_task",
    "do_create_unit",
    "do_create_user",
    "do_create_work_plan",
    "do_delete_goal",
    "do_delete_target",
    "do_delete_task",
    "do_enter_published_actual",
    "do_import_targets",
    "do_import_tasks",
    "do_mark_notice_read",
    "do_refresh_computed_actuals",
    "do_return_report",
    "do_revise_report",
    "do_run_supervision",
    "do_set_password",
    "do_submit_report",
    "do_update_goal",
    "do_update_plan",
    "do_update_target",
    "do_update_task",
    "do_update_unit",
    "do_update_user",
    "do_update_work_plan",
]
