"""How long the workspace's heaviest reads take on the demo joint conference, relative to
reading the same tasks with one plain SELECT (the floor any page pays).

Seeds the demo (60 tasks, ~100 reports) into a temporary SQLite file, then times, best of 5:
task_overview (status of every task), plan_rollup (goal tree), unit_completion, a supervision
run (second run of the day: all notices exist) and an export to XLSX.

    ./run bench workspace_pages            # or .venv/bin/python benchmarks/workspace_pages.py
"""

from __future__ import annotations

import platform
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import select

from ipcity.demo.workspace_seed import seed_demo
from ipcity.workspace import auth
from ipcity.workspace.actions import do_run_supervision
from ipcity.workspace.db import open_db
from ipcity.workspace.excel_io import export_tasks
from ipcity.workspace.models import Plan, Task, WorkPlan
from ipcity.workspace.permissions import system_actor
from ipcity.workspace.queries import task_overview
from ipcity.workspace.rollup import plan_rollup, unit_completion

TODAY = date(2023, 9, 15)


def best(fn: Callable[[], object], n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)  # seeding only
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(f"sqlite:///{Path(tmp) / 'ws.sqlite'}")
        t0 = time.perf_counter()
        with db.write() as s:
            seed_demo(s, today=TODAY)
        seed_s = time.perf_counter() - t0
        viewer = system_actor("bench")
        with db.read() as s:
            wp = s.scalar(select(WorkPlan.id))
            plan = s.scalar(select(Plan.id).where(Plan.code == "FYP14"))
        assert wp is not None and plan is not None

        def read(fn: Callable[..., object]) -> Callable[[], object]:
            def run() -> object:
                with db.read() as s:
                    return fn(s)

            return run

        baseline = best(read(lambda s: list(s.scalars(select(Task)))))
        rows = {
            "task_overview (60 tasks)": best(
                read(lambda s: task_overview(s, viewer, wp, today=TODAY))
            ),
            "plan_rollup (FYP14)": best(read(lambda s: plan_rollup(s, viewer, plan))),
            "unit_completion": best(
                read(lambda s: unit_completion(s, viewer, work_plan_id=wp, today=TODAY))
            ),
            "export_tasks xlsx": best(read(lambda s: export_tasks(s, viewer, wp))),
        }

        def supervise() -> None:
            with db.write() as s:
                do_run_supervision(s, viewer, today=TODAY, smtp=None)

        rows["supervision run (idempotent)"] = best(supervise)
        db.dispose()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"seed_demo: {seed_s:.2f} s (cheap argon2)")
    print(f"baseline SELECT all tasks: {baseline * 1000:.1f} ms")
    for name, secs in rows.items():
        print(f"{name:<32} {secs * 1000:8.1f} ms  {secs / baseline:6.1f}x baseline")


if __name__ == "__main__":
    main()
