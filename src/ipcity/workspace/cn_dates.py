"""Deadlines and report periods as the office writes them in Excel.

``parse_deadline`` reads (the year may be left out when a default year is given, e.g. the work
plan's year; full-width digits are fine):

==========================================  ================================
written                                     read as
==========================================  ================================
2023-06-30, 2023/6/30, 2023.6.30, 20230630  that day
2023年6月30日, 2023年6月30日前                that day
2023-06, 2023/6, 2023年6月, 6月              last day of that month
2023年6月底, 6月末, 6月底前, 6月前             last day of June (前 = "by", read leniently)
2023年6月上旬 / 中旬 / 下旬                   6-10 / 6-20 / last day of June
2023年底, 年底, 年末, 年内, 全年, 2023年度      31 December
上半年 / 下半年                              30 June / 31 December
第一季度, 一季度, 2023年Q1 … 第四季度          last day of the quarter
2023年3月-6月, 3月至6月底, 3—6月               the end of the range (here 30 June)
持续推进, 长期, 常态化, 持续                   31 December (ongoing tasks are followed up
                                            against the year end)
==========================================  ================================

Months may also be written in Chinese numerals (六月底, 十二月). Anything else is None.

``parse_period`` reads report periods: 2023-06 / 2023年6月 (a month), 2023-Q2 / 2023年第二季度
(a quarter), 2023-H1 / 2023年上半年 (a half year) and 2023 / 2023年度 (a year); it returns the
normalised code and the period's last day, which orders reports in time.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date

_CN_NUM = {
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十一": 11,
    "十二": 12,
    "元": 1,
}
_ONGOING = ("持续推进", "长期", "常态化", "持续", "长期坚持")
_YEAR_END = ("年底", "年末", "年内", "全年", "年度")


def _num(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return _CN_NUM.get(token)


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip()
    s = re.sub(r"\s+", "", s)
    for suffix in ("以前", "之前", "前完成", "前", "完成"):
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)]
    return s


_NUM = r"(\d{1,2}|十[一二]?|[一二三四五六七八九元])"
_RE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_RE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_RE_YM = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_RE_CN_DAY = re.compile(rf"^(?:(\d{{4}})年)?{_NUM}月(\d{{1,2}})[日号]?$")
_RE_CN_MONTH = re.compile(rf"^(?:(\d{{4}})年)?{_NUM}月(底|末|份|上旬|中旬|下旬)?$")
_RE_CN_QUARTER = re.compile(
    r"^(?:(\d{4})年?)?(?:第)?([一二三四1-4])季度(?:末|底)?$|^(?:(\d{4})年?)?-?Q([1-4])$"
)
_RE_CN_HALF = re.compile(r"^(?:(\d{4})年)?([上下])半年(?:末|底)?$")
_RE_YEAR_END = re.compile(r"^(?:(\d{4})年?)?(年底|年末|年内|全年|年度|底|末)$")
_RANGE_SPLIT = re.compile(r"[-~—–至到]+")


def parse_deadline(text: str, default_year: int | None) -> date | None:
    """The deadline ``text`` means (see the module doc), or None when it cannot be read."""
    s = _normalise(text)
    if not s:
        return None
    single = _parse_single(s, default_year)
    if single is not None:
        return single
    # A range: read its last part, taking the year from the first part when it has none.
    parts = [p for p in _RANGE_SPLIT.split(s) if p]
    if len(parts) >= 2:
        m = re.match(r"^(\d{4})年", parts[0])
        year = int(m.group(1)) if m else default_year
        last = parts[-1]
        if re.fullmatch(r"\d{1,2}", last) and "月" in parts[0]:
            last += "月"
        return _parse_single(last, year)
    return None


def _parse_single(s: str, default_year: int | None) -> date | None:
    if m := _RE_ISO.match(s):
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _RE_COMPACT.match(s):
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _RE_YM.match(s):
        return _month_end(int(m.group(1)), int(m.group(2)))
    if any(s == w for w in _ONGOING):
        return date(default_year, 12, 31) if default_year else None
    if m := _RE_CN_DAY.match(s):
        year = int(m.group(1)) if m.group(1) else default_year
        month = _num(m.group(2))
        if year is None or month is None:
            return None
        return _safe_date(year, month, int(m.group(3)))
    if m := _RE_CN_MONTH.match(s):
        year = int(m.group(1)) if m.group(1) else default_year
        month = _num(m.group(2))
        if year is None or month is None or not 1 <= month <= 12:
            return None
        part = m.group(3)
        if part == "上旬":
            return date(year, month, 10)
        if part == "中旬":
            return date(year, month, 20)
        return _month_end(year, month)
    if m := _RE_CN_QUARTER.match(s):
        ytxt = m.group(1) or m.group(3)
        qtxt = m.group(2) or m.group(4)
        year = int(ytxt) if ytxt else default_year
        q = _num(qtxt)
        if year is None or q is None:
            return None
        return _month_end(year, 3 * q)
    if m := _RE_CN_HALF.match(s):
        year = int(m.group(1)) if m.group(1) else default_year
        if year is None:
            return None
        return date(year, 6, 30) if m.group(2) == "上" else date(year, 12, 31)
    if m := _RE_YEAR_END.match(s):
        year = int(m.group(1)) if m.group(1) else default_year
        if year is None:
            return None
        if m.group(2) in ("底", "末") and not m.group(1):
            return None
        return date(year, 12, 31)
    return None


# --- report periods ---------------------------------------------------------------------------

_RE_P_MONTH = re.compile(r"^(\d{4})(?:[-/.]|年)(\d{1,2})月?$")
_RE_P_QUARTER = re.compile(r"^(\d{4})(?:-?Q|年第?|年-?Q)([1-4一二三四])(?:季度)?$", re.IGNORECASE)
_RE_P_HALF = re.compile(r"^(\d{4})(?:-?H([12])|年([上下])半年)$", re.IGNORECASE)
_RE_P_YEAR = re.compile(r"^(\d{4})(?:年度?|年)?$")


def parse_period(text: str) -> tuple[str, date] | None:
    """``(normalised period, its last day)`` or None. Normal forms: 2023-06, 2023-Q2,
    2023-H1, 2023."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()
    if m := _RE_P_MONTH.match(s):
        year, month = int(m.group(1)), int(m.group(2))
        end = _month_end(year, month)
        return (f"{year}-{month:02d}", end) if end else None
    if m := _RE_P_QUARTER.match(s):
        year = int(m.group(1))
        q = _num(m.group(2))
        if q is None or not 1 <= q <= 4:
            return None
        end = _month_end(year, 3 * q)
        assert end is not None
        return f"{year}-Q{q}", end
    if m := _RE_P_HALF.match(s):
        year = int(m.group(1))
        half = int(m.group(2)) if m.group(2) else (1 if m.group(3) == "上" else 2)
        return f"{year}-H{half}", date(year, 6, 30) if half == 1 else date(year, 12, 31)
    if m := _RE_P_YEAR.match(s):
        year = int(m.group(1))
        return str(year), date(year, 12, 31)
    return None
