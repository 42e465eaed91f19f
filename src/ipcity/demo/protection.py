"""Synthetic protection cases (演示数据) for the demo workspace.

``seed_protection_demo(session, today=..., year=2023)`` adds a year of synthetic cases across
the member units of the demo joint conference (``demo.workspace_seed.seed_demo`` first), plus
the whole year before (its open cases are the backlog pending on 1 January), a few
transfers and joint cases, and — when the demo plan FYP14 exists — three plan targets that read
protection indicators, refreshed at once.

Volumes are Shanghai's order of magnitude scaled down about 20 times (a demo database stays
small; every figure is illustrative, none is official):

| unit | kind | cases a year in the demo | order of magnitude in Shanghai |
| --- | --- | --- | --- |
| 市高级人民法院 (courts) | civil / criminal / administrative | 2,000 / 30 / 20 | ~40,000 IP cases |
| 市人民检察院 | prosecution | 30 | ~600 |
| 市市场监管局 | administrative enforcement | 150 | ~3,000 |
| 市版权局 | administrative enforcement (copyright) | 20 | ~400 |
| 上海海关 | customs seizure | 300 | ~6,000 |
| 市司法局 | mediation / arbitration | 250 / 10 | ~5,000 / ~200 |
| 市知识产权局 | administrative ruling (patents) | 60 | ~1,200 |
| 浦东新区, 徐汇区 | administrative enforcement | 40, 15 | |

Handling times are log-normal per kind (median days: civil 100, criminal 70, administrative
litigation 120, prosecution 35, enforcement 55, customs 25, mediation 18, arbitration 110,
rulings 95); a case whose closure would fall after ``today`` is still open. Outcomes, IP types,
amounts and the foreign-related and cross-region shares follow rough, plausible mixes.

Every case is labelled: ``synthetic = True``, 演示 in the case number, and party names end in
（演示数据） (kept by the masking). Deterministic for a given ``seed``, ``year`` and ``today``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ipcity.clock import on_app_day
from ipcity.errors import IpcityError
from ipcity.protection.actions import (
    do_add_joint_unit,
    do_create_case,
    do_transfer_case,
)
from ipcity.protection.masking import SYNTHETIC_LABEL
from ipcity.protection.models import ProtectionCase
from ipcity.workspace.models import Goal, IndicatorTarget, Plan, Unit
from ipcity.workspace.permissions import system_actor

LABEL = SYNTHETIC_LABEL


@dataclass(frozen=True)
class Caseload:
    unit: str  # unit code
    kind: str
    per_year: int
    median_days: float
    sigma: float
    ip_mix: tuple[tuple[str, float], ...]
    outcomes: tuple[tuple[str, float], ...]
    number: str  # case number pattern: {y} year, {n} sequence
    foreign: float = 0.03
    cross: float = 0.0
    claimed: float | None = None  # median amount claimed (yuan)
    fines: float | None = None  # median fine
    seized: float | None = None  # median value seized
    district: str | None = None  # all cases in this district (a district's own unit)


def _mix(text: str) -> tuple[tuple[str, float], ...]:
    """A share mix written as text: ``"copyright .55, trademark .45"``."""
    pairs = (item.split() for item in text.split(","))
    return tuple((name, float(share)) for name, share in pairs)


# One caseload a row: unit, kind, cases a year, median days to close, spread (log-normal sigma),
# IP types, outcomes, case number; then the optional shares and money medians.
# fmt: off
CASELOADS: tuple[Caseload, ...] = (
    Caseload("COURT", "civil", 2000, 100, 0.6,
             _mix("copyright .55, trademark .25, patent .12, trade_secret .03, other .05"),
             _mix("withdrawn .45, mediated .15, upheld .18, partly_upheld .15, dismissed .07"),
             "({y})沪73知民初演示{n:05d}号", foreign=0.08, claimed=300_000),
    Caseload("COURT", "criminal", 30, 70, 0.5,
             _mix("trademark .8, copyright .12, trade_secret .08"),
             _mix("convicted .97, acquitted .03"),
             "({y})沪03刑初演示{n:04d}号", fines=100_000),
    Caseload("COURT", "admin_litigation", 20, 120, 0.5,
             _mix("trademark .6, patent .4"),
             _mix("dismissed .85, upheld .1, withdrawn .05"),
             "({y})沪73行初演示{n:04d}号", foreign=0.2),
    Caseload("PROCURATORATE", "prosecution", 30, 35, 0.4,
             _mix("trademark .82, copyright .1, trade_secret .08"),
             _mix("prosecuted .88, not_prosecuted .12"),
             "沪检知刑诉〔{y}〕演示{n:04d}号", cross=0.05),
    Caseload("SAMR", "admin_enforcement", 150, 55, 0.45,
             _mix("trademark .75, patent .15, geographical_indication .05, other .05"),
             _mix("penalized .8, transferred .08, other .12"),
             "沪市监执处〔{y}〕演示{n:04d}号", cross=0.06, fines=30_000),
    Caseload("COPYRIGHT", "admin_enforcement", 20, 60, 0.45,
             _mix("copyright 1.0"),
             _mix("penalized .85, other .15"),
             "沪版执〔{y}〕演示{n:04d}号", fines=20_000),
    Caseload("CUSTOMS", "customs_seizure", 300, 25, 0.5,
             _mix("trademark .93, patent .04, copyright .03"),
             _mix("seized .9, released .1"),
             "沪关知字〔{y}〕演示{n:04d}号", foreign=0.6, cross=0.02, seized=50_000),
    Caseload("JUSTICE", "mediation", 250, 18, 0.6,
             _mix("copyright .4, trademark .35, patent .2, other .05"),
             _mix("mediated .62, settled .06, mediation_failed .28, withdrawn .04"),
             "沪知调〔{y}〕演示{n:04d}号", cross=0.05, claimed=100_000),
    Caseload("JUSTICE", "arbitration", 10, 110, 0.4,
             _mix("patent .4, trade_secret .3, trademark .3"),
             _mix("upheld .35, partly_upheld .25, settled .3, dismissed .1"),
             "沪仲知〔{y}〕演示{n:04d}号", foreign=0.3, claimed=1_000_000),
    Caseload("SIPA", "admin_ruling", 60, 95, 0.35,
             _mix("patent 1.0"),
             _mix("upheld .55, dismissed .1, mediated .2, withdrawn .15"),
             "沪知裁字〔{y}〕演示{n:04d}号", foreign=0.1, cross=0.04),
    Caseload("310115", "admin_enforcement", 40, 50, 0.45,
             _mix("trademark .8, patent .1, copyright .1"),
             _mix("penalized .85, other .15"),
             "浦市监案处〔{y}〕演示{n:04d}号", cross=0.05, fines=20_000, district="310115"),
    Caseload("310104", "admin_enforcement", 15, 50, 0.45,
             _mix("trademark .8, copyright .2"),
             _mix("penalized .85, other .15"),
             "徐市监案处〔{y}〕演示{n:04d}号", fines=20_000, district="310104"),
)
# fmt: on

# Where city-level cases arise (weights roughly by economic activity).
DISTRICT_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("310115", 0.24),
    ("310104", 0.08),
    ("310101", 0.07),
    ("310106", 0.07),
    ("310105", 0.05),
    ("310112", 0.08),
    ("310107", 0.04),
    ("310109", 0.03),
    ("310110", 0.05),
    ("310113", 0.04),
    ("310114", 0.06),
    ("310116", 0.02),
    ("310117", 0.06),
    ("310118", 0.05),
    ("310120", 0.04),
    ("310151", 0.02),
)

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋"
    "余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建飞辉宇晨浩然欣怡子轩"
    "雨涵梓睿博文思远嘉"
)
_TRADE = (
    "星辰",
    "云帆",
    "鼎新",
    "汇智",
    "华瑞",
    "恒信",
    "锦程",
    "天越",
    "启明",
    "博远",
    "优创",
    "联众",
    "海纳",
    "晨光",
    "睿达",
    "嘉禾",
    "通达",
    "蓝鲸",
    "青松",
    "金桥",
    "万象",
    "卓越",
    "新元",
    "东方",
)
_INDUSTRY = (
    "科技",
    "信息技术",
    "生物医药",
    "电子",
    "贸易",
    "文化传媒",
    "服饰",
    "食品",
    "软件",
    "智能装备",
    "网络科技",
    "化妆品",
)
_PLACES = ("上海", "上海", "上海", "上海", "江苏", "浙江", "深圳", "北京", "安徽", "广东")
_FOREIGN = (
    "Acme Trading Co., Ltd.",
    "Globex Corporation",
    "Initech GmbH",
    "Umbrella Pharma AG",
    "Stark Industries Inc.",
    "Wayne Enterprises LLC",
)
_CROSS = ("长三角", "长三角联合执法", "长三角司法协作", "跨省协作")


@dataclass
class ProtectionDemoSummary:
    cases: int = 0
    open_cases: int = 0
    by_unit: dict[str, int] = field(default_factory=dict)
    transferred: int = 0
    joint: int = 0
    targets: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in mix], weights=[w for _, w in mix])[0]


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _company(rng: random.Random) -> str:
    return f"{rng.choice(_PLACES)}{rng.choice(_TRADE)}{rng.choice(_INDUSTRY)}有限公司{LABEL}"


def _person(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")
    return f"{rng.choice(_SURNAMES)}{given}{LABEL}"


def _party(rng: random.Random, *, foreign: bool = False, people: float = 0.3) -> str:
    if foreign and rng.random() < 0.7:
        return f"{rng.choice(_FOREIGN)}{LABEL}"
    return _person(rng) if rng.random() < people else _company(rng)


def _money(rng: random.Random, median: float | None) -> float | None:
    if median is None:
        return None
    return round(_lognormal(rng, median, 0.9) / 100) * 100.0


def _case(
    rng: random.Random, load: Caseload, received: date, n: int, today: date
) -> dict[str, Any]:
    days = max(0, round(_lognormal(rng, load.median_days, load.sigma)))
    closed = received + timedelta(days=days)
    is_closed = closed <= today
    foreign = rng.random() < load.foreign
    cross = rng.random() < load.cross
    district = load.district or _pick(rng, DISTRICT_WEIGHTS)
    data: dict[str, Any] = {
        "case_no": load.number.format(y=received.year, n=n),
        "kind": load.kind,
        "ip_type": _pick(rng, load.ip_mix),
        "received_on": received,
        "foreign_related": foreign,
        "cross_region": cross,
        "cross_region_note": rng.choice(_CROSS) if cross else "",
        "district": district,
        "claimants": _party(rng, foreign=foreign, people=0.1),
        "respondents": _party(rng, people=0.35),
        "synthetic": True,
    }
    if load.claimed is not None:
        data["amount_claimed"] = _money(rng, load.claimed)
    if load.seized is not None:
        data["value_seized"] = _money(rng, load.seized)
    if is_closed:
        outcome = _pick(rng, load.outcomes)
        data["closed_on"] = closed
        data["outcome"] = outcome
        claimed = data.get("amount_claimed")
        if claimed and outcome in ("upheld", "partly_upheld", "mediated", "settled"):
            share = {"upheld": 0.45, "partly_upheld": 0.2, "mediated": 0.35, "settled": 0.4}
            data["amount_awarded"] = round(claimed * share[outcome] / 100) * 100.0
        if load.fines is not None and outcome in ("penalized", "convicted"):
            data["fines"] = _money(rng, load.fines)
    return data


def _receipt_days(rng: random.Random, start: date, end: date, count: int) -> list[date]:
    """``count`` receipt days spread over [start, end], fewer at weekends and at Spring
    Festival-ish early February."""
    days = (end - start).days + 1
    out: list[date] = []
    while len(out) < count:
        d = start + timedelta(days=rng.randrange(days))
        weight = 0.25 if d.weekday() >= 5 else 1.0
        if d.month == 2 and d.day <= 10:
            weight *= 0.5
        if rng.random() < weight:
            out.append(d)
    return sorted(out)


def seed_protection_demo(
    session: Session,
    *,
    today: date,
    year: int = 2023,
    seed: int = 2023,
    with_targets: bool = True,
    scale: float = 1.0,
) -> ProtectionDemoSummary:
    """See ``_seed_protection_demo``; its records are dated by the demo's clock (``today``)."""
    with on_app_day(today):
        return _seed_protection_demo(
            session, today=today, year=year, seed=seed, with_targets=with_targets, scale=scale
        )


def _seed_protection_demo(
    session: Session,
    *,
    today: date,
    year: int = 2023,
    seed: int = 2023,
    with_targets: bool = True,
    scale: float = 1.0,
) -> ProtectionDemoSummary:
    """Add the synthetic cases (see the module doc) to a workspace seeded with the demo joint
    conference. Refuses when the workspace already has protection cases. ``scale`` multiplies
    every caseload (tests use a small one)."""
    if not 0 < scale <= 10:
        raise IpcityError(f"scale must be in (0, 10], not {scale}")
    if session.scalar(select(func.count()).select_from(ProtectionCase)):
        raise IpcityError("the workspace already has protection cases; seed into one without")
    units = {u.code: u for u in session.scalars(select(Unit))}
    needed = sorted({c.unit for c in CASELOADS} - set(units))
    if needed:
        raise IpcityError(
            "seed the demo joint conference first (ipcity workspace seed-demo): missing units "
            + ", ".join(needed)
        )
    rng = random.Random(f"protection-{seed}-{year}")
    actor = system_actor("demo-seed")
    summary = ProtectionDemoSummary()
    # The year itself and the whole year before, so every year shown is a full year (a year
    # holding only its last quarter gave a closure rate far below any real one); the year
    # before's open cases are the backlog pending on 1 January.
    start, end = date(year - 1, 1, 1), min(date(year, 12, 31), today)
    created: dict[str, list[Any]] = {}
    for load in CASELOADS:
        count = max(1, round(load.per_year * scale * ((end - start).days + 1) / 365))
        per_year_seq: dict[int, int] = {}
        for received in _receipt_days(rng, start, end, count):
            per_year_seq[received.year] = per_year_seq.get(received.year, 0) + 1
            data = _case(rng, load, received, per_year_seq[received.year], today)
            data["unit_id"] = units[load.unit].id
            view = do_create_case(session, actor, data, today=today, refresh=False)
            created.setdefault(load.unit, []).append(view)
            summary.cases += 1
            summary.open_cases += view.closed_on is None
            summary.by_unit[load.unit] = summary.by_unit.get(load.unit, 0) + 1
    # A few referrals: Pudong hands serious cases up to the city bureau; the city bureau
    # works some cases jointly with Xuhui.
    for view in created.get("310115", [])[:5]:
        do_transfer_case(
            session,
            actor,
            view.id,
            expected_version=view.version,
            to_unit_id=units["SAMR"].id,
            note="案情重大，移送市局办理（演示数据）",
            today=today,
        )
        summary.transferred += 1
    for view in created.get("SAMR", [])[:5]:
        do_add_joint_unit(
            session,
            actor,
            view.id,
            expected_version=view.version,
            unit_id=units["310104"].id,
            note="联合执法（演示数据）",
        )
        summary.joint += 1
    if with_targets:
        summary.targets = _seed_targets(session, year)
    session.flush()
    return summary


# (code, name, engine indicator, unit, direction, baseline placeholder, target 2025, goal)
DEMO_TARGETS: tuple[tuple[str, str, str, str, str, float, float, str], ...] = (
    (
        "PROT_RULING_DAYS",
        "专利侵权纠纷行政裁决平均办案天数（案件库）",
        "protection.avg_handling_days?kind=admin_ruling&ip=patent",
        "天",
        "lower",
        135.0,
        90.0,
        "F1.2",
    ),
    (
        "PROT_CLOSURE",
        "知识产权保护案件结案率（案件库）",
        "protection.closure_rate",
        "%",
        "higher",
        85.0,
        95.0,
        "F1.3",
    ),
    (
        "PROT_MEDIATION",
        "知识产权纠纷调解成功率（案件库）",
        "protection.mediation_success_rate",
        "%",
        "higher",
        55.0,
        70.0,
        "F1.3",
    ),
)


def _seed_targets(session: Session, year: int) -> int:
    """Three FYP14 targets read from the cases (when the demo plan exists)."""
    from ipcity.protection.indicators import refresh_live_actuals
    from ipcity.workspace.actions import do_create_target

    plan = session.scalar(select(Plan).where(Plan.code == "FYP14"))
    if plan is None:
        return 0
    goals = {g.code: g.id for g in session.scalars(select(Goal).where(Goal.plan_id == plan.id))}
    order = int(
        session.scalar(
            select(func.coalesce(func.max(IndicatorTarget.sort_order), 0)).where(
                IndicatorTarget.plan_id == plan.id
            )
        )
        or 0
    )
    actor = system_actor("demo-seed")
    made = 0
    for code, name, engine, unit, direction, base, target, goal in DEMO_TARGETS:
        order += 1
        do_create_target(
            session,
            actor,
            {
                "plan_id": plan.id,
                "goal_id": goals.get(goal),
                "code": code,
                "name": name,
                "engine_indicator": engine,
                "region": "310000",
                "unit": unit,
                "direction": direction,
                "binding": False,
                # The case data start in the year before: that full year is the baseline,
                # its value computed from the cases (set below), not typed by hand.
                "baseline_year": year - 1,
                "baseline_value": base,
                "target_year": 2025,
                "target_value": target,
                "published": True,
                "sort_order": order,
                "note": "演示数据：由知识产权保护案件库实时计算",
            },
        )
        made += 1
    refresh_live_actuals(session, years=[year - 1, year])
    from ipcity.demo.baselines import baselines_from_engine

    baselines_from_engine(session)
    return made
