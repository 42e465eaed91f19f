"""The public portal: publication workflow and visibility, safe Markdown, and the published
headline snapshot that does not move until the office republishes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pyarrow as pa
import pytest

from ipcity.meetings.actions import (
    Attachment,
    do_create_publication,
    do_publish,
    do_publish_headline_snapshot,
    do_update_publication,
    do_withdraw,
    do_withdraw_headline_snapshot,
)
from ipcity.meetings.errors import StateError
from ipcity.meetings.portal import headline_cards, headline_charts, portal_home, render_markdown
from ipcity.meetings.queries import (
    current_headline_snapshot,
    get_headline_snapshot,
    get_publication,
    get_publication_file,
    list_headline_snapshots,
    list_publications,
)
from ipcity.workspace.actions import (
    do_create_target,
    do_enter_published_actual,
    do_update_plan,
)
from ipcity.workspace.errors import NotFound, PermissionDenied, ValidationError
from ipcity.workspace.models import ComputedActual, Plan
from tests.support.ws_fixtures import World

# --- publications ----------------------------------------------------------------------------


def _draft(world: World, **extra: Any) -> int:
    with world.db.write() as s:
        p = do_create_publication(
            s,
            world.admin,
            {"kind": "bulletin", "title_zh": "工作简报第1期", "body_zh": "正文", **extra},
            files=[Attachment("简报.pdf", "application/pdf", b"%PDF-1.7 bulletin")],
        )
        return p.id


def test_publication_workflow(world: World) -> None:
    pid = _draft(world)
    with world.db.read() as s:
        assert [p.id for p in list_publications(s, world.anonymous)] == []
        assert [p.id for p in list_publications(s, world.editor_a)] == []  # drafts: office only
        assert [p.id for p in list_publications(s, world.leader)] == [pid]
        with pytest.raises(NotFound):
            get_publication(s, world.anonymous, pid)
        file_id = get_publication(s, world.admin, pid).files[0].id
        with pytest.raises(NotFound):
            get_publication_file(s, world.anonymous, file_id)
    with world.db.write() as s:
        p = do_publish(s, world.admin, pid, expected_version=1, at=datetime(2023, 4, 10, 16))
        assert (p.status, p.published_at, p.published_by_name, p.version) == (
            "published",
            datetime(2023, 4, 10, 16),
            "admin",
            2,
        )
    with world.db.read() as s:
        assert [p.id for p in list_publications(s, world.anonymous)] == [pid]
        f, data = get_publication_file(s, world.anonymous, file_id)
        assert (f.filename, data) == ("简报.pdf", b"%PDF-1.7 bulletin")
    # Published text cannot change under its date: withdraw, edit, publish again.
    with world.db.write() as s, pytest.raises(StateError) as exc:
        do_update_publication(s, world.admin, pid, expected_version=2, changes={"body_zh": "改"})
    assert exc.value.message("zh") == "当前状态为“已发布”，不能修改"
    with world.db.write() as s, pytest.raises(StateError):
        do_publish(s, world.admin, pid, expected_version=2)
    with world.db.write() as s:
        do_withdraw(s, world.admin, pid, expected_version=2)
        p = do_update_publication(
            s,
            world.admin,
            pid,
            expected_version=3,
            changes={"body_zh": "更正后的正文", "title_en": "Bulletin no. 1"},
            add_files=[Attachment("bulletin-en.pdf", "application/pdf", b"%PDF en")],
            remove_file_ids=[file_id],
        )
        assert [f.filename for f in p.files] == ["bulletin-en.pdf"]
    with world.db.read() as s:
        assert list_publications(s, world.anonymous) == []
        with pytest.raises(NotFound):
            get_publication_file(s, world.anonymous, file_id)
    with world.db.write() as s:
        p = do_publish(s, world.admin, pid, expected_version=4)
        assert p.status == "published" and p.withdrawn_at is None
    with world.db.read() as s:
        p = get_publication(s, world.anonymous, pid)
        assert (p.body("zh"), p.title("en"), p.title("zh")) == (
            "更正后的正文",
            "Bulletin no. 1",
            "工作简报第1期",
        )
        assert p.summary("en") == ""  # nothing in either language


def test_publication_rules(world: World) -> None:
    with world.db.write() as s:
        empty = do_create_publication(s, world.admin, {"kind": "news", "title_zh": "空"})
        eid = empty.id
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_publish(s, world.admin, eid, expected_version=1)
    assert exc.value.errors[0].message("en") == (
        "a body, a summary or a file is needed before publishing"
    )
    with world.db.write() as s, pytest.raises(StateError):
        do_withdraw(s, world.admin, eid, expected_version=1)  # a draft is not published
    with world.db.write() as s, pytest.raises(ValidationError) as exc2:
        do_create_publication(s, world.admin, {"kind": "memo", "title_zh": "", "meeting_id": 999})
    assert sorted(e.field for e in exc2.value.errors) == ["kind", "title_zh"]
    with world.db.write() as s, pytest.raises(ValidationError) as exc3:
        do_create_publication(s, world.admin, {"kind": "news", "title_zh": "x", "meeting_id": 999})
    assert exc3.value.errors[0].message("zh") == "未知会议：999"
    for who in (world.leader, world.editor_a, world.anonymous):
        with world.db.write() as s, pytest.raises(PermissionDenied):
            do_publish(s, who, eid, expected_version=1)


def test_news_order_and_kind_filter(world: World) -> None:
    ids = []
    for day, kind in ((3, "news"), (1, "bulletin"), (2, "news")):
        with world.db.write() as s:
            p = do_create_publication(
                s, world.admin, {"kind": kind, "title_zh": f"{day}", "body_zh": "x"}
            )
            do_publish(s, world.admin, p.id, expected_version=1, at=datetime(2023, 5, day))
            ids.append(p.id)
    draft = _draft(world)
    with world.db.read() as s:
        assert [p.title_zh for p in list_publications(s, world.anonymous)] == ["3", "2", "1"]
        assert [p.title_zh for p in list_publications(s, world.anonymous, kind="news")] == [
            "3",
            "2",
        ]
        # the office's list puts drafts after the published ones
        assert [p.id for p in list_publications(s, world.admin)][-1] == draft
        assert [p.title_zh for p in list_publications(s, world.anonymous, limit=1)] == ["3"]


def test_markdown_is_safe_and_offline() -> None:
    html = render_markdown(
        "## 标题\n\n<script>alert(1)</script>\n\n[坏](javascript:alert(1)) "
        "![图](http://example.com/x.png) [好](https://example.org)\n\n"
        "| 指标 | 数值 |\n| --- | --- |\n| 专利 | 1 |\n\n第二段"
    )
    assert "<h2>标题</h2>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "<img" not in html  # images would be fetched: not on an offline intranet
    assert '<a href="https://example.org">好</a>' in html
    assert "<table>" in html and "<td>专利</td>" in html
    assert "<p>第二段</p>" in html
    assert render_markdown("第一段\n\n第二段") == "<p>第一段</p>\n<p>第二段</p>\n"


# --- headline snapshot -----------------------------------------------------------------------

HEADLINE_2022 = {
    "patents_granted": {2021: 160_000.0, 2022: 178_300.0},
    "pct_applications": {2021: 4830.0, 2022: 5591.0},
    "invention_patents_granted": {2022: 36_800.0},
    "high_value_invention_patents_per_10k": {2021: 34.2, 2022: 40.9},
}


@dataclass
class FakeCompute:
    """Stands in for ``ipcity.indicators.compute``: returns ``values`` and records calls."""

    values: dict[str, dict[int, float]]
    vintage: str = "run-1"
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, warehouse: Any, **kw: Any) -> Any:
        self.calls.append(kw)
        rows = [
            {"indicator": ind, "year": y, "region": kw["region"], "value": v}
            for ind, by_year in self.values.items()
            for y, v in by_year.items()
            if y in kw["years"]
        ]
        table = pa.Table.from_pylist(
            rows,
            schema=pa.schema(
                [
                    ("indicator", pa.string()),
                    ("year", pa.int32()),
                    ("region", pa.string()),
                    ("value", pa.float64()),
                ]
            ),
        )

        @dataclass
        class Result:
            table: pa.Table
            meta: dict[str, Any]

        return Result(
            table,
            {
                "definition_version": "ipcity-2024.1",
                "vintage": {"run": self.vintage},
                "population_sources": ["上海统计年鉴"],
                "counting": "first",
                "engine": "duckdb",
                "warnings": ["demo"],
            },
        )


def test_snapshot_from_the_engine(world: World) -> None:
    fake = FakeCompute(HEADLINE_2022)
    with world.db.write() as s:
        snap = do_publish_headline_snapshot(
            s, world.admin, 2022, years_back=1, warehouse=object(), compute=fake
        )
        sid = snap.id
    assert fake.calls[0]["years"] == [2021, 2022]
    assert fake.calls[0]["region"] == "310000"
    assert fake.calls[0]["population_lag"] == 1  # as the city publishes per-10k figures
    assert fake.calls[0]["office"] == "CN"  # CNIPA records: the official statistics
    with world.db.read() as s:
        snap2 = current_headline_snapshot(s, world.anonymous)
        assert snap2 is not None and snap2.id == sid
        assert (snap2.definition_version, snap2.vintage, snap2.population_sources) == (
            "ipcity-2024.1",
            {"run": "run-1"},
            ["上海统计年鉴"],
        )
        assert snap2.provenance["command"] == (
            "ipcity indicators --year 2021..2022 --region 310000 --office CN "
            "--population-lag 1 --format json"
        )
        # 8 headline indicators x 2 years, missing ones kept as None
        assert len(snap2.values) == 16
        cards = {c.indicator: c for c in headline_cards(snap2, "zh")}
        # 178,300 is 17.83万; (178,300 - 160,000) / 160,000 = 11.4375 % -> 11.44 (half-up)
        assert (cards["patents_granted"].value_text, cards["patents_granted"].change_text) == (
            "17.83万件",
            "增长11.44%",
        )
        # (5,591 - 4,830) / 4,830 = 15.7557 % -> 15.76
        assert cards["pct_applications"].value_text == "5591件"
        assert cards["pct_applications"].change_text == "增长15.76%"
        # a rate changes by its difference: 40.9 - 34.2 = 6.7
        hv = cards["high_value_invention_patents_per_10k"]
        assert (hv.value_text, hv.change_text) == ("40.9件", "提高6.7件")
        # the card: the number big, its unit apart (issue 12: a rate wrapped on a phone)
        assert (hv.number_text, hv.unit_text) == ("40.9", "件")
        assert (cards["patents_granted"].number_text, cards["patents_granted"].unit_text) == (
            "17.83万件",
            "",
        )  # a count keeps its magnitude and 件: that is how the number is written
        # no 2021 value: the value without a change; no 2022 value at all: a dash
        assert cards["invention_patents_granted"].change_text == ""
        assert cards["patent_applications"].value_text == "—"
        en = {c.indicator: c for c in headline_cards(snap2, "en")}
        assert (en["patents_granted"].value_text, en["patents_granted"].change_text) == (
            "178,300",
            "+11.44%",
        )
        assert en["high_value_invention_patents_per_10k"].change_text == "+6.7"
        assert en["high_value_invention_patents_per_10k"].number_text == "40.9"
        assert en["high_value_invention_patents_per_10k"].unit_text == "per 10,000 residents"
        assert en["high_value_invention_patents_per_10k"].name == (
            "High-value invention patents per 10,000 residents"
        )
        charts = {c.key: c for c in headline_charts(snap2, "zh")}
        assert "headline-patent_applications" not in charts  # nothing to draw
        pg = charts["headline-patents_granted"]
        assert (pg.kind, pg.categories, pg.series[0].values) == (
            "bar",
            ("2021", "2022"),
            (160_000.0, 178_300.0),
        )
        assert charts["headline-high_value_invention_patents_per_10k"].kind == "line"


def test_snapshot_does_not_move_until_republished(world: World) -> None:
    fake = FakeCompute({k: dict(v) for k, v in HEADLINE_2022.items()})
    with world.db.write() as s:
        first = do_publish_headline_snapshot(
            s, world.admin, 2022, years_back=1, warehouse=object(), compute=fake
        ).id
    # The warehouse is re-ingested: the engine would now say something else.
    fake.values["patents_granted"][2022] = 180_000.0
    fake.vintage = "run-2"
    with world.db.read() as s:
        snap = current_headline_snapshot(s, world.anonymous)
        assert snap is not None and snap.id == first
        assert {(v.indicator, v.year): v.value for v in snap.values}[
            ("patents_granted", 2022)
        ] == 178_300.0
        assert snap.vintage == {"run": "run-1"}
    with world.db.write() as s:
        second = do_publish_headline_snapshot(
            s, world.admin, 2022, years_back=1, warehouse=object(), compute=fake
        ).id
    with world.db.read() as s:
        snap = current_headline_snapshot(s, world.anonymous)
        assert snap is not None and snap.id == second
        assert {(v.indicator, v.year): v.value for v in snap.values}[
            ("patents_granted", 2022)
        ] == 180_000.0
        old = get_headline_snapshot(s, world.leader, first)
        assert old.status == "superseded"
        assert {(v.indicator, v.year): v.value for v in old.values}[
            ("patents_granted", 2022)
        ] == 178_300.0  # kept as it was
        with pytest.raises(NotFound):
            get_headline_snapshot(s, world.anonymous, first)
        assert [x.id for x in list_headline_snapshots(s, world.anonymous)] == [second]
        assert [x.id for x in list_headline_snapshots(s, world.admin)] == [second, first]
    with world.db.write() as s:
        do_withdraw_headline_snapshot(s, world.admin, second, expected_version=1)
    with world.db.read() as s:
        assert current_headline_snapshot(s, world.anonymous) is None
    with world.db.write() as s, pytest.raises(StateError):
        do_withdraw_headline_snapshot(s, world.admin, second, expected_version=2)


def test_snapshot_years_and_errors(world: World) -> None:
    fake = FakeCompute(HEADLINE_2022)
    with world.db.write() as s, pytest.raises(ValidationError) as exc:
        do_publish_headline_snapshot(s, world.admin, 2023, warehouse=object(), compute=fake)
    assert exc.value.errors[0].message("zh") == "2023年没有可发布的指标数值"
    with world.db.write() as s, pytest.raises(ValidationError):
        do_publish_headline_snapshot(s, world.admin, 2022, source="excel")
    with world.db.write() as s:
        do_publish_headline_snapshot(
            s, world.admin, 2021, years_back=0, warehouse=object(), compute=fake
        )
        do_publish_headline_snapshot(
            s, world.admin, 2022, years_back=4, warehouse=object(), compute=fake
        )
    assert fake.calls[-1]["years"] == [2018, 2019, 2020, 2021, 2022]
    with world.db.read() as s:
        latest = current_headline_snapshot(s, world.anonymous)
        assert latest is not None and latest.year == 2022  # the latest year by default
        y2021 = current_headline_snapshot(s, world.anonymous, year=2021)
        assert y2021 is not None and {v.year for v in y2021.values} == {2021}


def test_snapshot_from_workspace_actuals(world: World) -> None:
    with world.db.write() as s:
        plan = s.get(Plan, world.plan)
        assert plan is not None
        do_update_plan(
            s, world.admin, world.plan, expected_version=plan.version, changes={"published": True}
        )
        pledge = do_create_target(
            s,
            world.admin,
            {
                "plan_id": world.plan,
                "code": "PLEDGE",
                "name": "知识产权质押融资额",
                "unit": "亿元",
                "direction": "higher",
                "target_year": 2025,
                "target_value": 150,
                "published": True,
            },
        )
        hidden = do_create_target(
            s,
            world.admin,
            {
                "plan_id": world.plan,
                "code": "X",
                "name": "内部指标",
                "unit": "件",
                "direction": "higher",
                "target_year": 2025,
                "target_value": 1,
            },
        )
        for year, value in ((2021, 78.3), (2022, 95.6)):
            do_enter_published_actual(
                s, world.admin, pledge.id, {"year": year, "value": value, "source": "白皮书"}
            )
        do_enter_published_actual(
            s, world.admin, hidden.id, {"year": 2022, "value": 5, "source": "内部"}
        )
        # 2020 only computed by the engine: used because nothing was published for it
        s.add(
            ComputedActual(
                target_id=pledge.id,
                year=2020,
                value=60.25,
                vintage={"run": "r"},
                computed_at=datetime(2023, 2, 1, 8),
            )
        )
        s.flush()
        snap = do_publish_headline_snapshot(s, world.admin, 2022, years_back=2, source="workspace")
        sid = snap.id
    with world.db.read() as s:
        snap2 = current_headline_snapshot(s, world.anonymous)
        assert snap2 is not None and snap2.id == sid and snap2.source == "workspace"
        rows = [(v.indicator, v.year, v.value, v.source) for v in snap2.values]
        assert rows == [
            ("target:PLEDGE", 2020, 60.25, "指标引擎计算 / computed by the engine, 2023-02-01"),
            ("target:PLEDGE", 2021, 78.3, "白皮书"),
            ("target:PLEDGE", 2022, 95.6, "白皮书"),
        ]  # the unpublished indicator is not on the portal
        [card] = headline_cards(snap2, "zh")
        # two decimals because 60.25 has two; (95.6 - 78.3) / 78.3 = 22.0945 % -> 22.09
        assert (card.value_text, card.change_text) == ("95.60亿元", "增长22.09%")
        # the office's unit of measure in English (issue 12: no 亿元 on an English page)
        assert headline_cards(snap2, "en")[0].value_text == "95.60 × 100 million yuan"
        assert (card.number_text, card.unit_text) == ("95.60", "亿元")
        en_card = headline_cards(snap2, "en")[0]
        assert (en_card.number_text, en_card.unit_text) == ("95.60", "× 100 million yuan")


def test_portal_home_shows_published_things_only(world: World) -> None:
    _draft(world)
    with world.db.write() as s:
        p = do_create_publication(
            s, world.admin, {"kind": "news", "title_zh": "新闻", "body_zh": "x"}
        )
        do_publish(s, world.admin, p.id, expected_version=1)
        do_publish_headline_snapshot(
            s,
            world.admin,
            2022,
            years_back=1,
            warehouse=object(),
            compute=FakeCompute(HEADLINE_2022),
        )
    with world.db.read() as s:
        home = portal_home(s, world.admin, locale="en")  # even the office sees the public view
        assert [n.title_zh for n in home.news] == ["新闻"]
        assert home.snapshot is not None and len(home.cards) == 8
        body = home.as_dict("en")
        assert body["news"][0]["title"] == "新闻"  # no English title: the Chinese one
        assert body["charts"][0]["figure"]["data"][0]["type"] == "bar"
        assert date.fromisoformat(body["snapshot"]["published_at"][:10]) >= date(2024, 1, 1)
