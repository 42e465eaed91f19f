"""Warehouse figures the evaluation reads, kept between requests.

The evaluation page asks the engine for the same series (and, for projections, the same
yearly stock flows) on every request; each answer costs a full engine run over the warehouse.
The answer depends only on the warehouse's content, the indicator definition and the call's
arguments, so it is kept under a key made of the warehouse file's path, size and modification
time (its write-ahead log's too), the definition's label and the arguments. A new ingest
changes the file, hence the key: stale figures are never served, old entries age out of the
LRU. A warehouse without a file on disk is never cached.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
MAXSIZE = 256

_items: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0}


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def warehouse_stamp(warehouse: Any) -> Hashable | None:
    """(path, size and mtime of the file and of its WAL, definition label), or None when the
    warehouse has no file (nothing to notice a change by)."""
    path = getattr(warehouse, "path", None)
    if path is None:
        return None
    path = Path(path)
    main = _file_stamp(path)
    if main is None:
        return None
    from ipcity.indicators.config import DefinitionConfig

    wal = _file_stamp(path.with_name(path.name + ".wal"))
    return (str(path.resolve()), main, wal, DefinitionConfig.default().label)


def cached(warehouse: Any, kind: str, args: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, or a copy of its answer for the same warehouse state, kind and args."""
    stamp = warehouse_stamp(warehouse)
    if stamp is None:
        return compute()
    key = (stamp, kind, args)
    with _lock:
        if key in _items:
            _items.move_to_end(key)
            stats["hits"] += 1
            return copy.deepcopy(_items[key])  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        stats["misses"] += 1
        _items[key] = copy.deepcopy(value)
        while len(_items) > MAXSIZE:
            _items.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _items.clear()
