"""The canonical tables: their columns, types, keys and the header aliases that exports use.

This is the contract between every reader (CSV/Parquet/XLSX, USPTO XML, CNIPA XML) and the
warehouse. Readers emit *raw string* columns named as here; the warehouse validates and types
them in one place (``ipcity.warehouse.validate``), so every source is held to the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "date", "int", "float"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "str"
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # A table that is replaced as a whole when a file of it is ingested (a lookup table).
    replace: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _cols(*spec: str) -> tuple[Column, ...]:
    """'name:kind!' -> Column; '!' marks a required column."""
    out = []
    for s in spec:
        required = s.endswith("!")
        name, _, kind = s.rstrip("!").partition(":")
        out.append(Column(name, kind or "str", required))  # type: ignore[arg-type]
    return tuple(out)


PATENTS = TableSpec(
    "patents",
    _cols(
        "patent_id!",
        "office!",
        "patent_type",  # required outside office WO; checked in validation
        "application_date:date!",
        "grant_date:date",
        "lapse_date:date",
        "term_end_date:date",  # optional: the term's end with an extension (期限补偿)
        "ipc",
        "family_countries",
        "title",
    ),
    key=("patent_id",),
)
PARTIES = TableSpec(
    "parties",
    _cols(
        "patent_id!",
        "role!",
        "sequence:int!",
        "name",
        "address",
        "country",
        "region_code",
        "latitude:float",
        "longitude:float",
    ),
    key=("patent_id", "role", "sequence"),
)
PLEDGES = TableSpec(
    "pledges",
    _cols("patent_id!", "registration_date:date!", "amount_cny:float!"),
    key=("patent_id", "registration_date"),
)
AWARDS = TableSpec(
    "awards", _cols("patent_id!", "award!", "year:int!"), key=("patent_id", "award", "year")
)
# Optional: the offices of a patent's family with their dates (dated overseas-family rule).
FAMILIES = TableSpec(
    "families",
    _cols("patent_id!", "office!", "application_date:date", "grant_date:date"),
    key=("patent_id", "office"),
)
POPULATION = TableSpec(
    "population",
    _cols("region_code!", "year:int!", "population:float!", "source"),
    key=("region_code", "year"),
)
SEI_CONCORDANCE = TableSpec(
    "sei_concordance",
    _cols("ipc_prefix!", "category!", "branch_name", "exclusions", "keywords"),
    key=("ipc_prefix",),
    replace=True,
)
PUBLICATIONS = TableSpec(
    "publications", _cols("publication_id!", "year:int!"), key=("publication_id",)
)
AUTHORS = TableSpec(
    "authors",
    _cols(
        "publication_id!",
        "sequence:int!",
        "address",
        "country",
        "latitude:float",
        "longitude:float",
    ),
    key=("publication_id", "sequence"),
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        PATENTS,
        PARTIES,
        PLEDGES,
        AWARDS,
        FAMILIES,
        POPULATION,
        SEI_CONCORDANCE,
        PUBLICATIONS,
        AUTHORS,
    )
}

PATENT_TYPES = ("invention", "utility_model", "design", "plant", "other")
PARTY_ROLES = ("applicant", "owner", "inventor")

# Values that patent databases write, mapped to canonical values (compared after strip/lower).
PATENT_TYPE_ALIASES: dict[str, str] = {
    "invention": "invention",
    "utility_model": "utility_model",
    "utility model": "utility_model",
    "design": "design",
    "plant": "plant",
    "other": "other",
    "发明": "invention",
    "发明专利": "invention",
    "发明授权": "invention",
    "发明申请": "invention",
    "实用新型": "utility_model",
    "实用新型专利": "utility_model",
    "外观设计": "design",
    "外观设计专利": "design",
    "外观": "design",
}
ROLE_ALIASES: dict[str, str] = {
    "applicant": "applicant",
    "owner": "owner",
    "assignee": "owner",
    "inventor": "inventor",
    "申请人": "applicant",
    "专利权人": "owner",
    "权利人": "owner",
    "发明人": "inventor",
    "设计人": "inventor",
}

# Header aliases (Chinese patent-database exports and common English variants) -> canonical.
# Compared after stripping whitespace and lower-casing.
HEADER_ALIASES: dict[str, dict[str, str]] = {
    "patents": {
        "申请号": "patent_id",
        "专利号": "patent_id",
        "公开(公告)号": "publication_number",
        "申请日": "application_date",
        "申请日期": "application_date",
        "国际申请日": "application_date",
        "授权公告日": "grant_date",
        "授权日": "grant_date",
        "授权日期": "grant_date",
        "失效日": "lapse_date",
        "失效日期": "lapse_date",
        "期限届满日": "term_end_date",
        "专利权期限届满日": "term_end_date",
        "专利类型": "patent_type",
        "类型": "patent_type",
        "受理局": "office",
        "国家/地区": "office",
        "ipc分类号": "ipc",
        "ipc": "ipc",
        "ipc主分类号": "ipc",
        "同族国家": "family_countries",
        "同族国家/地区": "family_countries",
        "名称": "title",
        "标题": "title",
        "发明名称": "title",
        "专利名称": "title",
        # Party columns embedded in a patents export; several names in one cell separated by ';'.
        "申请人": "applicants",
        "申请(专利权)人": "applicants",
        "申请人地址": "applicant_addresses",
        "地址": "applicant_addresses",
        "申请人国别": "applicant_countries",
        "申请人国家": "applicant_countries",
        "申请人区划代码": "applicant_region_codes",
        "专利权人": "owners",
        "当前权利人": "owners",
        "专利权人地址": "owner_addresses",
        "发明人": "inventors",
        "设计人": "inventors",
    },
    "parties": {
        "申请号": "patent_id",
        "专利号": "patent_id",
        "角色": "role",
        "顺序": "sequence",
        "序号": "sequence",
        "名称": "name",
        "姓名": "name",
        "地址": "address",
        "国别": "country",
        "国家": "country",
        "行政区划代码": "region_code",
        "区划代码": "region_code",
        "纬度": "latitude",
        "经度": "longitude",
    },
    "pledges": {
        "申请号": "patent_id",
        "专利号": "patent_id",
        "登记日": "registration_date",
        "质押登记日": "registration_date",
        "质押金额": "amount_cny",
        "金额": "amount_cny",
    },
    "awards": {
        "申请号": "patent_id",
        "专利号": "patent_id",
        "奖项": "award",
        "年度": "year",
        "年份": "year",
    },
    "families": {
        "申请号": "patent_id",
        "专利号": "patent_id",
        "同族国家": "office",
        "受理局": "office",
        "同族申请日": "application_date",
        "同族授权日": "grant_date",
    },
    "population": {
        "行政区划代码": "region_code",
        "区划代码": "region_code",
        "年份": "year",
        "年度": "year",
        "常住人口": "population",
        "人口": "population",
        "来源": "source",
        "数据来源": "source",
    },
    "sei_concordance": {
        "ipc": "ipc_prefix",
        "ipc_pattern": "ipc_prefix",
        "ipc分类号": "ipc_prefix",
        "ipc前缀": "ipc_prefix",
        "国际专利分类": "ipc_prefix",
        "国际专利分类号": "ipc_prefix",
        "产业类别": "category",
        "类别": "category",
        "branch_code": "category",
        "分类代码": "category",
        "战略性新兴产业分类代码": "category",
        "代码": "category",
        "编号": "category",
        "分类名称": "branch_name",
        "战略性新兴产业分类名称": "branch_name",
        "名称": "branch_name",
        "不含": "exclusions",
        "排除": "exclusions",
        "关键词": "keywords",
    },
    "publications": {},
    "authors": {},
}

# Embedded-party columns of a wide patents export: (names column, role, address column,
# country column, region column). Cells hold several values separated by ';'.
EMBEDDED_PARTIES: tuple[tuple[str, str, str | None, str | None, str | None], ...] = (
    (
        "applicants",
        "applicant",
        "applicant_addresses",
        "applicant_countries",
        "applicant_region_codes",
    ),
    ("owners", "owner", "owner_addresses", None, None),
    ("inventors", "inventor", None, None, None),
)
EMBEDDED_COLUMNS: frozenset[str] = frozenset(
    c for group in EMBEDDED_PARTIES for c in group[:1] + group[2:] if c and c not in PARTY_ROLES
)

# Columns that readers may carry but the warehouse ignores without a warning.
KNOWN_EXTRA: frozenset[str] = frozenset({"publication_number"})


def table_for_filename(stem: str) -> TableSpec | None:
    """The canonical table a file holds, from its name: 'patents.csv', 'parties_2023.xlsx'."""
    s = stem.lower()
    for name in sorted(TABLES, key=len, reverse=True):
        if (
            s == name
            or s.startswith(name + "_")
            or s.startswith(name + "-")
            or s.startswith(name + ".")
        ):
            return TABLES[name]
    return None
