"""The synthetic world sample: deterministic, shaped like real data, located by our geocoder."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ipcity.clusters import gazetteer
from ipcity.clusters.sample import definition, generate_world_sample
from ipcity.errors import InputError
from ipcity.geo import regions


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    a = generate_world_sample(tmp_path / "a", scale=0.02, seed=11)
    b = generate_world_sample(tmp_path / "b", scale=0.02, seed=11)
    c = generate_world_sample(tmp_path / "c", scale=0.02, seed=12)
    for name in a.files:
        assert a.files[name].read_bytes() == b.files[name].read_bytes()
    assert a.files["parties"].read_bytes() != c.files["parties"].read_bytes()
    assert a.applications == 600  # 30,000 x 0.02


def test_records_look_like_real_data(tmp_path: Path) -> None:
    s = generate_world_sample(tmp_path, scale=0.05, seed=3, publications=False)
    assert set(s.files) == {"patents", "parties"}
    with s.files["patents"].open(encoding="utf-8") as fh:
        patents = list(csv.DictReader(fh))
    assert {p["office"] for p in patents} == {"WO"}
    years = {int(p["application_date"][:4]) for p in patents}
    assert years == set(range(2015, 2024))
    with s.files["parties"].open(encoding="utf-8") as fh:
        parties = list(csv.DictReader(fh))
    assert len(parties) == s.inventor_records
    assert {p["role"] for p in parties} == {"inventor"}
    shanghai = [p for p in parties if p["address"].startswith("上海市")]
    assert shanghai and all(p["country"] == "CN" for p in shanghai)
    assert any(p["latitude"] for p in parties) and any(not p["latitude"] for p in parties)
    # Sequence numbers run 1..k within each application.
    seqs: dict[str, list[int]] = {}
    for p in parties:
        seqs.setdefault(p["patent_id"], []).append(int(p["sequence"]))
    assert all(v == list(range(1, len(v) + 1)) for v in seqs.values())


def test_every_defined_place_is_known() -> None:
    spec = definition()
    calibrated = {c["name"]: c["pct"] for c in spec["clusters"]}
    # GII 2023: Tokyo-Yokohama 10.1 %, Shanghai-Suzhou 2.6 % (split 1.6 + 1.0 here)
    assert calibrated["Tokyo-Yokohama"] == 10.1
    assert calibrated["Shanghai"] + calibrated["Suzhou"] == pytest.approx(2.6)
    for cl in spec["clusters"]:
        for where, _ in cl["places"]:
            if where.startswith("cn:"):
                assert regions.centroid(where[3:]) is not None, where
            else:
                assert gazetteer.lookup(where).place is not None, where


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        generate_world_sample(tmp_path, scale=0)
    with pytest.raises(InputError):
        generate_world_sample(tmp_path, fmt="xlsx")
