"""The counted indicators as ONE Ibis expression over the warehouse tables (engine-neutral).

Shape of the computation (chosen so 10M patents take one pass, not one query per year):

1. Per-patent facts once: application/grant years, and for invention patents in force the
   year-dependent criteria turned into years: in force from ``grant_year`` to
   ``lapse_year - 1``; high-value from ``hv_start`` (the first year-end at which a criterion
   holds) to the same end.
2. Attribution weights per patent as exact integers ``k / n`` (first and whole: n = 1;
   fractional: k parties in the region of n parties of the role), joined to the facts.
3. Aggregation to (year fields, breakdown keys, n) *before* unpivoting to indicators, so the
   expansion to indicators and years works on a small table. A flow row has one year; a
   stock row is an interval [start, end] of years, turned into events (+k at start, -k after
   end) that are accumulated over a small years table.

The result is a long table ``indicator, year, <by dims>, n, k``; an indicator's value is
``sum(k / n)``, finished exactly in ``assemble``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from ipcity.geo.gazetteer import prefix_of
from ipcity.geo.regions import CODE_OF_COUNTRY
from ipcity.indicators.config import DefinitionConfig
from ipcity.indicators.sei import Concordance
from ipcity.indicators.sei import branches as sei_branches

# Whitespace as both engines' regex dialects understand it, plus the ideographic space that
# Chinese exports carry.
WHITESPACE = "[\\s\u3000]+"
OPEN_END = 9999  # "still in force": no lapse date
NO_YEAR = 99999  # sentinel for "criterion never holds" inside least()

PATENT_DIMS = ("patent_type", "ipc_section", "office")
PARTY_DIMS = {"region_code": "region_code", "applicant_country": "country"}
INVENTOR_DIMS = {"inventor_country": "country"}
DIMENSIONS = (
    "patent_type",
    "region_code",
    "applicant_country",
    "inventor_country",
    "ipc_section",
    "office",
    "sei_branch",
)
COUNTINGS = ("first", "whole", "fractional")

FLOW_YEAR = {
    "patents_granted": ("grant_year", False, None),
    "invention_patents_granted": ("grant_year", False, "invention"),
    "utility_models_granted": ("grant_year", False, "utility_model"),
    "designs_granted": ("grant_year", False, "design"),
    "patent_applications": ("app_year", False, None),
    "pct_applications": ("app_year", True, None),
}
STOCK_START = {
    "invention_patents_in_force": "grant_year",
    "high_value_invention_patents": "hv_start",
}


@dataclass(frozen=True)
class Tables:
    patents: ir.Table
    parties: ir.Table
    pledges: ir.Table
    awards: ir.Table
    families: ir.Table | None = None  # optional: dated family members


@dataclass(frozen=True)
class Plan:
    counted: tuple[str, ...]
    years: tuple[int, ...]
    region: str
    by: tuple[str, ...]
    counting: str
    config: DefinitionConfig
    # The office counted by every indicator but the PCT ones (a code, or ALL: all but WO).
    office: str = "ALL"
    # Award names the award criterion counts; None: every award row.
    award_names: tuple[str, ...] | None = None
    sei: Concordance | None = None  # needed by the SEI criterion and the sei_branch dim


Predicate = Callable[[ir.Table], ir.BooleanValue]


def region_predicate(region: str) -> Predicate | None:
    """Is a party (columns ``region_code``, ``country``) in ``region``? The Ibis form of
    ``ipcity.geo.regions.contains`` / ``sql_condition``: a six-digit code by the prefix of its
    level (xx0000: 2 digits, xxxx00: 4, else all 6), a party without a code but with country
    HK/MO/TW counting as 810000/820000/710000; a country by the code when there is one (71 TW,
    81 HK, 82 MO, other codes CN), else by ``country``; ALL: no filter."""
    if region == "ALL":
        return None
    if len(region) == 6:
        p = prefix_of(region)
        via_country = [c for c, code in CODE_OF_COUNTRY.items() if code.startswith(p)]

        def in_code(t: ir.Table) -> ir.BooleanValue:
            by_code = t.region_code.substr(0, len(p)) == p
            if not via_country:
                return by_code
            return t.region_code.isnull().ifelse(t.country.isin(via_country), by_code)

        return in_code
    special = {c: code[:2] for c, code in CODE_OF_COUNTRY.items()}

    def in_country(t: ir.Table) -> ir.BooleanValue:
        two = t.region_code.substr(0, 2)
        if region in special:
            by_code = two == special[region]
        elif region == "CN":
            by_code = ~two.isin(sorted(special.values()))
        else:  # GB/T 2260 codes are never in another country
            by_code = ibis.literal(False)
        return t.region_code.isnull().ifelse(t.country == region, by_code)

    return in_country


def _one() -> ir.IntegerScalar:
    return ibis.literal(1, type="int64")


def party_weights(
    parties: ir.Table, counting: str, in_region: Predicate | None, keys: dict[str, str], tag: str
) -> ir.Table:
    """Per patent and breakdown key: ``k`` of ``n`` (``_{tag}pid`` = patent id).

    first: the first-named party (min sequence) counts 1 when it is in the region;
    whole: each distinct key among the parties in the region counts 1;
    fractional: (parties in the region with that key) / (all parties of the role)."""
    pid = f"_{tag}pid"
    if counting == "first":
        needed = set(keys.values())
        if in_region is not None:
            needed |= {"region_code", "country"}
        first = parties.group_by("patent_id").aggregate(
            **{c: parties[c].argmin(parties.sequence) for c in sorted(needed)}
        )
        if in_region is not None:
            first = first.filter(in_region(first))
        return first.select(
            **{pid: first.patent_id},
            **{out: first[col] for out, col in keys.items()},
            k=_one(),
            n=_one(),
        )
    chosen = parties.filter(in_region(parties)) if in_region is not None else parties
    if counting == "whole":
        distinct = chosen.select(
            **{pid: chosen.patent_id}, **{out: chosen[col] for out, col in keys.items()}
        ).distinct()
        return distinct.mutate(k=_one(), n=_one())
    totals = parties.group_by("patent_id").aggregate(n=parties.count().cast("int64"))
    inside = chosen.group_by(
        [chosen.patent_id.name("_kpid"), *(chosen[col].name(out) for out, col in keys.items())]
    ).aggregate(k=chosen.count().cast("int64"))
    joined = inside.join(totals, inside._kpid == totals.patent_id)
    return joined.select(
        **{pid: joined._kpid}, **{out: joined[out] for out in keys}, k=joined.k, n=joined.n
    )


def _no_space(value: ir.StringValue) -> ir.StringValue:
    """Every whitespace character removed (a regex: faster than translate in DuckDB)."""
    return value.re_replace(WHITESPACE, "")


def _section(ipc: ir.StringValue) -> ir.StringValue:
    """First letter of the main (= first) IPC symbol, A-H, else null."""
    letter = ipc.re_replace("^" + WHITESPACE, "").substr(0, 1).upper()
    return letter.isin(list("ABCDEFGH")).ifelse(letter, ibis.null("string"))


def in_office(office: ir.StringValue, selected: str) -> ir.BooleanValue:
    """The record is of the selected office: the code itself, or (ALL) any office but WO."""
    if selected == "ALL":
        return office != "WO"
    return office == selected


def counted_type(patent_type: ir.StringValue, config: DefinitionConfig) -> ir.BooleanValue:
    """The type counts in patents_granted / patent_applications (every type when the
    definition lists none)."""
    if not config.patent_types:
        return ibis.literal(True)
    return patent_type.isin(list(config.patent_types)).fill_null(False)


def term_end_year(p: ir.Table, config: DefinitionConfig) -> ir.IntegerValue:
    """The year in which the patent's term ends (the day it is no longer in force, like
    ``lapse_date``: the filing anniversary, Patent Examination Guidelines Part V ch. 9). A
    ``term_end_date`` column, when the warehouse has one and the row fills it, replaces the
    computed end. Null for types without a term (plant, other)."""
    app_year = p.application_date.year().cast("int64")
    long_from = date.fromisoformat(config.design_long_term_from)
    design_years = (p.application_date >= ibis.literal(long_from)).ifelse(
        ibis.literal(config.design_long_term_years, type="int64"),
        ibis.literal(config.design_term_years, type="int64"),
    )
    years = ibis.cases(
        (p.patent_type == "invention", ibis.literal(config.invention_term_years, type="int64")),
        (
            p.patent_type == "utility_model",
            ibis.literal(config.utility_model_term_years, type="int64"),
        ),
        (p.patent_type == "design", design_years),
        else_=ibis.null("int64"),
    )
    computed = app_year + years
    if "term_end_date" in p.columns:
        return p.term_end_date.year().cast("int64").coalesce(computed)
    return computed


def _facts(
    p: ir.Table, plan: Plan, stock_columns: bool, dims: Sequence[str], ipc: bool = False
) -> ir.Table:
    cols: dict[str, ir.Value] = {
        "patent_id": p.patent_id,
        "is_wo": p.office == "WO",
        "in_office": in_office(p.office, plan.office),
        "patent_type": p.patent_type,
        "app_year": p.application_date.year().cast("int64"),
        "grant_year": p.grant_date.year().cast("int64"),
    }
    if "ipc_section" in dims:
        cols["ipc_section"] = _section(p.ipc)
    if "office" in dims or stock_columns:
        cols["office"] = p.office
    if not stock_columns:
        cols["counted_type"] = counted_type(p.patent_type, plan.config)
    if ipc:
        cols["ipc"] = p.ipc
    if stock_columns:
        cols |= {
            "lapse_year": p.lapse_date.year().cast("int64"),
            "term_year": (
                term_end_year(p, plan.config) if plan.config.statutory_term else ibis.null("int64")
            ),
            "app_dec31": (p.application_date.month() == 12) & (p.application_date.day() == 31),
            "ipc": p.ipc,
            "family_countries": p.family_countries,
        }
    return p.select(**cols)


def _sei_branches(facts: ir.Table, t: Tables, plan: Plan) -> ir.Table:
    """(``_seipid``, ``sei_branch``) of the ``facts`` patents (columns ``patent_id``, ``ipc``)
    by the plan's concordance (ipcity.indicators.sei)."""
    assert plan.sei is not None
    titles = t.patents.select("patent_id", "title")
    return sei_branches(facts.select("patent_id", "ipc"), plan.sei, plan.config, titles)


def _sei_ids(stock: ir.Table, t: Tables, plan: Plan) -> ir.Table:
    """Patent ids in at least one SEI branch."""
    found = _sei_branches(stock, t, plan)
    return found.select("_seipid").distinct()


def _with_sei_branch(facts: ir.Table, t: Tables, plan: Plan) -> ir.Table:
    """One row per (patent, SEI branch) it is in, a null branch for a patent in none: a patent
    in two branches counts in each."""
    found = _sei_branches(facts, t, plan)
    x = facts.left_join(found, facts.patent_id == found._seipid)
    return x.drop("_seipid")


def _foreign_family(family: ir.StringValue) -> ir.BooleanValue:
    """The family lists an office other than CN and WO (';'-separated codes). Two passes of
    the literal replace remove every CN/WO token, adjacent ones included."""
    s = ";" + _no_space(family).upper() + ";"
    for _ in range(2):
        s = s.replace(";CN;", ";").replace(";WO;", ";")
    return s.re_search("[A-Z0-9]").fill_null(False)


def _pledge_years(pledges: ir.Table, threshold_cny: float) -> ir.Table:
    """First year whose cumulative registered pledge amount reaches the threshold. Amounts are
    summed as integer cents, so both engines agree exactly at the threshold."""
    cents = (pledges.amount_cny * 100).round().cast("int64")
    per_year = (
        pledges.mutate(year=pledges.registration_date.year().cast("int64"), cents=cents)
        .group_by(["patent_id", "year"])
        .aggregate(cents=lambda t: t.cents.sum().cast("int64"))
    )
    window = ibis.window(group_by="patent_id", order_by="year", preceding=None, following=0)
    running = per_year.mutate(total=per_year.cents.sum().over(window))
    reached = running.filter(running.total >= round(threshold_cny * 100))
    return reached.group_by(reached.patent_id.name("_plpid")).aggregate(
        pledge_from=reached.year.min()
    )


def _family_from(stock: ir.Table, families: ir.Table | None, cfg: DefinitionConfig) -> ir.Table:
    """``_fapid``, ``family_from``: the first year-end with a family member at an office that
    counts (not in ``family_other_than``, not the patent's own office when so defined). Dated
    members (``families`` rows with a grant_date) count from their grant year; a member not yet
    granted does not count. Patents without families rows fall back to ``family_countries``,
    undated (from year 0)."""
    excluded = sorted(set(cfg.family_other_than))
    tokens = stock.select(
        stock.patent_id,
        stock.office,
        tok=_no_space(stock.family_countries).upper().split(";").unnest(),
    )
    ok = (tokens.tok != "") & ~tokens.tok.isin(excluded)
    if cfg.family_other_than_own_office:
        ok = ok & (tokens.tok != tokens.office)
    undated = tokens.filter(ok)
    if cfg.family_dated and families is not None:
        undated = undated.anti_join(families, undated.patent_id == families.patent_id)
    rows = undated.select(_fapid=undated.patent_id, family_from=ibis.literal(0, type="int64"))
    if cfg.family_dated and families is not None:
        fam = families.select(
            _mpid=families.patent_id,
            member=_no_space(families.office).upper(),
            member_granted=families.grant_date,
        )
        own = stock.select(_spid=stock.patent_id, _soffice=stock.office)
        j = fam.join(own, fam._mpid == own._spid)
        good = j.member_granted.notnull() & ~j.member.isin(excluded)
        if cfg.family_other_than_own_office:
            good = good & (j.member != j._soffice)
        dated = j.filter(good).select(
            _fapid=j._spid, family_from=j.member_granted.year().cast("int64")
        )
        rows = rows.union(dated)
    return rows.group_by("_fapid").aggregate(family_from=rows.family_from.min())


def _award_years(awards: ir.Table, names: tuple[str, ...] | None) -> ir.Table:
    """First award year per patent, of the award names that count (None: every row)."""
    if names is not None:
        awards = awards.filter(awards.award.isin(list(names)))
    return awards.group_by(awards.patent_id.name("_awpid")).aggregate(
        award_from=awards.year.min().cast("int64")
    )


def _v1_family_rule(cfg: DefinitionConfig) -> bool:
    """Version 1's family rule (any office but CN and WO in ``family_countries``, undated),
    computed with its own string expression so version 1 figures stay bit for bit."""
    return (
        sorted(cfg.family_other_than) == ["CN", "WO"]
        and not cfg.family_other_than_own_office
        and not cfg.family_dated
    )


def _high_value_start(stock: ir.Table, t: Tables, plan: Plan) -> ir.Table:
    """Adds ``hv_start``: the first year-end at which the patent is in force and meets an
    enabled criterion (NO_YEAR or null: never)."""
    cfg = plan.config
    use_sei = cfg.sei and plan.sei is not None and not plan.sei.empty
    use_award = cfg.award and (plan.award_names is None or bool(plan.award_names))
    x = stock
    # Joins first: an expression must refer to the final relation.
    if use_sei:
        ids = _sei_ids(stock, t, plan)
        x = x.left_join(ids, x.patent_id == ids._seipid)
    if cfg.pledge:
        pl = _pledge_years(t.pledges, cfg.pledge_threshold_cny)
        x = x.left_join(pl, x.patent_id == pl._plpid)
    if use_award:
        aw = _award_years(t.awards, plan.award_names)
        x = x.left_join(aw, x.patent_id == aw._awpid)
    undated_family = cfg.family and _v1_family_rule(cfg)
    if cfg.family and not undated_family:
        fa = _family_from(stock, t.families, cfg)
        x = x.left_join(fa, x.patent_id == fa._fapid)
    never = ibis.literal(NO_YEAR, type="int64")
    zero = ibis.literal(0, type="int64")
    # criterion -> the first year-end at which it holds (NO_YEAR: never); the explain
    # decomposition reads them as columns ``from_<criterion>``.
    by_criterion: dict[str, ir.IntegerValue] = {}
    if use_sei:
        by_criterion["sei"] = x._seipid.notnull().ifelse(zero, never)
    if undated_family:
        by_criterion["family"] = _foreign_family(x.family_countries).ifelse(zero, never)
    elif cfg.family:
        by_criterion["family"] = x.family_from.fill_null(NO_YEAR)
    if cfg.maintained:
        # application_date + N years < 31 Dec of Y  <=>  Y >= app_year + N (+1 when the
        # application was filed on 31 Dec, since then app + N years IS 31 Dec of that year).
        # A 29 Feb filing lands on 28 Feb/1 Mar of the same year: no special case.
        by_criterion["maintained"] = (
            x.app_year + cfg.maintained_years + x.app_dec31.ifelse(_one(), zero)
        )
    if cfg.pledge:
        by_criterion["pledge"] = x.pledge_from.fill_null(NO_YEAR)
    if use_award:
        by_criterion["award"] = x.award_from.fill_null(NO_YEAR)
    froms = list(by_criterion.values())
    columns = {f"from_{c}": v for c, v in by_criterion.items()}
    if not froms:  # only the SEI criterion is on and the concordance is empty
        return x.mutate(hv_start=ibis.null("int64"))
    earliest = froms[0] if len(froms) == 1 else ibis.least(*froms)
    # No criterion ever: NO_YEAR, which is after every end year, so it never counts.
    return x.mutate(hv_start=ibis.greatest(x.grant_year, earliest), **columns)


def _attach(
    facts: ir.Table,
    role_parties: ir.Table | None,
    inventors: ir.Table | None,
    plan: Plan,
) -> ir.Table:
    """facts x attribution weights: adds the party breakdown keys, ``k`` and ``n``."""
    in_region = region_predicate(plan.region)
    party_keys = {d: PARTY_DIMS[d] for d in plan.by if d in PARTY_DIMS}
    x = facts.mutate(k=_one(), n=_one())
    if role_parties is not None and (in_region is not None or party_keys):
        w = party_weights(role_parties, plan.counting, in_region, party_keys, "w")
        how = "inner" if in_region is not None else "left"  # ALL keeps patents without parties
        x = facts.join(w, facts.patent_id == w._wpid, how=how)
        x = x.mutate(k=x.k.fill_null(1), n=x.n.fill_null(1))
    if inventors is not None and "inventor_country" in plan.by:
        iw = party_weights(inventors, plan.counting, None, INVENTOR_DIMS, "i")
        iw = iw.rename(ki="k", ni="n")
        x = x.left_join(iw, x.patent_id == iw._ipid)
        x = x.mutate(k=x.k * x.ki.fill_null(1), n=x.n * x.ni.fill_null(1))
    return x


def _stock_parties(parties: ir.Table, stock: ir.Table) -> ir.Table:
    """Owners; applicants where a patent has no owner rows (of the ``stock`` patents only,
    selected first so the anti-join works on few rows)."""
    cols = {
        "patent_id": "string",
        "sequence": "int64",
        "region_code": "string",
        "country": "string",
    }
    mine = parties.filter(parties.role.isin(["owner", "applicant"])).semi_join(stock, "patent_id")
    owners = mine.filter(mine.role == "owner")
    applicants = mine.filter(mine.role == "applicant")
    orphans = applicants.anti_join(owners, "patent_id")
    # Same nullable types on both sides: a union needs identical schemas.
    return owners.select(*cols).cast(cols).union(orphans.select(*cols).cast(cols))


def _flow_rows(t: Tables, plan: Plan, parties: ir.Table, inventors: ir.Table) -> ir.Table:
    """indicator, year, <dims>, n, k of the flows: one year per patent, no expansion."""
    dims = list(plan.by)
    flows = [i for i in plan.counted if i in FLOW_YEAR]
    with_branch = "sei_branch" in dims
    facts = _facts(t.patents, plan, stock_columns=False, dims=dims, ipc=with_branch)
    if with_branch:
        facts = _with_sei_branch(facts, t, plan)
    applicants = parties.filter(parties.role == "applicant")
    x = _attach(facts, applicants, inventors, plan)
    keep = ["is_wo", "in_office", "counted_type", "app_year", "grant_year", "patent_type"] + [
        d for d in dims if d != "patent_type"
    ]
    # Aggregate first (10M patents -> about a million groups), then unpivot to indicators.
    g = x.group_by([*keep, "n"]).aggregate(k=x.k.sum().cast("int64"))
    xs = g.cross_join(ibis.memtable({"indicator": flows}))
    cases = []
    for ind in flows:
        year_col, wo, ptype = FLOW_YEAR[ind]
        cond = (xs.indicator == ind) & (xs.is_wo if wo else xs.in_office)
        if ptype is not None:
            cond = cond & (xs.patent_type == ptype)
        elif not wo:  # patents_granted, patent_applications: the definition's types
            cond = cond & xs.counted_type
        cases.append((cond, xs[year_col]))
    year = ibis.cases(*cases, else_=ibis.null("int64"))
    xs = xs.mutate(year=year).filter(year.isin(list(plan.years)))
    return xs.select("indicator", "year", *dims, "n", "k")


def stock_facts(t: Tables, plan: Plan) -> ir.Table:
    """One row per invention patent of the office that was granted: ``grant_year``, ``end``
    (the last year-end in force; OPEN_END: still in force), ``lapse_year``, ``term_year``,
    ``hv_start`` (null unless high_value_invention_patents is counted) and, for the high-value
    stock, ``from_<criterion>`` of each enabled criterion."""
    facts = _facts(t.patents, plan, stock_columns=True, dims=list(plan.by))
    stock = facts.filter(
        facts.in_office & (facts.patent_type == "invention") & facts.grant_year.notnull()
    )
    end = (stock.lapse_year - 1).fill_null(OPEN_END)
    if plan.config.statutory_term:  # the term ends it too, lapse_date or not
        end = ibis.least(end, (stock.term_year - 1).fill_null(OPEN_END))
    stock = stock.mutate(end=end)
    if "high_value_invention_patents" in plan.counted:
        return _high_value_start(stock, t, plan)
    return stock.mutate(hv_start=ibis.null("int64"))


def stock_owners(parties: ir.Table, stock: ir.Table) -> ir.Table:
    """The parties a stock is attributed to (owners, else applicants)."""
    return _stock_parties(parties, stock)


def attach_weights(facts: ir.Table, parties: ir.Table, plan: Plan) -> ir.Table:
    """``facts`` (column ``patent_id``) x the plan's attribution weights ``k``/``n`` and its
    party breakdown keys (region_code)."""
    return _attach(facts, parties, None, plan)


def _stock_rows(t: Tables, plan: Plan, parties: ir.Table, inventors: ir.Table) -> ir.Table:
    """indicator, year, <dims>, n, k of the year-end stocks. Each patent is an interval of
    years [start, end]; instead of expanding every interval, +k at its start and -k after its
    end are summed, and the year-end stock of year Y is the sum of the events up to Y."""
    dims = list(plan.by)
    stocks = [i for i in plan.counted if i in STOCK_START]
    stock = stock_facts(t, plan)
    keep = ["patent_id", "patent_type", "grant_year", "end", "hv_start"]
    if "sei_branch" in dims:
        stock = _with_sei_branch(stock, t, plan)
    stock = stock.select(*keep, *(d for d in ("ipc_section", "office", "sei_branch") if d in dims))
    owners = _stock_parties(parties, stock)
    x = _attach(stock, owners, inventors, plan)
    g = x.group_by(["grant_year", "end", "hv_start", *dims, "n"]).aggregate(
        k=x.k.sum().cast("int64")
    )
    xs = g.cross_join(ibis.memtable({"indicator": stocks}))
    start = ibis.cases(
        *((xs.indicator == ind, xs[col]) for ind, col in STOCK_START.items() if ind in stocks),
        else_=ibis.null("int64"),
    )
    xs = xs.mutate(start=start).filter(start.notnull() & (start <= xs.end))
    last = max(plan.years)
    plus = xs.select("indicator", *dims, "n", ev=xs.start, k=xs.k)
    minus = xs.filter(xs.end < last).select("indicator", *dims, "n", ev=xs.end + 1, k=-xs.k)
    events = plus.union(minus)
    events = events.filter(events.ev <= last)
    events = events.group_by(["indicator", "ev", *dims, "n"]).aggregate(
        k=events.k.sum().cast("int64")
    )
    years = ibis.memtable({"year": list(plan.years)}).mutate(year=lambda y: y.year.cast("int64"))
    j = events.join(years, events.ev <= years.year)
    return j.group_by(["indicator", "year", *dims, "n"]).aggregate(k=j.k.sum().cast("int64"))


def counts(t: Tables, plan: Plan) -> ir.Table:
    """Long table ``indicator, year, <by dims>, n, k``; value = sum over n of k / n. Rows
    with k = 0 are dropped (a key is reported when it counts in some year)."""
    dims = list(plan.by)
    parties = t.parties.select("patent_id", "role", "sequence", "region_code", "country")
    inventors = parties.filter(parties.role == "inventor")
    branches: list[ir.Table] = []
    if any(i in FLOW_YEAR for i in plan.counted):
        branches.append(_flow_rows(t, plan, parties, inventors))
    if any(i in STOCK_START for i in plan.counted):
        branches.append(_stock_rows(t, plan, parties, inventors))
    rows = branches[0] if len(branches) == 1 else branches[0].union(branches[1])
    out = rows.group_by(["indicator", "year", *dims, "n"]).aggregate(k=rows.k.sum().cast("int64"))
    return out.filter(out.k != 0)
