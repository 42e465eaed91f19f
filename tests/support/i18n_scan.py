"""What a reader sees of a page, and the words in it that betray a missing translation or an
internal name (issue 12, item 11).

``visible_text`` keeps the text a person reads (text nodes, titles, placeholders, button
values), minus scripts, styles and every element the template marks as data: an element with
a ``data-value`` or ``lang`` attribute holds a value typed by a user or a name the data holds
in one language only (a unit's name, a task's title), which the page shows as it is.
``problems`` lists what is wrong in that text for the page's language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")

# Words a Chinese page may show as they are: proper terms, abbreviations, formats, units.
ZH_ALLOWED = {
    "IP",
    "IPC",
    "PCT",
    "SEI",
    "PDF",
    "XLSX",
    "CSV",
    "DOCX",
    "HTML",
    "API",
    "JSON",
    "Excel",
    "GB",
    "T",
    "English",
    "CNIPA",
    "USPTO",
    "WIPO",
    "EPO",
    "ISO",
    "URL",
    "ID",
    "OK",
    "Q",
    "H",
    "Word",
    "UTF",
    "Bearer",
    "MB",
    "KB",
    "GDP",
    "R",
    "D",
    "WP",
    "CN",
    "US",
    "EP",
    "JP",
    "KR",
    "WO",
    "HTTP",
    "HTTPS",
    "Markdown",
}

# Internal words no page may show, in either language: engine and storage names, ids glued to
# a word, permission and field names, placeholders of a missing value.
INTERNAL = [
    (re.compile(r"\bengine\b", re.I), "engine"),
    (re.compile(r"\bwarehouse\b", re.I), "warehouse"),
    (re.compile(r"\bduckdb\b", re.I), "duckdb"),
    (
        re.compile(r"\b(?:run|task|report|unit|plan|meeting|user|case) \d+\b(?![-./])", re.I),
        "an id",
    ),
    (re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"), "a snake_case name"),
    (re.compile(r"\b[a-z]+(?:\.[a-z_]{2,})+\b"), "a raw message key"),
    (re.compile(r"第\?次|第None次"), "a missing count"),
    (re.compile(r"\bsynthetic\b|\(unchecked\)", re.I), "a data-quality flag"),
    (re.compile(r"指标口径：\d"), "a definition number"),
    (re.compile(r"\bfull at \d"), "a scoring rule"),
    (re.compile(r"(?:^|[\s:：(（→])(?:None|nan|undefined)(?:$|[\s,，)）→])"), "an empty value"),
]


# A field's code name before a colon (on an English page the same words are its labels).
FIELD_NAME = re.compile(r"(?:^|[\s：:])[a-z_]+:\s")


class _Text(HTMLParser):
    # <title> repeats the h1; a <textarea> holds the value of a form field (data)
    SKIP = frozenset({"script", "style", "template", "noscript", "title", "textarea"})
    VOID = frozenset(
        {
            "area",
            "base",
            "br",
            "col",
            "embed",
            "hr",
            "img",
            "input",
            "link",
            "meta",
            "source",
            "track",
            "wbr",
        }
    )
    ATTRS = ("title", "placeholder", "aria-label", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden: script or marked as data)
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        marked = "data-value" in a or (tag != "html" and "lang" in a)
        hidden = self._hidden() or tag in self.SKIP or marked
        if not hidden:
            for name in self.ATTRS:
                if a.get(name):
                    self.parts.append(str(a[name]))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.parts.append(str(a["value"]))
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.parts


def _english_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ZH_ALLOWED]


def text_problems(parts: list[str], lang: str) -> list[str]:
    """``lang``: "zh" or "en". One line per problem, with the text it was found in."""
    out: list[str] = []
    for part in parts:
        snippet = part if len(part) <= 90 else part[:87] + "…"
        if lang == "en" and HAN.search(part):
            out.append(f"Chinese on an English page: {snippet!r}")
        if lang == "zh":
            words = _english_words(part)
            if words:
                out.append(f"English on a Chinese page ({', '.join(words[:4])}): {snippet!r}")
        for pattern, what in INTERNAL:
            if pattern.search(part):
                out.append(f"{what}: {snippet!r}")
        if lang == "zh" and FIELD_NAME.search(part):  # "输入有误：comment: 必填"
            out.append(f"a field name: {snippet!r}")
    return out


def page_problems(html: str, lang: str) -> list[str]:
    return text_problems(visible_text(html), lang)
