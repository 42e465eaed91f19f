"""ReportData -> ReportDocument in one language: the report's sections, sentences and tables.

Every number printed here is a field of ReportData (engine or workspace) passed through
:mod:`ipcity.numbers`; this module only chooses words around them.
"""

from __future__ import annotations

from ipcity.evaluation.midterm import MidtermIndicatorRow, status_label
from ipcity.evaluation.plan import MidtermEvaluation
from ipcity.evaluation.tasks import CompletionRow
from ipcity.i18n import has_key, render
from ipcity.numbers import (
    Lang,
    fmt_count,
    fmt_date,
    fmt_fixed,
    fmt_percent,
    fmt_plain,
    fmt_signed,
    fmt_signed_percent,
)
from ipcity.reports.document import (
    Align,
    Block,
    Chart,
    ChartSpec,
    Paragraph,
    ReportDocument,
    Section,
    Series,
    Table,
    number_blocks,
)
from ipcity.reports.headline import change_of, headline_sentences
from ipcity.reports.model import (
    DataNotes,
    DistrictComparison,
    HeadlineFigure,
    ReportData,
    TaskSummary,
    ValueKind,
)
from ipcity.reports.notes_text import (
    note,
    population_sources,
    vintage_day,
)

DASH = "—"


def cell(value: float | None, kind: ValueKind, places: int = 0) -> str:
    """A value in a table cell."""
    if value is None:
        return DASH
    if kind == "percent":
        return fmt_fixed(value, 2) + "%"
    return fmt_fixed(value, places if kind == "rate" else 0)


def change_cell(f: HeadlineFigure) -> str:
    c = change_of(f)
    if c is None:
        return DASH
    if f.change_kind == "percent":
        return fmt_signed_percent(c)
    return fmt_signed(c, f.places)


def title_of(data: ReportData, lang: Lang) -> str:
    return render("report.title", {"year": data.year, "city": data.city_name(lang)}, lang)


def _counted(key: str, n: int, lang: Lang) -> str:
    """``{n}`` things: ``key.one`` or ``key.other`` (English has a singular)."""
    return render(f"{key}.{'one' if n == 1 else 'other'}", {"n": n}, lang)


def _parenthesized(text: str, note: str, lang: Lang) -> str:
    return render("report.parenthesized", {"text": text, "note": note}, lang)


# ---------------------------------------------------------------- 1. headline figures


def headline_section(data: ReportData, lang: Lang) -> Section:
    area = "全市"
    sentences = headline_sentences(data.headline, data.year, lang, area_zh=area)
    blocks: list[Block] = [
        Paragraph(s, "lead" if i == 0 else "body") for i, s in enumerate(sentences)
    ]
    if data.explained is not None:
        from ipcity.reports.decomposition import explained_paragraph, waterfall_chart

        # the sentence and, beside it, its waterfall (same parts, a numbered figure)
        at = min(1, len(blocks))
        blocks[at:at] = [
            Paragraph(explained_paragraph(data.explained, lang)),
            Chart(waterfall_chart(data.explained, lang)),
        ]
    if not sentences:
        blocks.append(Paragraph(render("report.no_indicator_values", {"year": data.year}, lang)))
    rows = []
    for f in data.headline:
        unit = f.unit_zh if lang == "zh" else f.unit_en
        rows.append(
            (
                f.name(lang),
                unit,
                cell(f.value, f.kind, f.places),
                cell(f.previous, f.kind, f.places),
                change_cell(f),
            )
        )
    if rows:
        blocks.append(
            Table(
                header=(
                    render("report.indicator", None, lang),
                    render("report.unit", None, lang),
                    render("report.year_column", {"year": data.year}, lang),
                    render("report.year_column", {"year": data.year - 1}, lang),
                    render("report.change", None, lang),
                ),
                rows=tuple(rows),
                caption=render("report.headline_caption", {"year": data.year}, lang),
                align=("left", "center", "right", "right", "right"),
                note=render("report.note_changes_of_counts_are_year_on_year", None, lang),
            )
        )
    return Section(render("report.headline_figures", None, lang), blocks, key="headline")


# ---------------------------------------------------------------- 2. plan indicators


def _places(row: MidtermIndicatorRow) -> int:
    return row.places  # ipcity.evaluation.figures.value_places: the same on every page


def _status_summary(ev: MidtermEvaluation, lang: Lang) -> str:
    counts = ev.status_counts()
    n = len(ev.indicators)
    parts = [
        render("report.status_count", {"n": counts[s], "status": status_label(s, lang)}, lang)
        for s in counts
        if counts[s]
    ]
    return render(
        "report.status_summary",
        {
            "plan": ev.plan_title,
            "indicators": _counted("report.n_indicators", n, lang),
            "parts": "，".join(parts) if lang == "zh" else _join_list(parts),
        },
        lang,
    )


def _join_list(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def targets_section(ev: MidtermEvaluation, data: ReportData, lang: Lang) -> Section:
    rows = []
    for r in ev.indicators:
        p = _places(r)
        rows.append(
            (
                r.name,
                r.unit,
                render("report.binding", None, lang)
                if r.binding
                else render("report.expected_kind", None, lang),
                _with_year(fmt_plain(r.baseline_value, places=p), r.baseline_year, lang),
                _with_year(
                    fmt_plain(r.actual_value, places=p) if r.actual_value is not None else DASH,
                    r.actual_year,
                    lang,
                ),
                _with_year(fmt_plain(r.target_value, places=p), r.target_year, lang),
                fmt_percent(r.target_share, 1) if r.target_share is not None else DASH,
                status_label(r.status, lang),
            )
        )
    blocks: list[Block] = [Paragraph(_status_summary(ev, lang))]
    if rows:
        blocks.append(
            Table(
                header=(
                    render("report.indicator", None, lang),
                    render("report.unit", None, lang),
                    render("report.type", None, lang),
                    render("report.baseline", None, lang),
                    render("report.actual", None, lang),
                    render("report.target", None, lang),
                    render("report.way_to_target", None, lang),
                    render("report.assessment", None, lang),
                ),
                rows=tuple(rows),
                caption=render("report.plan_indicators_against_targets", None, lang),
                align=("left", "center", "center", "right", "right", "right", "right", "center"),
                note=render("report.note_way_to_target_actual_baseline_targe", None, lang),
            )
        )
    return Section(
        render("report.plan_indicators_against_targets", None, lang), blocks, key="targets"
    )


def _with_year(text: str, year: int | None, lang: Lang) -> str:
    if year is None or text == DASH:
        return text
    return _parenthesized(text, str(year), lang)


# ---------------------------------------------------------------- 3. districts


def _district_value_text(c: DistrictComparison, v: float, lang: Lang) -> str:
    if c.kind == "count":
        return fmt_count(v, lang, c.unit_zh)
    text = cell(v, c.kind, c.places)
    return text + (c.unit_zh if lang == "zh" and c.kind == "rate" else "")


def district_subsection(c: DistrictComparison, lang: Lang) -> Section:
    ranked = sorted(
        (r for r in c.rows if r.value is not None),
        key=lambda r: (-(r.value or 0.0), r.code),
    )
    missing = [r for r in c.rows if r.value is None]
    blocks: list[Block] = []
    if ranked:
        top = ranked[:3]
        tops = [
            _parenthesized(r.name(lang), _district_value_text(c, r.value or 0, lang), lang)
            for r in top
        ]
        # Stays in code: the Chinese sentence counts the districts, the English one does not,
        # and the catalog check wants the same placeholders in both languages.
        if lang == "zh":
            text = f"{c.year}年，{c.name_zh}居前{len(top)}位的区是{'、'.join(tops)}。"
        else:
            indicator = c.name_en[:1].lower() + c.name_en[1:]
            text = (
                f"In {c.year}, the districts with the highest {indicator} were {_join_list(tops)}."
            )
        blocks.append(Paragraph(text))
        has_previous = any(r.previous is not None for r in ranked)
        series = [Series(f"{c.year}", tuple(r.value for r in ranked), "#c0392b")]
        if has_previous:
            series.insert(0, Series(f"{c.year - 1}", tuple(r.previous for r in ranked), "#95a5a6"))
        unit = c.unit_zh if lang == "zh" else c.unit_en
        blocks.append(
            Chart(
                ChartSpec(
                    key=f"district-{c.indicator}",
                    kind="grouped_barh" if has_previous else "barh",
                    title=f"{c.name(lang)}" + render("report.by_district", None, lang),
                    categories=tuple(r.name(lang) for r in ranked),
                    series=tuple(series),
                    value_label=unit,
                    places=c.places if c.kind == "rate" else 0,
                )
            )
        )
    rows = []
    for r in ranked + missing:
        f = HeadlineFigure(
            indicator=c.indicator,
            name_zh=c.name_zh,
            name_en=c.name_en,
            kind=c.kind,
            value=r.value,
            previous=r.previous,
            change_kind="absolute" if c.kind == "rate" else "percent",
            places=c.places,
        )
        rows.append(
            (
                r.name(lang),
                cell(r.value, c.kind, c.places),
                cell(r.previous, c.kind, c.places),
                change_cell(f),
            )
        )
    blocks.append(
        Table(
            header=(
                render("report.district", None, lang),
                render("report.year_column", {"year": c.year}, lang),
                render("report.year_column", {"year": c.year - 1}, lang),
                render("report.change", None, lang),
            ),
            rows=tuple(rows),
            caption=f"{c.name(lang)}" + render("report.by_district", None, lang),
            align=("left", "right", "right", "right"),
        )
    )
    return Section(c.name(lang), blocks, key=f"district-{c.indicator}")


def districts_section(data: ReportData, lang: Lang) -> Section:
    return Section(
        render("report.district_comparison", None, lang),
        subsections=[district_subsection(c, lang) for c in data.districts],
        key="districts",
    )


# ---------------------------------------------------------------- 4. tasks


def _unit_table(rows: tuple[CompletionRow, ...] | list[CompletionRow], lang: Lang) -> Table:
    return Table(
        header=(
            render("report.lead_unit", None, lang),
            render("report.task_count", None, lang),
            render("report.done", None, lang),
            render("report.on_time", None, lang),
            render("report.overdue", None, lang),
            render("report.in_progress", None, lang),
            render("report.completion", None, lang),
        ),
        rows=tuple(
            (
                r.label,
                str(r.total),
                str(r.done),
                str(r.done_on_time),
                str(r.overdue),
                str(r.open),
                fmt_percent(r.completion_rate, 1) if r.completion_rate is not None else DASH,
            )
            for r in rows
        ),
        caption=render("report.key_tasks_by_lead_unit", None, lang),
        align=("left", "right", "right", "right", "right", "right", "right"),
    )


def tasks_section(ts: TaskSummary, year: int, lang: Lang) -> Section:
    title = render("report.key_tasks", None, lang)
    if not ts.work_plans and ts.overall.total == 0:
        text = render("report.no_work_plan", {"year": year}, lang)
        return Section(title, [Paragraph(text)], key="tasks")
    o = ts.overall
    day = fmt_date(ts.as_of, lang)
    lead = render(
        "report.tasks_lead",
        {
            "day": day,
            "plan": ts.title,
            "tasks": _counted("report.n_key_tasks", o.total, lang),
            "done": o.done,
            "on_time": o.done_on_time,
            "overdue": o.overdue,
            "open": o.open,
        },
        lang,
    )
    blocks: list[Block] = [Paragraph(lead)]
    if ts.by_unit:
        blocks.append(
            Chart(
                ChartSpec(
                    key="tasks-by-unit",
                    kind="stacked_barh",
                    title=render("report.key_tasks_by_lead_unit", None, lang),
                    categories=tuple(r.label for r in ts.by_unit),
                    series=(
                        Series(
                            render("report.done_on_time", None, lang),
                            tuple(float(r.done_on_time) for r in ts.by_unit),
                            "#27ae60",
                        ),
                        Series(
                            render("report.done_late", None, lang),
                            tuple(float(r.done_late) for r in ts.by_unit),
                            "#f1c40f",
                        ),
                        Series(
                            render("report.overdue", None, lang),
                            tuple(float(r.overdue) for r in ts.by_unit),
                            "#c0392b",
                        ),
                        Series(
                            render("report.in_progress", None, lang),
                            tuple(float(r.open) for r in ts.by_unit),
                            "#95a5a6",
                        ),
                    ),
                    value_label=render("report.tasks_unit", None, lang),
                    integer=True,
                )
            )
        )
        blocks.append(_unit_table(ts.by_unit, lang))
    if ts.overdue:
        blocks.append(
            Table(
                header=(
                    render("report.task", None, lang),
                    render("report.lead_unit", None, lang),
                    render("report.deadline", None, lang),
                    render("report.days_overdue", None, lang),
                ),
                rows=tuple(
                    (
                        f"{t.code} {t.title}".strip(),
                        t.lead_unit,
                        fmt_date(t.deadline, lang),
                        str(t.days_overdue),
                    )
                    for t in ts.overdue
                ),
                caption=render("report.overdue_tasks", None, lang),
                align=("left", "left", "center", "right"),
            )
        )
    else:
        blocks.append(Paragraph(render("report.no_task_is_overdue", None, lang)))
    return Section(title, blocks, key="tasks")


# ---------------------------------------------------------------- 5. mid-term evaluation


def _ratio_text(ratio: float | None) -> str:
    return fmt_percent(ratio, 2) if ratio is not None else DASH


def midterm_section(ev: MidtermEvaluation, lang: Lang) -> Section:
    day = fmt_date(ev.as_of, lang)
    th = ev.thresholds
    ahead = fmt_percent(float(th.ahead), 0)
    on_track = fmt_percent(float(th.on_track), 0)
    share = fmt_percent(ev.time_share, 1) if ev.time_share is not None else DASH
    o = ev.tasks_overall
    rate = fmt_percent(o.completion_rate, 1) if o.completion_rate is not None else DASH
    expected = fmt_percent(o.expected_share, 1) if o.expected_share is not None else DASH
    lead = render(
        "report.midterm_lead",
        {
            "day": day,
            "plan": ev.plan_title,
            "start": ev.start_year,
            "end": ev.end_year,
            "share": share,
        },
        lang,
    ) + _status_summary(ev, lang)
    task_text = (
        render(
            "report.midterm_tasks",
            {
                "tasks": _counted("report.n_key_tasks", o.total, lang),
                "done": o.done,
                "rate": rate,
                "expected": expected,
                "status": status_label(o.status, lang),
            },
            lang,
        )
        if o.total
        else render("report.midterm_no_tasks", None, lang)
    )
    rule = render("report.midterm_rule", {"ahead": ahead, "on_track": on_track}, lang)
    ind_rows = []
    for r in ev.indicators:
        p = _places(r)
        ind_rows.append(
            (
                r.name,
                _with_year(fmt_plain(r.baseline_value, places=p), r.baseline_year, lang),
                _with_year(fmt_plain(r.target_value, places=p), r.target_year, lang),
                _with_year(
                    fmt_plain(r.expected_value, places=p) if r.expected_value is not None else DASH,
                    r.actual_year,
                    lang,
                ),
                _with_year(
                    fmt_plain(r.actual_value, places=p) if r.actual_value is not None else DASH,
                    r.actual_year,
                    lang,
                ),
                _ratio_text(r.progress_ratio),
                status_label(r.status, lang),
            )
        )
    blocks: list[Block] = [Paragraph(lead), Paragraph(task_text)]
    if ind_rows:
        blocks.append(
            Table(
                header=(
                    render("report.indicator", None, lang),
                    render("report.baseline", None, lang),
                    render("report.target", None, lang),
                    render("report.expected_value", None, lang),
                    render("report.actual", None, lang),
                    render("report.progress_ratio", None, lang),
                    render("report.class", None, lang),
                ),
                rows=tuple(ind_rows),
                caption=render("report.mid_term_evaluation_of_plan_indicators", None, lang),
                align=("left", "right", "right", "right", "right", "right", "center"),
            )
        )
    if ev.tasks_by_area:
        blocks.append(
            Table(
                header=(
                    render("report.area", None, lang),
                    render("report.task_count", None, lang),
                    render("report.done", None, lang),
                    render("report.completion", None, lang),
                    render("report.expected_progress", None, lang),
                    render("report.class", None, lang),
                ),
                rows=tuple(
                    (
                        r.label or render("report.not_assigned", None, lang),
                        str(r.total),
                        str(r.done),
                        fmt_percent(r.completion_rate, 1)
                        if r.completion_rate is not None
                        else DASH,
                        fmt_percent(r.expected_share, 1) if r.expected_share is not None else DASH,
                        status_label(r.status, lang),
                    )
                    for r in ev.tasks_by_area
                ),
                caption=render("report.key_tasks_by_plan_area", None, lang),
                align=("left", "right", "right", "right", "right", "center"),
            )
        )
    blocks.append(Paragraph(rule, "note"))
    return Section(render("report.mid_term_evaluation", None, lang), blocks, key="midterm")


# ---------------------------------------------------------------- assessment (optional)


def assessment_section(data: ReportData, lang: Lang) -> Section | None:
    res = data.assessment
    if res is None or not res.scores:
        return None
    subsections = []
    for group in dict.fromkeys(s.group for s in res.scores):
        members = [s for s in res.scores if s.group == group]
        items = [
            i
            for i in res.scheme.items
            if any(b.item_id == i.id for m in members for b in m.breakdown)
        ]
        header = (
            render("report.rank", None, lang),
            render("report.unit", None, lang),
            render("report.score", None, lang),
            *((i.label if lang == "zh" else i.label_en) for i in items),
        )
        rows = []
        for s in members:
            by_item = {b.item_id: b for b in s.breakdown}
            rows.append(
                (
                    str(s.rank),
                    s.unit.name,
                    f"{s.score}",
                    *(
                        DASH
                        if i.id not in by_item or by_item[i.id].points is None
                        else f"{by_item[i.id].points}"
                        for i in items
                    ),
                )
            )
        group_key = f"report.assessment_group.{group}"
        right: tuple[Align, ...] = tuple("right" for _ in items)
        align: tuple[Align, ...] = ("center", "left", "right", *right)
        subsections.append(
            Section(
                render(group_key, None, lang) if has_key(group_key) else group,
                [Table(header=header, rows=tuple(rows), align=align, wrap=1)],
                key=f"assessment-{group}",
            )
        )
    lead = Paragraph(
        render(
            "report.assessment_lead",
            {
                "scheme": res.scheme.name if lang == "zh" else res.scheme.name_en,
                "date": fmt_date(res.as_of, lang),
            },
            lang,
        )
    )
    return Section(
        render("report.assessment_of_member_units_and_districts", None, lang),
        [lead],
        subsections,
        key="assessment",
    )


# ---------------------------------------------------------------- data notes


def _version_zh(version: str) -> str:
    # A numbered definition is "第2版"; another tag stays in the data export, not in Chinese.
    return f"第{version}版" if version.isdigit() else "现行版本"


def _counting(counting: str, lang: Lang) -> str:
    """How patents are counted (report.counting.<rule>); a rule without words prints as its
    name in English and as the default rule's words in Chinese (no English in that report)."""
    key = f"report.counting.{counting}"
    if has_key(key):
        return render(key, None, lang)
    return render("report.counting.first", None, lang) if lang == "zh" else counting


def notes_section(n: DataNotes, data: ReportData, lang: Lang) -> Section:
    """Source, vintage, population and definitions in plain words. The Chinese report has no
    command, engine name or timestamp: the English report keeps the command that reprints the
    figures (for the analyst who checks them)."""
    v = n.vintage
    day = vintage_day(v.get("latest_run_at"))
    if day is not None and day > data.report_date:
        day = None  # a report dated before the latest load does not print a later day
    runs = v.get("runs")
    pop = population_sources(n.population_sources, lang)
    loaded = render("report.notes.loaded", {"date": fmt_date(day, lang)}, lang) if day else ""
    batches = (
        render("report.notes.batches", {"runs": runs}, lang)
        if isinstance(runs, int) and runs
        else ""
    )
    lag = (
        render("report.notes.population_previous_year", None, lang)
        if n.population_lag == 1
        else render("report.notes.population_same_year", None, lang)
    )
    definitions = {
        "version": _version_zh(n.definition_version),
        "version_en": n.definition_version or DASH,
        "counting": _counting(n.counting, lang),
    }
    paras = [
        render("report.notes.source", {"loaded": loaded, "batches": batches}, lang),
        render("report.notes.definitions", definitions, lang),
        render("report.notes.population", {"lag": lag, "source": pop or DASH}, lang),
        render(
            "report.notes.workspace",
            {
                "as_of": fmt_date(data.as_of, lang),
                "prepared": fmt_date(data.report_date, lang),
            },
            lang,
        ),
    ]
    if lang == "en":  # the Chinese report prints no command, engine or region (see above)
        technical = {"command": n.command, "engine": n.engine, "region": n.region}
        paras.append(render("report.notes.technical_check", technical, lang))
    blocks: list[Block] = [Paragraph(p, "note") for p in paras]
    extra = [note(x, lang) for x in n.extra]
    blocks += [Paragraph(x, "note") for x in dict.fromkeys(extra) if x]
    warnings = [note(w, lang) for w in n.warnings]
    blocks += [
        Paragraph(render("report.warning", None, lang) + w, "note")
        for w in dict.fromkeys(warnings)
        if w
    ]
    return Section(render("report.notes_on_the_data", None, lang), blocks, key="notes")


# ---------------------------------------------------------------- the whole document


def compose(data: ReportData, lang: Lang) -> ReportDocument:
    if lang not in ("zh", "en"):
        raise ValueError(lang)
    sections = [headline_section(data, lang)]
    if data.evaluation is not None and data.evaluation.indicators:
        sections.append(targets_section(data.evaluation, data, lang))
    if data.districts:
        sections.append(districts_section(data, lang))
    if data.tasks is not None:
        sections.append(tasks_section(data.tasks, data.year, lang))
    if data.evaluation is not None:
        mid = midterm_section(data.evaluation, lang)
        if data.projections:
            from ipcity.reports.decomposition import projection_section

            mid.subsections.append(projection_section(data.projections, lang))
        sections.append(mid)
    a = assessment_section(data, lang)
    if a is not None:
        sections.append(a)
    for source in data.extra_sections:
        s = source.section(lang)
        if s is not None:
            sections.append(s)
    sections.append(notes_section(data.notes, data, lang))
    issuer = data.issuer_zh if lang == "zh" else data.issuer_en
    doc = ReportDocument(
        lang=lang,
        title=title_of(data, lang),
        date_line=render("report.date_line", {"date": fmt_date(data.report_date, lang)}, lang),
        issuer=issuer,
        sections=sections,
    )
    return number_blocks(doc)
