"""A small cache of rendered page parts, invalidated by the workspace's change stamp.

Every write of the workspace goes through a ``do_*`` action that records an audit entry in the
same transaction, so the newest audit entry changes when the data changed, from whatever
process (the web app, the CLI, a scheduled supervision run). A cache key includes that stamp,
so a write makes older entries unreachable; they age out of the LRU.

- A page may ignore actions that cannot change it (the dashboard does not show drafts,
  submissions or notices): the stamp is then the newest *relevant* entry among the newest
  ``WINDOW`` entries (when none of them is relevant, the oldest of them stands in, which is
  merely more eager to recompute).
- ``ttl``: on PostgreSQL two write transactions may commit in the other order than their audit
  ids were drawn, so a reader can see id 101 before id 100 is committed; an entry older than
  ``ttl`` seconds is recomputed anyway, which bounds that (rare) staleness. On SQLite writers
  are serialised (``BEGIN IMMEDIATE``), so the order is exact.

Only parts that are the same for every viewer of a visibility class are cached (the
dashboard's body: public or internal), never anything with a user's name, inbox or CSRF token.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy.orm import Session

from ipcity.workspace.audit import newest_actions
from ipcity.workspace.permissions import system_actor

_STAMP_READER = system_actor("web-cache")
_ALL: list[RenderCache] = []
WINDOW = 32


def change_stamp(session: Session, *, ignore: frozenset[str] = frozenset()) -> tuple[str, int]:
    """The newest audit entry whose action is not in ``ignore``: ``("id", n)``; ``("window",
    n)`` when the newest ``WINDOW`` entries are all ignored; ``("id", 0)`` when empty."""
    return change_stamps(session, [ignore])[0]


def change_stamps(session: Session, ignores: list[frozenset[str]]) -> list[tuple[str, int]]:
    """:func:`change_stamp` for several ``ignore`` sets from one read of the log."""
    newest = newest_actions(session, _STAMP_READER, WINDOW if any(ignores) else 1)
    out = []
    for ignore in ignores:
        found = next((entry_id for entry_id, action in newest if action not in ignore), None)
        if found is not None:
            out.append(("id", found))
        else:
            out.append(("window", newest[-1][0]) if newest else ("id", 0))
    return out


class RenderCache:
    """LRU of rendered strings with a time to live. Concurrent misses of one key compute it
    once (the others wait), so a write does not set off a herd of identical computations."""

    def __init__(self, maxsize: int = 64, ttl: float = 60.0) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self._items: OrderedDict[Hashable, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0
        _ALL.append(self)

    def _fresh(self, key: Hashable) -> str | None:
        item = self._items.get(key)
        if item is None or time.monotonic() - item[0] > self.ttl:
            return None
        self._items.move_to_end(key)
        self.hits += 1
        return item[1]

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            found = self._fresh(key)
            if found is not None:
                return found
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                found = self._fresh(key)
                if found is not None:
                    return found
            value = render()
            with self._lock:
                self.misses += 1
                self._items[key] = (time.monotonic(), value)
                self._items.move_to_end(key)
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
                self._key_locks.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear_all() -> None:
    """Empty every cache (tests that wipe the database, where audit ids start again at 1)."""
    for cache in _ALL:
        cache.clear()
