"""Jinja2 templates with the i18n extension, locale-aware filters and the page context every
template gets (actor, menu, CSRF token, flash messages, language switch)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request

from ipcity.evaluation.figures import value_text
from ipcity.meetings.portal import unit_of_measure
from ipcity.numbers import fmt_percent as report_percent
from ipcity.web.i18n import (
    LANG_LABELS,
    LOCALES,
    current_locale,
    gettext,
    msg,
    ngettext,
)
from ipcity.web.nav import visible_items
from ipcity.web.plain_notes import (
    actual_source,
    engine_indicator_name,
    marked_message,
    population_text,
    protection_label,
)
from ipcity.web.public_paths import is_open
from ipcity.web.security import csrf_token
from ipcity.workspace.permissions import ANONYMOUS, Actor, Cap, has

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SETUP_COMMAND = "ipcity users create NAME --role office_admin --password-stdin"
FLASH_KEY = "flash"


def _babel_locale() -> str:
    return "zh_Hans_CN" if current_locale() == "zh_CN" else "en"


def fmt_number(value: float | int | None, digits: int = 2) -> str:
    """1234.5 -> 1,234.5 (zh and en alike); None -> an em dash."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=_babel_locale()))


def fmt_percent(value: float | None, digits: int = 0, *, ratio: bool = False) -> str:
    """A percent: ``value`` is in percent (62.5 -> 62.5%) or a ratio (``ratio=True``), with
    exactly ``digits`` decimals rounded half up: the reports' own text (one figure, one text
    on every page and in every report; see ``ipcity.evaluation.figures``)."""
    if value is None:
        return "—"
    share = Decimal(str(value)) if ratio else Decimal(str(value)) / 100
    return report_percent(share, digits)


def _fig_text(value: float | None, places: int) -> str:
    """A plan indicator's value with its fixed decimals (``evaluation.figures``)."""
    return value_text(value, places)


def fmt_date(value: date | str | None) -> str:
    if value is None or value == "":
        return "—"
    d = date.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(d, datetime):
        d = d.date()
    return str(
        format_date(
            d, format="long" if current_locale() == "zh_CN" else "medium", locale=_babel_locale()
        )
    )


def fmt_datetime(value: datetime | None) -> str:
    """A stored (naive UTC) timestamp in the server's local time."""
    if value is None:
        return "—"
    local = value.replace(tzinfo=UTC).astimezone()
    return str(format_datetime(local, format="yyyy-MM-dd HH:mm", locale=_babel_locale()))


def to_json(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` data block (safe inside HTML)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def data_value(value: Any) -> Markup:
    """A value from the data (a unit's name, a task's title, a user's text) marked as such:
    it is shown as stored, in whatever language it was written, and the translation test
    (tests/web/i18n_scan.py) does not take it for an untranslated UI string."""
    if value is None or value == "":
        return Markup("")
    return Markup('<span data-value="">{}</span>').format(value)


def _unit_of_measure(unit: str | None) -> str:
    return unit_of_measure(unit or "", "en" if current_locale() == "en" else "zh")


def _protection_label(key: str, label: str) -> Markup:
    return protection_label(key, label)


def _indicator_name(indicator: str | None) -> str:
    return engine_indicator_name(indicator)


def zh_term(text: str) -> Markup:
    """A Chinese term the user types or finds in a sheet (a column header, an example of a
    deadline), quoted as it is on an English page too: marked with its language."""
    return Markup('<span lang="zh-CN">{}</span>').format(text)


def _population_text(sources: Any) -> str:
    return population_text(sources or ())


def _actual_source(source: str | None) -> Markup:
    return actual_source(source, fmt_date)


def _marked_message(key: str, params: Any = None) -> Markup:
    return marked_message(key, params)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        num=fmt_number,
        fig=_fig_text,
        pct=fmt_percent,
        date=fmt_date,
        datetime=fmt_datetime,
        tojson_data=to_json,
        msg=lambda key, params=None: msg(key, params),
        population=_population_text,
        dv=data_value,
        actual_source=_actual_source,
        uom=_unit_of_measure,
    )
    env.globals.update(
        msg=msg,
        msg_marked=_marked_message,
        zh_term=zh_term,
        indicator_name=_indicator_name,
        protection_label=_protection_label,
        has=has,
        Cap=Cap,
        LOCALES=LOCALES,
        LANG_LABELS=LANG_LABELS,
        SETUP_COMMAND=SETUP_COMMAND,
    )
    return env


def add_flash(request: Request, text: str, level: str = "success") -> None:
    flashes = list(request.session.get(FLASH_KEY, []))
    flashes.append([level, text])
    request.session[FLASH_KEY] = flashes[-5:]


def _pop_flashes(request: Request) -> list[tuple[str, str]]:
    if FLASH_KEY not in request.session:
        return []
    return [(str(a), str(b)) for a, b in request.session.pop(FLASH_KEY)]


def lang_url(request: Request, locale: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", locale))
    return f"{request.url.path}?{urlencode(params)}"


def _reachable(request: Request, actor: Actor, path: str) -> bool:
    """No menu entry that would only send an anonymous visitor to the login page (under the
    office's default visibility, see web/visibility.py; ``page_actor`` notes the setting)."""
    portal_only = getattr(request.state, "portal_only", False)
    return actor.is_authenticated or not portal_only or is_open(path)


def page_context(request: Request) -> dict[str, Any]:
    actor: Actor = getattr(request.state, "actor", None) or ANONYMOUS
    items = getattr(request.app.state, "nav", ())
    return {
        "request": request,
        "actor": actor,
        "locale": current_locale(),
        "csrf_token": lambda: csrf_token(request),
        "nav": [i for i in visible_items(items, actor) if _reachable(request, actor, i.path)],
        "path": request.url.path,
        "flashes": _pop_flashes(request),
        "unread": getattr(request.state, "unread", 0),
        "lang_url": lambda loc: lang_url(request, loc),
        "setup_needed": getattr(request.app.state, "setup_needed", lambda: False)(),
    }


def render(name: str, context: Mapping[str, Any]) -> str:
    return environment().get_template(name).render(**context)


def render_page(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """A full page (or, for htmx, whatever the template renders) as a response."""
    ctx = page_context(request) | dict(context or {})
    return HTMLResponse(render(name, ctx), status_code=status_code, headers=dict(headers or {}))
