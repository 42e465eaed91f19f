"""Where cpca resolves an address in the usual formats, we give the same code; where it stops
at a city that the address names a district of by its short form, we give that district."""

from __future__ import annotations

import warnings

from ipcity.geo.regions import prefix
from ipcity.geo.resolve import resolve_addresses
from ipcity.geo.synthetic import addresses


def cpca_codes(texts: list[str]) -> list[str | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpca imports pkg_resources
        import cpca

        df = cpca.transform(texts)
    return [c if isinstance(c, str) else None for c in df["adcode"]]


def test_same_codes_as_cpca_on_full_addresses() -> None:
    sample = [a for a in addresses(3000, seed=7) if a.kind in ("full", "city_only")]
    texts = [a.text for a in sample]
    ours = [p.region_code for p in resolve_addresses(texts)]
    theirs = cpca_codes(texts)
    assert len(texts) > 1000
    assert ours == theirs
    # ... and both are the code the address was built from.
    assert ours == [a.built_from for a in sample]


def test_short_forms_equal_or_finer_than_cpca() -> None:
    sample = [a for a in addresses(3000, seed=8) if a.kind == "short_forms"]
    texts = [a.text for a in sample]
    ours = [p.region_code for p in resolve_addresses(texts)]
    finer = 0
    for text, o, c in zip(texts, ours, cpca_codes(texts), strict=True):
        assert o is not None and c is not None, text
        assert o.startswith(prefix(c)), text  # equal, or inside cpca's unit
        finer += o != c
    assert finer > 0  # 浦东, 玄武... : cpca stops at the city
