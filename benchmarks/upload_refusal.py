"""Upload refusal benchmark (issue 10): how long the 1.5 M-row workbook of the issue (three
inline-string cells a row, about 600 KB on disk) takes to be refused, against a baseline
measured in the same run: reading a normal 20-row task sheet (the least any upload costs).

Target: refused in under 2 s (it took 315 s before: every row was read before the header was
looked for). Two refusals are measured: with the default limits (the unpacked size is over
IPCITY_UPLOAD_MAX_UNZIPPED_MB, refused from the zip directory) and with limits raised so the
file passes that check (refused because none of the first rows is a header). Usage:

    ./run bench upload_refusal [--rows 1500000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable

from tests.support.sheets import inline_xlsx

from ipcity.errors import InputError
from ipcity.workspace.excel_io import TASK_ALIASES, TASK_REQUIRED, header_check
from ipcity.workspace.tabular import UploadLimits, read_rows


def small_task_sheet() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "任务编号", "重点任务", "牵头单位", "完成时限"])
    for i in range(1, 21):
        ws.append([i, f"2023-{i:03d}", f"任务{i}", "市科委", "6月底"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def best_of(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        work()
        times.append(time.perf_counter() - t)
    return min(times)


def refused(data: bytes, limits: UploadLimits) -> Callable[[], str]:
    check = header_check(dict(TASK_ALIASES), TASK_REQUIRED)

    def run() -> str:
        try:
            rows = read_rows(data, "cases.xlsx", header_found=check, limits=limits)
        except InputError as exc:
            return str(exc)
        assert not check(rows), "the benchmark file must have no header"
        return "no header in the first rows"

    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_500_000)
    ap.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    args = ap.parse_args()
    t = time.perf_counter()
    huge = inline_xlsx(args.rows)
    print(f"built {args.rows:,} rows: {len(huge) / 1024:.0f} KB in {time.perf_counter() - t:.1f} s")
    small = small_task_sheet()
    check = header_check(dict(TASK_ALIASES), TASK_REQUIRED)
    baseline = best_of(args.rounds, lambda: read_rows(small, "t.xlsx", header_found=check))
    roomy = UploadLimits(
        max_rows=args.rows + 10, max_cells=4 * args.rows, max_unzipped_bytes=1 << 32
    )
    cases = {
        "default limits (unpacked size)": refused(huge, UploadLimits()),
        "limits raised (no header in the first rows)": refused(huge, roomy),
    }
    print(f"baseline: a 20-row task sheet read in {baseline * 1000:.0f} ms")
    print("| refusal | message | ms | x baseline | under 2 s |")
    print("|---|---|---:|---:|---|")
    for name, run in cases.items():
        message = run()
        secs = best_of(args.rounds, run)
        print(
            f"| {name} | {message} | {secs * 1000:.2f} | {secs / baseline:.2f} | "
            f"{'yes' if secs < 2 else 'NO'} |"
        )


if __name__ == "__main__":
    main()
