"""Every ORM module of the product, imported so ``Base.metadata`` knows all tables.

Migrations (``migrations/env.py``) and ``db.open_db`` import this module. Areas that add tables
(meetings and the portal, IP protection cases) keep their models in their own packages on the
same ``Base``; list them here.
"""

from __future__ import annotations

import importlib

from ipcity.workspace.models import Base

MODEL_MODULES = (
    "ipcity.workspace.models",
    "ipcity.workspace.auth_sessions",
    "ipcity.meetings.models",
    "ipcity.protection.models",
    "ipcity.reports.job_model",
)

for _name in MODEL_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # an area not built in this checkout
        if not (exc.name and _name.startswith(exc.name)):
            raise

__all__ = ["Base"]
