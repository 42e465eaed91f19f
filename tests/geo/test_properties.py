"""Properties of the resolver on arbitrary text (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ipcity.geo.countries import zh_names
from ipcity.geo.gazetteer import regions
from ipcity.geo.regions import contains, is_known
from ipcity.geo.resolve import attribute, resolve_addresses

# Text built from the pieces addresses are made of, so the matchers' branches are reached.
_PIECES = sorted(
    {r.name for r in regions().values()}
    | set(zh_names())
    | {"路", "号", "区", "县", "中国", "Shanghai", "Pudong", ", ", "MA", "US", "02139", " ", "８"}
)
address_like = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)
anything = st.one_of(st.none(), st.text(max_size=60), address_like)


@settings(max_examples=300, deadline=None)
@given(st.lists(anything, max_size=12))
def test_resolve_never_raises_and_keeps_shape(addresses: list[str | None]) -> None:
    places = resolve_addresses(addresses)
    assert len(places) == len(addresses)
    for p in places:
        if p.region_code is not None:
            assert is_known(p.region_code)
            assert p.country in ("CN", "HK", "MO", "TW")
            assert contains(p.region_code, p.region_code, p.country)
        if p.level is None:
            assert p.region_code is None and p.country is None
        elif p.level == "country":
            assert p.region_code is None and p.country is not None


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(st.none(), st.text(max_size=14), st.sampled_from(sorted(regions()))),
    anything,
    st.one_of(st.none(), st.text(max_size=4), st.sampled_from(["CN", "US", "HK", "JP", "中国"])),
)
def test_attribute_never_raises(code: str | None, address: str | None, country: str | None) -> None:
    p = attribute(code, address, country)
    if p.region_code is not None:
        assert is_known(p.region_code)
