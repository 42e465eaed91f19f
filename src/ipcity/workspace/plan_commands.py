"""CLI for a plan's goal tree: ``ipcity workspace add-goal`` and ``ipcity workspace goals``.

The commands join ``ipcity workspace`` (defined in ``workspace.commands``); like the others they
take ``--db URL`` and act as the system actor ``cli`` through the same ``do_*`` actions as the
pages and the API (permission, audit, validation)."""

from __future__ import annotations

import typer

from ipcity.clitext import say
from ipcity.errors import IpcityError
from ipcity.workspace.commands import DB_OPTION, _open, _plan_id, ws_app


@ws_app.command("add-goal")
def ws_add_goal(
    plan: str = typer.Option(..., "--plan", help="Plan code, e.g. FYP15."),
    code: str = typer.Argument(..., help="Goal code, unique in the plan, e.g. 1.2."),
    title: str = typer.Argument(..., help="Goal title, e.g. 知识产权创造."),
    parent: str | None = typer.Option(
        None, "--parent", help="Code of the goal it sits under (default: top level)."
    ),
    weight: float | None = typer.Option(None, "--weight", help="Weight in its parent's roll-up."),
    description: str = typer.Option("", "--description"),
    db: str | None = DB_OPTION,
) -> None:
    """Add a goal to a plan's goal tree (audited, as the actor cli)."""
    from sqlalchemy import select

    from ipcity.workspace.actions import do_create_goal
    from ipcity.workspace.models import Goal
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    try:
        with database.write() as s:
            plan_id = _plan_id(s, plan)
            parent_id = None
            if parent is not None:
                row = s.scalar(select(Goal).where(Goal.plan_id == plan_id, Goal.code == parent))
                if row is None:
                    raise IpcityError(f"plan {plan} has no goal with code {parent!r}")
                parent_id = row.id
            data: dict[str, object] = {
                "plan_id": plan_id,
                "parent_id": parent_id,
                "code": code,
                "title": title,
                "description": description,
            }
            if weight is not None:
                data["weight"] = weight
            goal = do_create_goal(s, system_actor("cli"), data)
            created = {"code": goal.code, "title": goal.title, "id": goal.id}
            typer.echo(say("cli.created_goal", created))
    finally:
        database.dispose()


@ws_app.command("goals")
def ws_goals(
    plan: str = typer.Option(..., "--plan", help="Plan code, e.g. FYP15."),
    db: str | None = DB_OPTION,
) -> None:
    """Print a plan's goal tree (code, title, indicators), indented by level."""
    from ipcity.workspace import queries
    from ipcity.workspace.permissions import system_actor

    database = _open(db)
    try:
        with database.read() as s:
            actor = system_actor("cli")
            tree = queries.goal_tree(s, actor, _plan_id(s, plan))

            def show(nodes: list[queries.GoalNode], depth: int) -> None:
                for n in nodes:
                    targets = ", ".join(t.code for t in n.targets)
                    extra = f"\t[{targets}]" if targets else ""
                    typer.echo(f"{'  ' * depth}{n.goal.code}\t{n.goal.title}{extra}")
                    show(n.children, depth + 1)

            show(tree, 0)
    finally:
        database.dispose()


def register(app: typer.Typer) -> None:
    """The commands are on ``ipcity workspace`` already (decorated above)."""
