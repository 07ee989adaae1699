"""Benchmark: analyze() at the end of a 200-character filter against compile_filter().

A search bar calls analyze() on every keystroke, so it should cost no more than a few
compiles. Both run on the same text, schema object and clock in one process; the compile
cache is off so each call does the full work. The target is a ratio of medians of at most
3.0; the script exits with status 1 above it.

    .venv/bin/python benchmarks/bench_analyze.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone

import attioql
from attioql.analysis import analyze

TEXT = (
    'tier in [smb, "Mid-market"] and (name contains "acme" or domains = acme.com) '
    "and created_at >= -30d and owner = tom and fit_score > 4 "
    "and last_calendar_interaction.interacted_at > 2023-11-01 and arr>1"
)
TARGET_RATIO = 3.0


def _median_seconds(call: Callable[[], object], repeat: int) -> float:
    for _ in range(20):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300, help="timed calls of each (default 300)")
    args = parser.parse_args()

    schema = attioql.load_schema("demo")
    now = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
    options = {"target": "companies", "schema": schema, "now": now}
    assert len(TEXT) == 200, len(TEXT)

    compile_median = _median_seconds(
        lambda: attioql.compile_filter(TEXT, cache=False, **options), args.repeat)
    analyze_median = _median_seconds(lambda: analyze(TEXT, len(TEXT), **options), args.repeat)
    ratio = analyze_median / compile_median
    print(f"text: {len(TEXT)} characters")
    print(f"compile_filter median: {compile_median * 1e3:.3f} ms")
    print(f"analyze median:        {analyze_median * 1e3:.3f} ms")
    print(f"ratio: {ratio:.2f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
