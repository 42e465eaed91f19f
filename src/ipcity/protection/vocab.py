"""The controlled vocabularies of protection cases: kinds, IP types, outcomes.

Each code has a Chinese and an English label and the wordings member units write in their own
sheets (aliases, compared after NFKC without spaces). Codes are stable: they are stored in the
database, used in indicator ids (``protection.avg_handling_days?kind=admin_ruling``) and in the
API.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


def norm(text: str) -> str:
    """NFKC, no spaces, lower case: how a sheet's wording is compared."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def _terms(table: str) -> tuple[Term, ...]:
    """Terms from a table of rows ``code | zh | en | alias、alias…``; an indented line goes on
    with the row above."""
    rows: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith(" "):
            rows[-1] += line.strip()
        else:
            rows.append(line)
    terms = []
    for row in rows:
        code, zh, en, aliases = (part.strip() for part in row.split("|"))
        terms.append(Term(code, zh, en, tuple(aliases.split("、")) if aliases else ()))
    return tuple(terms)


# Who handles what: the bureau of justice (mediation, arbitration), the procuratorate
# (prosecutions), the courts (civil, criminal, administrative), market regulation and the
# copyright bureau (administrative enforcement), customs (border seizures), the IP office
# (administrative rulings on patent infringement disputes).
KINDS: tuple[Term, ...] = _terms(
    """
admin_ruling | 行政裁决 | administrative ruling | 专利侵权纠纷行政裁决、专利纠纷行政裁决、
    侵权纠纷行政裁决、裁决、ruling
admin_enforcement | 行政执法 | administrative enforcement | 行政处罚、行政查处、执法、
    行政执法案件、商标侵权、商标侵权案件、假冒专利、假冒专利案件、版权执法、enforcement
mediation | 调解 | mediation | 人民调解、诉前调解、诉调对接、行政调解、纠纷调解、调解案件
arbitration | 仲裁 | arbitration | 仲裁案件、知识产权仲裁
civil | 民事诉讼 | civil court case | 民事、民事案件、知识产权民事案件、民事一审、民事二审、
    civil case
criminal | 刑事诉讼 | criminal court case | 刑事、刑事案件、知识产权刑事案件、刑事一审、
    criminal case
admin_litigation | 行政诉讼 | administrative court case | 行政案件、知识产权行政案件、
    行政一审、administrative case
prosecution | 审查起诉 | prosecution | 起诉、公诉、检察、批捕、审查逮捕、检察案件、
    prosecution case
customs_seizure | 海关扣留 | customs seizure | 海关查扣、边境保护、扣留、查扣、
    海关知识产权保护、customs
"""
)

# Groups shown on the public portal (fewer, larger cells: fewer suppressed counts).
KIND_GROUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "judicial": ("司法保护", "judicial", ("civil", "criminal", "admin_litigation", "prosecution")),
    "administrative": (
        "行政保护",
        "administrative",
        ("admin_ruling", "admin_enforcement", "customs_seizure"),
    ),
    "mediation_arbitration": (
        "调解仲裁",
        "mediation and arbitration",
        ("mediation", "arbitration"),
    ),
}

IP_TYPES: tuple[Term, ...] = _terms(
    """
patent | 专利 | patent | 专利权、发明专利、实用新型、实用新型专利、外观设计、外观设计专利、
    假冒专利
trademark | 商标 | trademark | 商标权、注册商标、注册商标专用权、假冒注册商标、商标侵权
copyright | 著作权 | copyright | 版权、著作权及相关权利、计算机软件、软件著作权、
    侵犯著作权
trade_secret | 商业秘密 | trade secret | 侵犯商业秘密、技术秘密、经营秘密
geographical_indication | 地理标志 | geographical indication | 地理标志产品、地理标志商标、
    gi
other | 其他 | other | 其它、植物新品种、集成电路布图设计、不正当竞争、其他知识产权
"""
)

OUTCOMES: tuple[Term, ...] = _terms(
    """
upheld | 支持诉请/认定侵权 | upheld | 支持、侵权成立、认定侵权、胜诉、判决支持、全部支持
partly_upheld | 部分支持 | partly upheld | 部分胜诉、部分支持诉请
dismissed | 驳回/不构成侵权 | dismissed | 驳回、驳回诉请、不构成侵权、侵权不成立、不予支持、
    驳回请求
mediated | 调解成功 | mediated | 调解结案、达成调解协议、调解、调解成功结案、调撤
mediation_failed | 调解不成 | mediation failed | 调解失败、未达成调解协议、调解未成功、
    调解终止
settled | 和解 | settled | 达成和解、和解结案、庭外和解
withdrawn | 撤诉/撤回 | withdrawn | 撤诉、撤回、撤回申请、撤回投诉、按撤诉处理
penalized | 行政处罚 | penalty imposed | 处罚、罚款、责令停止侵权、没收、作出处罚决定、
    处罚决定
convicted | 有罪判决 | convicted | 判决有罪、定罪、判处刑罚
acquitted | 无罪 | acquitted | 判决无罪、宣告无罪
prosecuted | 提起公诉 | prosecuted | 起诉、公诉、提起诉讼
not_prosecuted | 不起诉 | not prosecuted | 决定不起诉、不予起诉
seized | 扣留/没收货物 | goods seized | 扣留、查扣、没收侵权货物、没收货物
released | 放行 | goods released | 予以放行、解除扣留
transferred | 移送 | transferred | 移送公安、移送司法机关、移交、移送处理
other | 其他 | other | 其它、终结、终止
"""
)

# Mediation success: the parties reached an agreement (调解成功 or 和解).
MEDIATION_SUCCESS = ("mediated", "settled")

KIND_CODES = tuple(t.code for t in KINDS)
IP_TYPE_CODES = tuple(t.code for t in IP_TYPES)
OUTCOME_CODES = tuple(t.code for t in OUTCOMES)


def _index(terms: tuple[Term, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in terms:
        for written in (t.code, t.zh, t.en, *t.aliases):
            key = norm(written)
            # The first term to claim a wording keeps it (e.g. 假冒专利 -> patent for IP types).
            out.setdefault(key, t.code)
    return out


_KIND_INDEX = _index(KINDS)
_IP_INDEX = _index(IP_TYPES)
_OUTCOME_INDEX = _index(OUTCOMES)


def kind_code(text: str) -> str | None:
    return _KIND_INDEX.get(norm(text))


def ip_type_code(text: str) -> str | None:
    found = _IP_INDEX.get(norm(text))
    if found is not None:
        return found
    # "侵害发明专利权纠纷" style: the first IP word in the text.
    n = norm(text)
    for word, code in (
        ("商业秘密", "trade_secret"),
        ("地理标志", "geographical_indication"),
        ("专利", "patent"),
        ("商标", "trademark"),
        ("著作权", "copyright"),
        ("版权", "copyright"),
    ):
        if word in n:
            return code
    return None


def outcome_code(text: str) -> str | None:
    return _OUTCOME_INDEX.get(norm(text))


def _label(terms: tuple[Term, ...], code: str | None, lang: str) -> str:
    for t in terms:
        if t.code == code:
            return t.label(lang)
    return code or ""


def kind_label(code: str | None, lang: str = "zh") -> str:
    return _label(KINDS, code, lang)


def ip_type_label(code: str | None, lang: str = "zh") -> str:
    return _label(IP_TYPES, code, lang)


def outcome_label(code: str | None, lang: str = "zh") -> str:
    return _label(OUTCOMES, code, lang)


def kind_group(code: str) -> str:
    for group, (_zh, _en, members) in KIND_GROUPS.items():
        if code in members:
            return group
    raise KeyError(code)
