"""The main menu. Each page module may define ``NAV`` (a tuple of :class:`NavItem`); the app
collects them at start-up, so another area adds its menu entries without editing this file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ipcity.workspace.permissions import Actor, Cap, has


def everyone(actor: Actor) -> bool:
    return True


def logged_in(actor: Actor) -> bool:
    return actor.is_authenticated


def with_cap(cap: Cap) -> Callable[[Actor], bool]:
    def check(actor: Actor) -> bool:
        return has(actor, cap)

    return check


@dataclass(frozen=True)
class NavItem:
    """``label`` is an English msgid (mark it with ``N_``); ``order`` sorts the menu;
    ``prefix`` marks the item active for every path under it."""

    path: str
    label: str
    order: int = 100
    visible: Callable[[Actor], bool] = everyone
    prefix: str | None = None

    def active(self, path: str) -> bool:
        p = self.prefix or self.path
        return path == self.path or (p != "/" and path.startswith(p))


def visible_items(items: Iterable[NavItem], actor: Actor) -> list[NavItem]:
    return sorted((i for i in items if i.visible(actor)), key=lambda i: (i.order, i.path))
