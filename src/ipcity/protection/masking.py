"""Masking party names: the one function every page, export and API response goes through.

Party names are personal data (natural persons, and sole traders whose shop names carry the
owner's name). Only the unit that owns a case (and the units handling it jointly) and the
office's administrators see them in clear; everyone else gets the masked form, produced in the
query layer (``queries.CaseView``) so no consumer can forget it.

Rules (one name at a time; a field holding several names separated by 、 ; ； , ， / or new lines
is masked name by name and joined with 、):

- A Chinese organisation (ends with a legal form: 有限公司, 公司, 集团, 厂, 店, 商行, 经营部,
  研究院, 大学, 事务所, 合作社, 工作室, 中心 ...): the place prefix (上海市, 上海, 江苏省 ...)
  is kept, then the first character of the rest, then ``**``, then the legal form:
  上海某某科技有限公司 -> 上海某**有限公司, 华为技术有限公司 -> 华**有限公司,
  张三服装店 -> 张**店. Two stars whatever the length, so the length is not revealed.
- A Chinese personal name: the surname's first character and one star per remaining
  character: 张三 -> 张*, 王小明 -> 王**, 欧阳娜娜 -> 欧***.
- A Latin-script organisation (last words Inc., Ltd., LLC, GmbH, Co., Corp., AG, S.A. ...):
  first letter + ``***`` for the name, legal form kept: Apple Inc. -> A*** Inc.
- A Latin-script personal name: each word as its first letter + ``***``: John Smith -> J*** S***.
- The demo label （演示数据） at the end is kept, so masked demo data still says it is synthetic.

Masking is idempotent (a masked name masks to itself).
"""

from __future__ import annotations

import re
import unicodedata

SYNTHETIC_LABEL = "（演示数据）"
_SEPARATORS = re.compile(r"[、;；,，/\n]+")

# Longest first, so 有限责任公司 wins over 公司.
ORG_SUFFIXES = tuple(
    sorted(
        (
            "股份有限公司",
            "有限责任公司",
            "有限公司",
            "分公司",
            "公司",
            "集团",
            "企业",
            "厂",
            "店",
            "商店",
            "商行",
            "经营部",
            "门市部",
            "研究院",
            "研究所",
            "大学",
            "学院",
            "学校",
            "医院",
            "事务所",
            "合作社",
            "工作室",
            "中心",
            "协会",
            "商会",
            "俱乐部",
            "超市",
            "网店",
        ),
        key=len,
        reverse=True,
    )
)

PLACE_PREFIXES = tuple(
    sorted(
        (
            "中国",
            "上海市",
            "上海",
            "北京市",
            "北京",
            "天津市",
            "天津",
            "重庆市",
            "重庆",
            "江苏省",
            "江苏",
            "浙江省",
            "浙江",
            "安徽省",
            "安徽",
            "广东省",
            "广东",
            "福建省",
            "福建",
            "山东省",
            "山东",
            "湖北省",
            "湖北",
            "四川省",
            "四川",
            "香港",
            "台湾",
            "深圳市",
            "深圳",
            "杭州市",
            "杭州",
            "南京市",
            "南京",
            "苏州市",
            "苏州",
            "宁波市",
            "宁波",
            "无锡市",
            "无锡",
            "合肥市",
            "合肥",
            "广州市",
            "广州",
        ),
        key=len,
        reverse=True,
    )
)

LATIN_ORG_WORDS = frozenset(
    {
        "inc",
        "ltd",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "co",
        "corp",
        "corporation",
        "company",
        "limited",
        "ag",
        "sa",
        "s.a",
        "bv",
        "nv",
        "kk",
        "pte",
        "group",
        "sarl",
        "srl",
        "spa",
        "oy",
        "ab",
    }
)


def _is_latin(text: str) -> bool:
    return all(ord(ch) < 0x2E80 for ch in text)


def _latin_word_key(word: str) -> str:
    return word.lower().strip(".,()").rstrip(".")


def _mask_latin(name: str) -> str:
    words = name.split()
    suffix: list[str] = []
    while words and _latin_word_key(words[-1]) in LATIN_ORG_WORDS:
        suffix.insert(0, words.pop())
    if suffix:  # an organisation: the name part becomes one masked word
        head = words[0][0] + "***" if words else "***"
        return " ".join([head, *suffix])
    return " ".join(w[0] + "***" for w in words if w)


def _mask_chinese(name: str) -> str:
    for suffix in ORG_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            body = name[: -len(suffix)]
            place = next((p for p in PLACE_PREFIXES if body.startswith(p)), "")
            rest = body[len(place) :]
            if not rest.strip("*"):  # 上海公司: only a place and a form
                return place + "**" + suffix
            return place + rest[0] + "**" + suffix
    # A person: keep the first character (the surname, or the first of a compound surname).
    return name[0] + "*" * (len(name) - 1)


def mask_name(name: str) -> str:
    """One party name, masked (see the module doc). Empty stays empty."""
    text = unicodedata.normalize("NFC", (name or "").strip())
    if not text:
        return ""
    label = ""
    if text.endswith(SYNTHETIC_LABEL):
        text, label = text[: -len(SYNTHETIC_LABEL)].strip(), SYNTHETIC_LABEL
    if not text:
        return label
    masked = _mask_latin(text) if _is_latin(text) else _mask_chinese(text)
    return masked + label


def split_names(text: str) -> list[str]:
    """Names in a field. A piece made of Latin legal-form words only ("Ltd." after
    "Acme Co., ") belongs to the name before it."""
    out: list[str] = []
    for piece in _SEPARATORS.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        words = piece.split()
        if out and _is_latin(piece) and all(_latin_word_key(w) in LATIN_ORG_WORDS for w in words):
            out[-1] = f"{out[-1]}, {piece}"
        else:
            out.append(piece)
    return out


def mask_names(text: str) -> str:
    """A field of one or more names, each masked, joined with 、."""
    return "、".join(mask_name(n) for n in split_names(text))
