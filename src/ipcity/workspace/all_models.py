"""Every ORM module of the product, imported so ``Base.metadata`` knows all tables.

Migrations (``migrations/env.py``) and ``db.open_db`` import this module. Areas that add tables
(meetings and the portal, IP protection cases) keep their models in their own packages on the
same ``Base``; list them here. Plain imports: a model module that fails to import stops the
program instead of silently dropping its tables.
"""

from __future__ import annotations

import ipcity.meetings.models
import ipcity.protection.models
import ipcity.reports.job_model
import ipcity.workspace.auth_sessions
import ipcity.workspace.models  # noqa: F401
from ipcity.workspace.models import Base

__all__ = ["Base"]
