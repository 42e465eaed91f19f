"""Which award names the high-value award criterion counts.

The 14th Five-Year Plan indicator explanation names two awards: 中国专利奖 (China Patent Award:
gold, silver, excellence; designs: 中国外观设计金奖/银奖/优秀奖) and 国家科学技术奖 (State S&T
Awards: 国家自然科学奖, 国家技术发明奖, 国家科学技术进步奖). Names are compared after NFKC
normalisation (full-width letters, digits and brackets become ASCII), lower-casing and removing
spaces and punctuation, so "中国专利 金奖", "ＣＨＩＮＡ Patent Gold Award" and "China Patent
Award (Gold)" are one award. Everything else is kept in the warehouse, listed, and never counted;
a name that is neither national nor recognisably provincial / municipal is also warned about.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

NATIONAL = "national"
REGIONAL = "regional"
UNRECOGNISED = "unrecognised"

# Patterns on the normalised name (see ``normalise``). Each national pattern names one award of
# the official list; "第二十三届" / "2021年度" / "一等奖" around it do not matter.
NATIONAL_PATTERNS: tuple[tuple[str, str], ...] = (
    ("中国专利奖", r"中国专利(金奖|银奖|优秀奖|奖)"),
    ("中国专利奖", r"中国外观设计(金奖|银奖|优秀奖)"),
    ("中国专利奖", r"chinapatent(gold|silver|excellence|outstanding)?awards?"),
    ("中国专利奖", r"chinadesign(gold|silver|excellence)awards?"),
    ("国家科学技术奖", r"国家(自然科学|技术发明|科学技术进步|科技进步)奖"),
    ("国家科学技术奖", r"国家科学技术奖"),
    (
        "国家科学技术奖",
        r"(national|state)(naturalscience|technologicalinvention|technologyinvention|"
        r"scienceandtechnologyprogress|scientificandtechnologicalprogress|"
        r"scienceandtechnologicalprogress|s&tprogress|sciencetechnologyprogress)awards?",
    ),
    (
        "国家科学技术奖",
        r"(national|state)(s&t|scienceandtechnology|scientificandtechnological)awards?",
    ),
)
# Provincial, municipal and district awards (not counted, not warned about): a Chinese
# administrative unit in the name, or the English words for one.
_PROVINCES_EN = [
    "beijing",
    "tianjin",
    "hebei",
    "shanxi",
    "innermongolia",
    "liaoning",
    "jilin",
    "heilongjiang",
    "shanghai",
    "jiangsu",
    "zhejiang",
    "anhui",
    "fujian",
    "jiangxi",
    "shandong",
    "henan",
    "hubei",
    "hunan",
    "guangdong",
    "guangxi",
    "hainan",
    "chongqing",
    "sichuan",
    "guizhou",
    "yunnan",
    "tibet",
    "xizang",
    "shaanxi",
    "gansu",
    "qinghai",
    "ningxia",
    "xinjiang",
    "shenzhen",
]
REGIONAL_PATTERN = re.compile(
    r"(省|市|自治区|区|县|州)|provinc|municipal|city|district|county|" + "|".join(_PROVINCES_EN)
)
_PUNCTUATION = re.compile(r"[\s()\[\]{}<>,.;:'\"!?/\\\-_·•、，。；：（）【】《》「」“”‘’]+")


def normalise(name: str) -> str:
    """Compare form: NFKC (full-width to ASCII, ideographic space to space), lower case,
    no whitespace or punctuation."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", name).lower())


def classify(name: str) -> str:
    """NATIONAL (counts), REGIONAL (kept, not counted) or UNRECOGNISED (kept, not counted,
    warned about)."""
    norm = normalise(name)
    if any(re.search(p, norm) for _, p in NATIONAL_PATTERNS) and not _regional_prefix(norm):
        return NATIONAL
    if REGIONAL_PATTERN.search(norm):
        return REGIONAL
    return UNRECOGNISED


def _regional_prefix(norm: str) -> bool:
    """'上海市中国专利奖配套奖励' style names: a regional marker before the national name is a
    local award named after the national one."""
    first = min(
        (m.start() for _, p in NATIONAL_PATTERNS for m in [re.search(p, norm)] if m is not None),
        default=0,
    )
    return bool(REGIONAL_PATTERN.search(norm[:first]))


@dataclass(frozen=True)
class AwardNames:
    """The award names of a warehouse, each with its class and row count."""

    rows: tuple[tuple[str, str, int], ...]  # (name, class, rows)

    @classmethod
    def of(cls, counted: Iterable[tuple[str, int]]) -> AwardNames:
        return cls(tuple(sorted((n, classify(n), c) for n, c in counted)))

    def counted_names(self, award_list: str) -> tuple[str, ...]:
        """The raw names the criterion counts under ``award_list`` (any | national)."""
        if award_list == "any":
            return tuple(n for n, _, _ in self.rows)
        return tuple(n for n, k, _ in self.rows if k == NATIONAL)

    def listing(self, award_list: str) -> dict[str, dict[str, int]]:
        """{'counted': {name: rows}, 'not_counted': {name: rows}} for meta."""
        counted = set(self.counted_names(award_list))
        return {
            "counted": {n: c for n, _, c in self.rows if n in counted},
            "not_counted": {n: c for n, _, c in self.rows if n not in counted},
        }

    def warnings(self, award_list: str) -> list[str]:
        if award_list == "any":
            return []
        odd = [(n, c) for n, k, c in self.rows if k == UNRECOGNISED]
        if not odd:
            return []
        shown = ", ".join(f"'{n}' ({c})" for n, c in odd[:10])
        more = f" and {len(odd) - 10} more" if len(odd) > 10 else ""
        return [
            f"award names not recognised, not counted by the award criterion: {shown}{more} "
            "(only 中国专利奖 and 国家科学技术奖 count; see ipcity awards)"
        ]
