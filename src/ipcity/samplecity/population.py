"""Year-end resident population of Shanghai and its districts, 2014 to the last year.

Which numbers are real is said row by row in ``source``: the city totals for 2021 and 2022 are the
published year-end figures of ../shared/data/reference; 2020 is the 7th census (1 November 2020,
not year end); other city years are approximations of the published year-end figures that were
not checked against the bulletins. District rows are the census figures for 2020 and, for other
years, the city total split by the census shares (a synthetic interpolation).
"""

from __future__ import annotations

import pyarrow as pa

from ipcity.samplecity.geography import CENSUS_2020_TOTAL, CITY_CODE, DISTRICTS

CENSUS_YEAR = 2020

# (population, source) of the city's year-end residents.
CITY_POPULATION: dict[int, tuple[int, str]] = {
    2014: (24_256_800, "synthetic: approximation of the published year-end figure (unchecked)"),
    2015: (24_152_700, "synthetic: approximation of the published year-end figure (unchecked)"),
    2016: (24_197_000, "synthetic: approximation of the published year-end figure (unchecked)"),
    2017: (24_183_300, "synthetic: approximation of the published year-end figure (unchecked)"),
    2018: (24_237_800, "synthetic: approximation of the published year-end figure (unchecked)"),
    2019: (24_281_400, "synthetic: approximation of the published year-end figure (unchecked)"),
    2020: (CENSUS_2020_TOTAL, "real: 7th national census, 1 Nov 2020 (not year end)"),
    2021: (24_894_300, "real: Shanghai 2021 statistical bulletin (year end)"),
    2022: (24_758_900, "real: Shanghai statistics bureau sample survey (year end)"),
    2023: (24_874_500, "synthetic: approximation of the published year-end figure (unchecked)"),
}


def population_table(first_year: int, last_year: int) -> pa.Table:
    """Rows for the city (310000) and each district for every year in the range."""
    codes: list[str] = []
    years: list[int] = []
    values: list[float] = []
    sources: list[str] = []
    for year in range(first_year, last_year + 1):
        total, source = CITY_POPULATION[year]
        codes.append(CITY_CODE)
        years.append(year)
        values.append(float(total))
        sources.append(source)
        for d in DISTRICTS:
            codes.append(d.code)
            years.append(year)
            if year == CENSUS_YEAR:
                values.append(float(d.census_2020))
                sources.append("real: 7th national census, 1 Nov 2020 (district)")
            else:
                # the census share of the district applied to that year's city total
                values.append(float(round(total * d.census_2020 / CENSUS_2020_TOTAL)))
                sources.append("synthetic: city total x district share in the 2020 census")
    return pa.table(
        {
            "region_code": pa.array(codes, pa.string()),
            "year": pa.array(years, pa.int32()),
            "population": pa.array(values, pa.float64()),
            "source": pa.array(sources, pa.string()),
        }
    )
