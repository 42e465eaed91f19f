"""generate(): files, formats, determinism, part files, arguments."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from ipcity.errors import InputError
from ipcity.samplecity import GenerationSummary, generate, generator
from ipcity.sources.tables import TABLES, table_for_filename

WRITTEN_TABLES = ("patents", "parties", "pledges", "awards", "population", "sei_concordance")
ARROW_KIND = {"str": pa.string(), "date": pa.date32(), "int": pa.int32(), "float": pa.float64()}


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_writes_one_file_per_table_and_a_marker(small_city: GenerationSummary) -> None:
    names = sorted(p.name for p in small_city.out_dir.iterdir())
    assert names == sorted([f"{t}.parquet" for t in WRITTEN_TABLES] + ["README.txt"])
    assert sorted(p.name for p in small_city.files) == names
    assert small_city.bytes_written == sum(p.stat().st_size for p in small_city.files)
    for table in WRITTEN_TABLES:
        assert (
            pq.read_metadata(small_city.out_dir / f"{table}.parquet").num_rows
            == (small_city.rows[table])
        )


def test_columns_and_types_are_the_canonical_ones(small_city_dir: Path) -> None:
    for table in WRITTEN_TABLES:
        schema = pq.read_schema(small_city_dir / f"{table}.parquet")
        spec = TABLES[table]
        assert tuple(schema.names) == spec.column_names
        for column in spec.columns:
            assert schema.field(column.name).type == ARROW_KIND[column.kind], column.name


def test_same_seed_gives_byte_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", scale=0.002, seed=7)
    b = generate(tmp_path / "b", scale=0.002, seed=7)
    c = generate(tmp_path / "c", scale=0.002, seed=8)
    assert _digests(a.out_dir) == _digests(b.out_dir)
    assert (a.rows, a.distinct_addresses, a.bytes_written) == (
        b.rows,
        b.distinct_addresses,
        b.bytes_written,
    )
    digests_c = _digests(c.out_dir)
    for table in ("patents", "parties"):
        assert digests_c[f"{table}.parquet"] != _digests(a.out_dir)[f"{table}.parquet"]
    # the plan (how many patents of each type and year) depends on scale only, not on the seed
    assert c.patents_by_type == a.patents_by_type


def test_csv_is_utf8_with_canonical_header_and_iso_dates(tmp_path: Path) -> None:
    summary = generate(tmp_path / "csv", scale=0.002, fmt="csv")
    for table in WRITTEN_TABLES:
        path = summary.out_dir / f"{table}.csv"
        text = path.read_bytes().decode("utf-8")  # raises if not UTF-8
        header = text.splitlines()[0].replace('"', "").split(",")
        assert tuple(header) == TABLES[table].column_names
        read = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
        assert read.num_rows == summary.rows[table]
    patents = pacsv.read_csv(
        summary.out_dir / "patents.csv",
        convert_options=pacsv.ConvertOptions(column_types={"application_date": pa.string()}),
    )
    dates = patents.column("application_date").to_pylist()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates)
    titles = patents.column("title").to_pylist()
    assert all(t.startswith("[合成样例]") for t in titles)


def test_csv_and_parquet_hold_the_same_rows(tmp_path: Path) -> None:
    p = generate(tmp_path / "p", scale=0.002, fmt="parquet")
    c = generate(tmp_path / "c", scale=0.002, fmt="csv")
    from_parquet = pq.read_table(p.out_dir / "parties.parquet")
    from_csv = pacsv.read_csv(
        c.out_dir / "parties.csv",
        convert_options=pacsv.ConvertOptions(
            column_types=dict(
                zip(from_parquet.schema.names, from_parquet.schema.types, strict=True)
            ),
            strings_can_be_null=True,
        ),
    )
    assert from_csv.equals(from_parquet)


def test_large_runs_write_numbered_part_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator, "CHUNK_ROWS", 1_000)
    calls: list[tuple[int, int]] = []
    summary = generate(
        tmp_path / "parts", scale=0.002, progress=lambda done, total: calls.append((done, total))
    )
    total = sum(summary.patents_by_type.values())
    n_parts = -(-total // 1_000)  # ceiling division
    names = {p.name for p in summary.out_dir.iterdir()}
    for table in ("patents", "parties", "pledges", "awards"):
        parts = sorted(n for n in names if n.startswith(table + "_"))
        assert parts == [f"{table}_{i:04d}.parquet" for i in range(1, n_parts + 1)]
        assert all(table_for_filename(Path(n).stem) is TABLES[table] for n in parts)
    assert "population.parquet" in names
    assert calls[0] == (0, total) and calls[-1] == (total, total) and len(calls) == n_parts + 1
    # chunking changes the random streams but not the plan: same patents per type as unchunked
    monkeypatch.setattr(generator, "CHUNK_ROWS", 1_000_000)
    whole = generate(tmp_path / "whole", scale=0.002)
    assert whole.patents_by_type == summary.patents_by_type
    ids = pa.concat_tables(
        [pq.read_table(summary.out_dir / f"patents_{i:04d}.parquet") for i in range(1, n_parts + 1)]
    ).column("patent_id")
    assert len(set(ids.to_pylist())) == total


def test_tiny_scale_works(tmp_path: Path) -> None:
    summary = generate(tmp_path / "tiny", scale=0.001)
    # 0.001 x ~1.78 million patents, rounded cell by cell
    assert 1_500 < sum(summary.patents_by_type.values()) < 2_100
    assert all(n > 0 for n in summary.patents_by_type.values())
    assert summary.rows["parties"] > summary.rows["patents"]


def test_refuses_to_mix_with_existing_table_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(out, scale=0.001)
    with pytest.raises(InputError, match="already holds table files"):
        generate(out, scale=0.001)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    generate(out, scale=0.001, fmt="csv", overwrite=True)
    names = {p.name for p in out.iterdir()}
    assert "patents.parquet" not in names and "patents.csv" in names
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_never_replaces_a_readme_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.txt").write_text("project notes", encoding="utf-8")
    for overwrite in (False, True):
        with pytest.raises(InputError, match="not written by the sample city"):
            generate(out, scale=0.001, overwrite=overwrite)
    assert (out / "README.txt").read_text(encoding="utf-8") == "project notes"
    assert [p.name for p in out.iterdir()] == ["README.txt"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scale": 0}, "positive"),
        ({"scale": -1.0}, "positive"),
        ({"scale": float("nan")}, "positive"),
        ({"scale": 1000.0}, "largest supported"),
        ({"scale": 1e-7}, "too small"),
        ({"seed": -1}, "seed"),
        ({"fmt": "xlsx"}, "format"),
        ({"years": (2010, 2020)}, "outside the calibrated range"),
        ({"years": (2020, 2018)}, "outside the calibrated range"),
    ],
)
def test_bad_arguments_are_one_line_errors(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        generate(tmp_path / "x", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


def test_marker_says_synthetic(small_city_dir: Path) -> None:
    text = (small_city_dir / "README.txt").read_text(encoding="utf-8")
    assert text.startswith("SYNTHETIC DATA / 合成样例数据")
    assert "seed=20230101, scale=0.02, years=2015-2023" in text


def test_a_shorter_year_range_covers_only_those_years(tmp_path: Path) -> None:
    summary = generate(tmp_path / "y", scale=0.002, years=(2018, 2020))
    patents = pq.read_table(summary.out_dir / "patents.parquet").to_pandas()
    granted = patents["grant_date"].dropna()
    assert max(granted).year == 2020
    # backlog: inventions granted in the 10 years before 2018
    assert min(granted).year == 2008
    not_granted = patents[patents["grant_date"].isna()]
    assert {d.year for d in not_granted["application_date"]} == {2018, 2019, 2020}
    population = pq.read_table(summary.out_dir / "population.parquet")
    assert set(population.column("year").to_pylist()) == set(range(2014, 2021))


def test_sei_concordance_lists_the_groups_of_the_sei_fields(
    small_city_dir: Path, tmp_path: Path
) -> None:
    rows = pq.read_table(small_city_dir / "sei_concordance.parquet").to_pylist()
    prefixes = {r["ipc_prefix"] for r in rows}
    assert "G06N3/" in prefixes and "H01L21/" in prefixes and "A61K39/" in prefixes
    assert not any(p.startswith(("A47", "B65D", "E04")) for p in prefixes)
    assert all(re.fullmatch(r"[A-H]\d\d[A-Z]\d{1,3}/", p) for p in prefixes)
    assert {r["category"] for r in rows} == {
        "1 新一代信息技术产业",
        "4 生物产业",
        "5 新能源汽车产业",
        "6 新能源产业",
    }
    without = generate(tmp_path / "no-sei", scale=0.001, sei_concordance=False)
    assert not (without.out_dir / "sei_concordance.parquet").exists()
    assert without.rows["sei_concordance"] == 0
