"""The numbers the sample city is calibrated on, at scale 1.

Figures marked PUBLISHED are in ../shared/data/reference/published-indicators.csv. Figures marked
APPROX are the order of magnitude of Shanghai's statistical bulletins as recalled, not checked
against a source: they shape the series but no test pins them. Everything else is an assumption
of the model. docs/sample-city.md explains each one.
"""

from __future__ import annotations

# ---- Patent types and offices -------------------------------------------------------------
INVENTION, UTILITY_MODEL, DESIGN, PCT = 0, 1, 2, 3
TYPE_NAMES = ("invention", "utility_model", "design", "")  # PCT: patent_type empty
TYPE_DIGITS = (1, 2, 3, 0)  # CN application numbers: 1 invention, 2 utility model, 3 design
OFFICES = ("CN", "CN", "CN", "WO")

FIRST_YEAR, LAST_YEAR = 2015, 2023  # years the calibration tables cover for every type
BACKLOG_YEARS = 10  # inventions granted this many years before the first year are included
FIRST_BACKLOG_YEAR = FIRST_YEAR - BACKLOG_YEARS

# ---- Grants by grant year (Shanghai first-named applicant) ----------------------------------
GRANTS_TOTAL: dict[int, int] = {
    2015: 60_623,  # APPROX
    2016: 64_230,  # APPROX
    2017: 72_806,  # APPROX
    2018: 92_460,  # PUBLISHED (2018 statistical bulletin)
    2019: 100_587,  # APPROX
    2020: 139_780,  # APPROX
    2021: 179_317,  # APPROX
    2022: 178_300,  # PUBLISHED (IP Joint Conference 2023 report)
    2023: 158_300,  # APPROX
}
INVENTION_GRANTS: dict[int, int] = {
    # backlog (APPROX): Shanghai invention grants 2005-2014
    2005: 3_100,
    2006: 3_900,
    2007: 4_100,
    2008: 4_500,
    2009: 5_000,
    2010: 6_900,
    2011: 9_200,
    2012: 11_400,
    2013: 10_600,
    2014: 11_600,
    2015: 17_601,  # APPROX
    2016: 20_086,  # APPROX
    2017: 20_681,  # APPROX
    2018: 21_331,  # PUBLISHED (2018 statistical bulletin)
    2019: 22_735,  # APPROX
    2020: 24_208,  # APPROX
    2021: 32_860,  # APPROX
    2022: 36_800,  # "about 36,800" (issue brief; APPROX)
    2023: 44_200,  # APPROX
}
#: Utility models' share of the non-invention grants (the rest are designs): assumption.
UTILITY_SHARE_OF_OTHER_GRANTS = 0.76

# ---- Applications by application year -------------------------------------------------------
APPLICATIONS_TOTAL: dict[int, int] = {  # APPROX
    2015: 100_006,
    2016: 119_937,
    2017: 131_746,
    2018: 150_233,
    2019: 173_586,
    2020: 214_601,
    2021: 240_000,
    2022: 210_000,
    2023: 205_000,
}
INVENTION_APPLICATIONS: dict[int, int] = {  # APPROX
    2015: 46_976,
    2016: 54_339,
    2017: 54_633,
    2018: 62_755,
    2019: 71_294,
    2020: 80_000,
    2021: 86_000,
    2022: 88_000,
    2023: 95_000,
}
UTILITY_SHARE_OF_OTHER_APPLICATIONS = 0.78
#: At least this share of each year's applications is never granted (rejected, withdrawn, or
#: still pending at the data horizon) even when grants of later years leave room for fewer.
MIN_NOT_GRANTED_SHARE = (0.30, 0.05, 0.05)

PCT_APPLICATIONS: dict[int, int] = {
    2015: 1_060,  # APPROX
    2016: 1_560,  # APPROX
    2017: 2_100,  # APPROX
    2018: 2_528,  # PUBLISHED (CNIPA; the 2018 bulletin says 2,500)
    2019: 3_200,  # APPROX
    2020: 3_558,  # APPROX
    2021: 4_830,  # derived: 5,591 / 1.1576 (PUBLISHED growth 15.76 %)
    2022: 5_591,  # PUBLISHED
    2023: 6_185,  # PUBLISHED
}

#: Patents whose first-named applicant is outside Shanghai but with a Shanghai co-applicant:
#: added on top of the calibrated (Shanghai-first) counts, so attribution rules matter.
OUTSIDE_FIRST_SHARE = 0.02

# ---- Grant lags: shift + median * exp(sigma * Z), in years -----------------------------------
LAG = {
    INVENTION: (1.0, 1.3, 0.55),  # median 2.3 y, 90 % within 1.4-3.6 y
    UTILITY_MODEL: (0.3, 0.4, 0.35),  # median 8.4 months
    DESIGN: (0.15, 0.35, 0.35),  # median 6 months, 90 % within 4.4-8.4 months
}

# ---- Lapses --------------------------------------------------------------------------------
#: Terms in years from the filing date (designs filed from 2021-06-01: 15 years).
TERM_YEARS = (20, 10, 10)
DESIGN_LONG_TERM_FROM = "2021-06-01"
DESIGN_LONG_TERM = 15


def invention_hazard(patent_year: int) -> float:
    """Probability that the annual fee of patent year n (1..20) goes unpaid, given the earlier
    ones were paid: low while young, rising as fees rise (CN fees step up in years 4, 7, 10, 13,
    16). Calibrated so that about 241,400 inventions are in force at the end of 2023."""
    if patent_year <= 3:
        return 0.005
    if patent_year <= 6:
        return 0.010
    if patent_year <= 9:
        return 0.045
    if patent_year <= 12:
        return 0.120
    if patent_year <= 15:
        return 0.150
    return 0.180


def utility_hazard(patent_year: int) -> float:
    """Utility models are dropped fast: most are kept 3-6 years."""
    if patent_year <= 2:
        return 0.10
    if patent_year <= 4:
        return 0.20
    return 0.25


def design_hazard(patent_year: int) -> float:
    return 0.12 if patent_year <= 2 else 0.25


#: Multipliers on the lapse hazard: valuable patents are kept longer (assumption).
HAZARD_MULTIPLIER = {
    "sei": 0.85,
    "foreign_family": 0.6,
    "pledged": 0.5,
    "awarded": 0.2,
    "university": 1.4,
    "individual": 1.8,
}

# ---- Technology mix -------------------------------------------------------------------------
#: Share of inventions in SEI fields, by grant year (interpolated linearly between the ends).
SEI_SHARE_INVENTION = {FIRST_BACKLOG_YEAR: 0.16, LAST_YEAR: 0.38}
SEI_SHARE_UTILITY = 0.20
SEI_SHARE_PCT = 0.55
#: Probability that a patent is in its first applicant's main field when that field is on the
#: same side of the SEI line as the patent (else a field of that side drawn at random).
MAIN_FIELD_SHARE = 0.75
#: Share of a patent's secondary IPC symbols taken from another field.
CROSS_FIELD_SHARE = 0.08
IPC_COUNT_PROBS = {
    INVENTION: (0.35, 0.30, 0.20, 0.15),
    UTILITY_MODEL: (0.70, 0.30),
    PCT: (0.30, 0.30, 0.25, 0.15),
}

# ---- Families (inventions): family_countries values and their probabilities; the rest (about
# 70 %) have none -------------------------------------------------------------------------------
FAMILY_CN_ONLY = ("CN", 0.12)
FAMILY_PCT_ONLY = ("CN;WO", 0.08)
#: families reaching a foreign office: share of inventions (SEI fields: x1.5, others x0.5)
FAMILY_FOREIGN_SHARE = 0.075
FAMILY_FOREIGN = (
    ("CN;US", 0.30),
    ("CN;US;EP", 0.20),
    ("CN;WO;US;EP", 0.20),
    ("CN;JP;US", 0.10),
    ("CN;WO;US;EP;JP;KR", 0.10),
    ("CN;EP", 0.05),
    ("CN;WO;US", 0.05),
)

# ---- Parties -------------------------------------------------------------------------------
#: Category of the first-named applicant by type: company, university/institute, hospital,
#: individual (Shanghai). Rows: invention, utility model, design, PCT.
FIRST_APPLICANT_MIX = (
    (0.80, 0.14, 0.03, 0.03),
    (0.88, 0.03, 0.03, 0.06),
    (0.90, 0.00, 0.00, 0.10),
    (0.88, 0.11, 0.00, 0.01),
)
#: Number of co-applicants (0, 1, 2, 3) by type.
CO_APPLICANT_PROBS = (
    (0.78, 0.15, 0.05, 0.02),
    (0.88, 0.09, 0.03, 0.00),
    (0.93, 0.06, 0.01, 0.00),
    (0.85, 0.12, 0.03, 0.00),
)
#: Where co-applicants sit: Shanghai, elsewhere in China, Hong Kong, abroad.
CO_APPLICANT_PLACE = (0.55, 0.32, 0.03, 0.10)
#: Inventors per patent (1..8) by type.
INVENTOR_PROBS = (
    (0.12, 0.18, 0.20, 0.16, 0.12, 0.09, 0.07, 0.06),
    (0.25, 0.25, 0.20, 0.12, 0.08, 0.05, 0.03, 0.02),
    (0.60, 0.30, 0.10),
    (0.08, 0.15, 0.20, 0.18, 0.14, 0.10, 0.08, 0.07),
)
#: Owners of granted patents: no owner rows (stock falls back to applicants) / transferred.
NO_OWNER_ROWS_SHARE = 0.15
TRANSFER_SHARE = (0.10, 0.04, 0.02)
#: Where a transferee sits: Shanghai company, elsewhere in China, abroad.
TRANSFEREE_PLACE = (0.80, 0.15, 0.05)
#: Rows that give an explicit region code (applicants, owners); rows with an empty country.
EXPLICIT_REGION_SHARE = (0.15, 0.10)
EMPTY_COUNTRY_SHARE = 0.10
#: Share of entity addresses with a variant spelling (postcode in front): used on 30 % of rows.
POSTCODE_VARIANT_SHARE = 0.10
POSTCODE_VARIANT_USE = 0.30
#: Pudong companies that write the free-trade-zone name instead of the district.
FREE_TRADE_ZONE_SHARE = 0.08
#: Jing'an applicants whose pre-2016 records still say 闸北区.
OLD_NAME_SHARE = 0.30
#: Foreign applicants written with the country only (no address).
FOREIGN_COUNTRY_ONLY_SHARE = 0.40

# ---- Entities (sub-linear in scale: entity count ~ base * scale ** exponent) -------------------
ENTITY_POOLS = {
    # pool: (count at scale 1, exponent, Pareto alpha of filing volume)
    "company": (40_000, 0.6, 1.2),
    "university": (120, 0.3, 0.9),
    "hospital": (150, 0.3, 1.2),
    "individual": (25_000, 0.6, 2.5),
    "domestic": (8_000, 0.6, 1.3),
    "hong_kong": (300, 0.5, 1.5),
    "foreign": (1_500, 0.5, 1.3),
}
PERSON_POOL = (200_000, 0.5)
MIN_POOL = 12

# ---- Pledges and awards --------------------------------------------------------------------
PLEDGE_SHARE = (0.030, 0.012, 0.0)  # granted inventions / utility models ever pledged
PLEDGE_COUNT_PROBS = (0.70, 0.20, 0.10)  # 1, 2 or 3 registrations
PLEDGE_MEDIAN_CNY = 3_000_000.0
PLEDGE_SIGMA = 1.1  # log-normal: about 14 % of registrations are 10 M CNY or more
PLEDGE_MIN_CNY = 100_000.0

# ---- Population (see population.py for sources) ---------------------------------------------
POPULATION_FIRST_YEAR = 2014
