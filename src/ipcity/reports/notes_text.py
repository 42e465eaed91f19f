"""Plain-language wording of the data notes: the Chinese report carries no English, no
command and no timestamp, so the free-text notes of other areas (population sources, engine
warnings, evaluation notes) are put into Chinese here, by known phrase or by pattern. A note
this module does not know is summarised, never printed in English in the Chinese report: the
HTML and data exports keep the technical text.

The Chinese words are keys of the reports catalogue (``report.notes.population_source.*``,
``report.notes.warning.*``, ``report.notes.tasks_left_out``); the tables below only say which
engine phrase is which key. The English report prints the engine's note as it was written (the
``en`` text of those keys is the phrase the engine writes)."""

from __future__ import annotations

import re
from datetime import date, datetime

from ipcity.i18n import render
from ipcity.numbers import Lang, fmt_date

# Population sources as the sample city and the reference tables word them -> their key.
POPULATION_SOURCES = {
    "synthetic: approximation of the published year-end figure (unchecked)": (
        "sample_approximation"
    ),
    "real: 7th national census, 1 Nov 2020 (not year end)": "census_2020",
    "real: 7th national census, 1 Nov 2020 (district)": "census_2020_district",
    "real: Shanghai 2021 statistical bulletin (year end)": "shanghai_bulletin_2021",
    "real: Shanghai statistics bureau sample survey (year end)": "shanghai_sample_survey",
    "synthetic: city total x district share in the 2020 census": "sample_district_share",
}

_LATIN = re.compile(r"[A-Za-z]")
_LEFT_OUT = re.compile(r"^(\d+) task\(s\) starting after (\d{4})-(\d{2})-(\d{2}) left out$")
_NO_DISTRICT = re.compile(r"\((.+中[\d,]+件未能归属到区)\)$")
# A phrase of an engine warning -> its key (the first phrase found in a note wins).
WARNINGS = {
    "the warehouse has no sei_concordance": "no_sei_concordance",
    "the warehouse holds no patents": "no_patents",
    "nothing counted in any year": "nothing_counted",
    "PCT growth is empty": "pct_growth_empty",
    "no workspace database": "no_workspace",
}


def has_latin(text: str) -> bool:
    return bool(_LATIN.search(text))


def population_source(text: str, lang: Lang) -> str:
    if lang == "en":
        return text
    if text in POPULATION_SOURCES:
        return render(f"report.notes.population_source.{POPULATION_SOURCES[text]}", None, lang)
    if not has_latin(text):
        return text
    return render("report.notes.population_source.unknown", None, lang)


def population_sources(sources: tuple[str, ...], lang: Lang) -> str:
    parts = list(dict.fromkeys(population_source(s, lang) for s in sources))
    return ("；" if lang == "zh" else "; ").join(parts)


def note(text: str, lang: Lang) -> str | None:
    """A free-text note in ``lang`` (None: nothing worth printing in that language)."""
    if lang == "en" or not has_latin(text):
        return text
    m = _LEFT_OUT.match(text)
    if m:
        n, y, mo, d = (int(g) for g in m.groups())
        day = fmt_date(date(y, mo, d), lang)
        return render("report.notes.tasks_left_out", {"n": n, "date": day}, lang)
    m = _NO_DISTRICT.search(text)
    if m:
        return render("report.sentence", {"text": m.group(1)}, lang)
    for phrase, key in WARNINGS.items():
        if phrase in text:
            return render(f"report.notes.warning.{key}", None, lang)
    return None


def vintage_day(at: object) -> date | None:
    """The day of the latest ingest run (the vintage keeps an ISO timestamp)."""
    if not isinstance(at, str) or not at:
        return None
    try:
        return datetime.fromisoformat(at).date()
    except ValueError:
        return None
