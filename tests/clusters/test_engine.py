"""Counting, windows, ranking, previous ranks, the city's cluster and the merge what-if, on small
warehouses whose results are computed by hand in the comments."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ipcity.clusters.engine import Options, merge_what_if, parse_min_weight, run
from ipcity.clusters.load import Window, load
from ipcity.errors import DataMissingError, InputError
from ipcity.warehouse.store import Warehouse

PUDONG, XUHUI, KUNSHAN = "310115", "310104", "320583"
HAIDIAN, NANSHAN = "110108", "440305"

Make = Callable[..., Warehouse]


def inv(code: str) -> tuple[str, None, None, None, None]:
    return (code, None, None, None, None)


def test_fractional_counting_and_window(make_warehouse: Make) -> None:
    wh = make_warehouse(
        [
            ("P1", 2023, [inv(PUDONG), inv(XUHUI)]),  # 1/2 each
            ("P2", 2023, [inv(PUDONG), inv(PUDONG), inv(XUHUI), inv(KUNSHAN)]),  # 1/4 each
            ("P3", 2022, [inv(PUDONG)]),  # outside a 2023..2023 window
            ("P4", 2023, []),  # no inventors: counts in the total only
        ]
    )
    recs = load(wh, 2023, 2023)
    w = recs.frame.groupby("region_code")["weight"].sum()
    assert w[PUDONG] == pytest.approx(0.5 + 0.25 + 0.25)  # 1.0
    assert w[XUHUI] == pytest.approx(0.5 + 0.25)  # 0.75
    assert w[KUNSHAN] == pytest.approx(0.25)
    assert recs.total("pct", Window(2023, 2023)) == 3  # P1, P2, P4
    assert recs.orphans("pct", Window(2023, 2023)) == 1  # P4
    assert recs.frame["weight"].sum() == pytest.approx(2.0)  # P1 + P2


def test_one_cluster_by_hand(make_warehouse: Make) -> None:
    # 2023: Pudong 1.0, Xuhui 0.75, Kunshan 0.25 (as above), total 3 applications (P4 empty).
    # Pudong-Xuhui seats are 10.9 km apart (< 15 km); Kunshan is 55 km from Pudong.
    # Min weight 1: Pudong 1.0 + 0.75 = 1.75 core, Xuhui 1.75 core, Kunshan 0.25 noise.
    # Cluster weight 1.75 -> PCT share 1.75 / 3 = 58.333 %.
    wh = make_warehouse(
        [
            ("P1", 2023, [inv(PUDONG), inv(XUHUI)]),
            ("P2", 2023, [inv(PUDONG), inv(PUDONG), inv(XUHUI), inv(KUNSHAN)]),
            ("P4", 2023, []),
        ]
    )
    rep = run(wh, Options(window=Window(2023, 2023), radius_km=15, min_weight="1"))
    assert len(rep.current.clusters) == 1
    c = rep.current.clusters[0]
    assert c.name == "Shanghai" and c.countries == ["CN"] and c.rank == 1
    assert c.pct_weight == pytest.approx(1.75)
    assert c.pct_share == pytest.approx(100 * 1.75 / 3)
    assert c.pub_share is None and c.score == pytest.approx(c.pct_share)
    assert c.previous_rank is None  # no PCT data in 2022
    assert rep.warnings and "previous window" in rep.warnings[0]
    # The city (Shanghai) and its districts: Pudong 1.0 / 1.75 = 57.14 %, Xuhui 42.86 %.
    assert rep.city is not None and rep.city.cluster is c and c.is_city
    shares = {p.key: round(p.share, 2) for p in rep.city.breakdown}
    assert shares == {f"CN:{PUDONG}": 57.14, f"CN:{XUHUI}": 42.86}
    assert {p.kind for p in rep.city.breakdown} == {"district"}
    # Kunshan's 0.25 is located but in no cluster; P4 is unlocated weight with its reason.
    assert rep.geocoding.by_reason == {"no_inventors": {"records": 1, "weight": 1.0}}
    assert rep.geocoding.records == 6 and rep.geocoding.located == 6
    # Radius 10 km: Pudong-Xuhui (10.9 km) no longer neighbours; Pudong alone 1.0 >= 1 core,
    # Xuhui alone 0.75 noise. One cluster of 1.0: 33.33 %.
    rep = run(wh, Options(window=Window(2023, 2023), radius_km=10, min_weight="1"))
    assert [round(c.pct_share, 2) for c in rep.current.clusters] == [33.33]


def test_ranking_previous_window_ties_and_merge(make_warehouse: Make) -> None:
    # 2022: Beijing 3, Shanghai 2, Shenzhen 1 (of 6) -> ranks Beijing 1, Shanghai 2, Shenzhen 3
    # 2023: Beijing 2, Shanghai 3, Shenzhen 2 (of 7) -> Shanghai 42.86 % first; Beijing and
    # Shenzhen tie at 28.57 % with equal PCT weight: by name, Beijing 2, Shenzhen 3.
    apps = []
    for year, counts in ((2022, (3, 2, 1)), (2023, (2, 3, 2))):
        for code, n in zip((HAIDIAN, PUDONG, NANSHAN), counts, strict=True):
            apps += [(f"{code}-{year}-{i}", year, [inv(code)]) for i in range(n)]
    wh = make_warehouse(apps)
    rep = run(wh, Options(window=Window(2023, 2023), min_weight="1"))
    got = [(c.rank, c.name, round(c.pct_share, 2), c.previous_rank) for c in rep.current.clusters]
    assert got == [
        (1, "Shanghai", 42.86, 2),
        (2, "Beijing", 28.57, 1),
        (3, "Shenzhen", 28.57, 3),
    ]
    assert [c["rank_change"] for c in rep.as_json()["rows"]] == [1, -1, 0]
    # What if Beijing and Shenzhen were one: 57.14 % > 42.86 %: rank 1, Shanghai 2.
    m = merge_what_if(rep.current.clusters, "Beijing", "3", top=10)
    assert m.name == "Beijing-Shenzhen" and m.rank == 1
    assert m.score == pytest.approx(100 * 4 / 7)
    assert [(r, n, old) for r, n, _, old in m.ranking] == [
        (1, "Beijing-Shenzhen", 0),
        (2, "Shanghai", 1),
    ]
    # The city's cluster is listed even when it ranks below --top.
    rep = run(wh, Options(window=Window(2023, 2023), min_weight="1", top=1, city="440300"))
    assert [(r["rank"], r["name"], r["is_city"]) for r in rep.as_json()["rows"]] == [
        (1, "Shanghai", False),
        (3, "Shenzhen", True),
    ]
    with pytest.raises(InputError):
        merge_what_if(rep.current.clusters, "2", "Beijing", top=10)  # the same cluster
    with pytest.raises(InputError):
        merge_what_if(rep.current.clusters, "9", "1", top=10)


def test_publications_add_their_share(make_warehouse: Make) -> None:
    # PCT 2023: Shanghai 3 of 5, Beijing 2 of 5 -> 60 %, 40 %.
    # Articles 2023: A1 (Pudong, Haidian) 1/2 each, A2 (Pudong) 1 -> Shanghai 1.5 of 2 = 75 %,
    # Beijing 25 %. Scores: Shanghai 135, Beijing 65.
    apps = [(f"S{i}", 2023, [inv(PUDONG)]) for i in range(3)]
    apps += [(f"B{i}", 2023, [inv(HAIDIAN)]) for i in range(2)]
    arts = [("A1", 2023, [inv(PUDONG), inv(HAIDIAN)]), ("A2", 2023, [inv(PUDONG)])]
    wh = make_warehouse(apps, arts)
    rep = run(wh, Options(window=Window(2023, 2023), min_weight="1"))
    rows = {r["name"]: r for r in rep.as_json()["rows"]}
    assert rows["Shanghai"]["pub_share"] == pytest.approx(75.0)
    assert rows["Shanghai"]["score"] == pytest.approx(135.0)
    assert rows["Beijing"]["pub_weight"] == pytest.approx(0.5)
    assert rows["Beijing"]["score"] == pytest.approx(65.0)
    # Articles are converted to PCT-equivalents for clustering (5 applications / 2 articles).
    assert rep.current.pub_factor == pytest.approx(2.5)


def test_default_window_is_the_last_five_years(make_warehouse: Make) -> None:
    wh = make_warehouse([(f"P{y}", y, [inv(PUDONG)]) for y in range(2015, 2024)])
    rep = run(wh, Options(min_weight="1"))
    assert str(rep.current.window) == "2019..2023"
    assert rep.previous is not None and str(rep.previous.window) == "2018..2022"
    assert rep.current.pct_total == 5


def test_min_weight_as_number_or_share() -> None:
    assert parse_min_weight("0.1%", 20_000) == pytest.approx(20.0)
    assert parse_min_weight("12.5", 99) == 12.5
    for bad in ("abc", "-1", "0", "0%", "nan"):
        with pytest.raises(InputError):
            parse_min_weight(bad, 100)


def test_window_parsing() -> None:
    assert Window.parse("2019..2023") == Window(2019, 2023)
    assert Window.parse("2019-2023") == Window(2019, 2023)
    assert Window.parse("2023") == Window(2023, 2023)
    for bad in ("2023..2019", "19..23", "abc"):
        with pytest.raises(InputError):
            Window.parse(bad)


def test_errors_are_clear(make_warehouse: Make) -> None:
    empty = make_warehouse([])
    with pytest.raises(DataMissingError):
        run(empty, Options())
    wh = make_warehouse([("P1", 2023, [inv(PUDONG)])])
    with pytest.raises(InputError, match="no PCT applications"):
        run(wh, Options(window=Window(2010, 2012)))
    with pytest.raises(InputError, match="--city"):
        run(wh, Options(city="999999"))
    with pytest.raises(InputError, match="--radius-km"):
        run(wh, Options(radius_km=0))
