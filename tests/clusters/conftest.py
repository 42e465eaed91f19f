"""Small warehouses built row by row for the cluster tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ipcity.warehouse.store import Warehouse

# One PCT application: (patent_id, year, [inventor as (region_code, address, country, lat, lon)])
Inventor = tuple[str | None, str | None, str | None, float | None, float | None]
Application = tuple[str, int, list[Inventor]]
Article = tuple[str, int, list[Inventor]]


def fill(wh: Warehouse, apps: list[Application], articles: list[Article] | None = None) -> None:
    con = wh.con
    for pid, year, inventors in apps:
        con.execute(
            "INSERT INTO patents (patent_id, office, application_date) VALUES (?, 'WO', ?)",
            [pid, f"{year}-06-30"],
        )
        for seq, (code, address, country, lat, lon) in enumerate(inventors, start=1):
            con.execute(
                """INSERT INTO parties (patent_id, role, sequence, address, country, region_code,
                   latitude, longitude) VALUES (?, 'inventor', ?, ?, ?, ?, ?, ?)""",
                [pid, seq, address, country, code, lat, lon],
            )
    for aid, year, authors in articles or []:
        con.execute("INSERT INTO publications (publication_id, year) VALUES (?, ?)", [aid, year])
        for seq, (code, address, country, lat, lon) in enumerate(authors, start=1):
            # authors carry no region code: a Chinese author is given by address
            con.execute(
                """INSERT INTO authors (publication_id, sequence, address, country, latitude,
                   longitude) VALUES (?, ?, ?, ?, ?, ?)""",
                [aid, seq, address or _address_of(code), country, lat, lon],
            )


def _address_of(code: str | None) -> str | None:
    if code is None:
        return None
    from ipcity.geo import regions

    chain = [code]
    while (up := regions.parent(chain[-1])) is not None:
        chain.append(up)
    return "".join(
        regions.name(c) for c in reversed(chain) if not regions.name(c).endswith("市辖区")
    )


@pytest.fixture
def make_warehouse(tmp_path: Path) -> Iterator[Callable[..., Warehouse]]:
    opened: list[Warehouse] = []

    def make(apps: list[Application], articles: list[Article] | None = None, **_: Any) -> Warehouse:
        wh = Warehouse(tmp_path / f"wh{len(opened)}")
        fill(wh, apps, articles)
        opened.append(wh)
        return wh

    yield make
    for wh in opened:
        wh.close()
