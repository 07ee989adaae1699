"""Measure how fast attioql compiles filters, next to other Python query-language parsers.

Run from the repository root (djangoql and luqum are needed only here):

    .venv/bin/pip install djangoql luqum
    .venv/bin/python benchmarks/bench_compile.py

It prints the tables and rewrites docs/performance.md with them. Every number comes from
one process and one run: for each corpus entry, the median of several timed repetitions,
then the median over the corpus. djangoql and luqum only parse (they have no schema), so
the fair comparison for them is attioql's own parse; `compile_filter` also resolves names
and values against the schema and builds the JSON.
"""

from __future__ import annotations

import argparse
import math
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import lark

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

import attioql
from attioql.parser import Limits, _grammar_text, parse_filter

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
COMMAND = "python benchmarks/bench_compile.py"

# One alternation of the token shapes of all three languages: the cheapest tokenisation
# any of them could do, and so the floor for the comparison.
TOKEN_REGEX = re.compile(
    r"\s+|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`|[<>!]=|<>|[=<>~:()\[\],.*{}]"
    r"|[+-]?\d[\w\-.:]*|[^\W\d][\w\-.@+']*"
)


def time_call(function: Callable[[], object], repeat: int) -> float:
    """The median time of one call in microseconds, over ``repeat`` timed calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def corpus_median(call: Callable[[corpus.Entry], object], entries: list[corpus.Entry],
                  repeat: int) -> float:
    """The median over the corpus of each entry's median call time, in microseconds."""
    for entry in entries:  # warm-up: imports, parser tables, schema loading
        call(entry)
    return statistics.median(time_call(lambda e=entry: call(e), repeat) for entry in entries)


def fitted_exponent(sizes: list[int], times: list[float]) -> float:
    """The slope of log(time) against log(size): 1.0 is linear, 2.0 quadratic."""
    xs = [math.log(size) for size in sizes]
    ys = [math.log(value) for value in times]
    mean_x = statistics.fmean(xs)
    mean_y = statistics.fmean(ys)
    numerator = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    denominator = sum((x - mean_x) ** 2 for x in xs)
    return numerator / denominator


def import_time_ms(runs: int = 7) -> float:
    """The median time of `import attioql` in a fresh interpreter, in milliseconds."""
    code = ("import time; start = time.perf_counter(); import attioql; "
            "print((time.perf_counter() - start) * 1000)")
    samples = [float(subprocess.run([sys.executable, "-c", code], check=True, text=True,
                                    capture_output=True).stdout) for _ in range(runs)]
    return statistics.median(samples)


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import os

    return {
        "CPU": cpu,
        "cores (nproc)": str(os.cpu_count()),
        "Python": platform.python_version(),
        "lark": lark.__version__,
        "OS": platform.platform(),
        # Other processes on the machine slow every row; a load above the core count
        # makes the numbers unreliable.
        "load average (1 min) at the start": f"{os.getloadavg()[0]:.1f}",
    }


# The measurements ------------------------------------------------------------------------


def compare_peers(entries: list[corpus.Entry], repeat: int) -> list[tuple[str, float]]:
    from djangoql.parser import DjangoQLParser
    from luqum.parser import parser as luqum_parser

    bare_lark = lark.Lark(_grammar_text(), parser="lalr", lexer="contextual", start="filter",
                          maybe_placeholders=False)
    django_parser = DjangoQLParser()

    def compile_cold(entry: corpus.Entry) -> object:
        return attioql.compile_filter(entry.attioql, target=entry.target, schema="demo",
                                      now=NOW, cache=False)

    def compile_warm(entry: corpus.Entry) -> object:
        return attioql.compile_filter(entry.attioql, target=entry.target, schema="demo",
                                      now=NOW)

    return [
        ("attioql compile_filter, cold (cache=False)",
         corpus_median(compile_cold, entries, repeat)),
        ("attioql compile_filter, warm (result cache)",
         corpus_median(compile_warm, entries, repeat)),
        ("attioql parse alone (parse_filter)",
         corpus_median(lambda e: parse_filter(e.attioql), entries, repeat)),
        ("Lark bare parse, same grammar, no callbacks",
         corpus_median(lambda e: bare_lark.parse(e.attioql), entries, repeat)),
        (f"djangoql {_version('djangoql')} parse (DjangoQLParser)",
         corpus_median(lambda e: django_parser.parse(e.djangoql), entries, repeat)),
        (f"luqum {_version('luqum')} parse (Lucene)",
         corpus_median(lambda e: luqum_parser.parse(e.lucene), entries, repeat)),
        ("single-regex tokenisation (floor)",
         corpus_median(lambda e: TOKEN_REGEX.findall(e.attioql), entries, repeat)),
    ]


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


BASE = "tier = smb and fit_score >= 4 and name contains acme"
ROOMY = Limits(max_length=1_000_000, max_depth=200, max_list_size=100_000,
               max_conditions=100_000)


def scaling(repeat: int) -> tuple[list[tuple[str, int, float]], float]:
    """Cold compile times for growing inputs, and the exponent fitted to the size series."""
    def cold(text: str) -> float:
        return time_call(lambda: attioql.compile_filter(
            text, target="companies", schema="demo", now=NOW, cache=False, limits=ROOMY),
            repeat)

    rows: list[tuple[str, int, float]] = []
    size_points: list[tuple[int, float]] = []
    for factor in (1, 10, 100):
        text = " and ".join([BASE] * factor)
        cost = cold(text)
        rows.append((f"expression size x{factor}", len(text), cost))
        size_points.append((len(text), cost))
    for depth in (10, 50):
        text = "(" * depth + BASE + ")" * depth
        rows.append((f"nesting depth {depth}", len(text), cold(text)))
    for count in (10, 1_000):
        text = "name in [" + ", ".join(f"n{index}" for index in range(count)) + "]"
        rows.append((f"list size {count:,}", len(text), cold(text)))
    exponent = fitted_exponent([size for size, _ in size_points],
                               [cost for _, cost in size_points])
    return rows, exponent


# Reporting -------------------------------------------------------------------------------


def render(peers: list[tuple[str, float]], rows: list[tuple[str, int, float]],
           exponent: float, import_ms: float, entries: int, distinct: int,
           repeat: int) -> str:
    cold = peers[0][1]
    django = next(value for name, value in peers if name.startswith("djangoql"))
    lines = [
        "# Performance",
        "",
        "Numbers from `benchmarks/bench_compile.py`, which rewrites this page. Each is the",
        f"median over a corpus of {entries} filters ({distinct} distinct texts) over the",
        f"`demo` schema of each filter's median time over {repeat} calls, all in one process",
        "and one run. djangoql and luqum parse the equivalent djangoql and Lucene text; they",
        "only parse, while `compile_filter` also binds names and values to the schema and",
        "builds the JSON.",
        "",
        f"Command: `{COMMAND}` (from the repository root, with `djangoql` and `luqum`",
        "installed in the same environment).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine().items()),
        "",
        "## Compile and parse, per filter",
        "",
        "| what | median µs | ratio to cold compile |",
        "|---|---:|---:|",
        *(f"| {name} | {value:.1f} | {value / cold:.2f} |" for name, value in peers),
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---:|---|",
        f"| cold compile / djangoql parse ≤ 1.0 (stretch 0.5) | {cold / django:.2f} | "
        f"{'yes' if cold <= django else 'no'} |",
        f"| fitted exponent of cold compile over size ≤ 1.1 | {exponent:.2f} | "
        f"{'yes' if exponent <= 1.1 else 'no'} |",
        f"| `import attioql` < 150 ms | {import_ms:.0f} ms | "
        f"{'yes' if import_ms < 150 else 'no'} |",
        "",
        "## Scaling of a cold compile",
        "",
        f"The base expression is `{BASE}`; size ×N joins N copies with `and`. The fitted",
        "exponent is the slope of log(time) over log(length) for the three sizes.",
        "",
        "| input | characters | median µs | µs per character |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {size:,} | {value:.1f} | {value / size:.2f} |"
          for name, size, value in rows),
        "",
        f"Fitted exponent: {exponent:.2f}.",
        "",
        f"`import attioql` in a fresh interpreter: {import_ms:.0f} ms (median of 7).",
        "",
        "## Where the cold compile time goes",
        "",
        "Lark's bare parse of the same grammar, with no tree built at all, already takes",
        "about twice as long as djangoql's whole parse, because Lark's LALR loop and",
        "contextual lexer run in Python for every token; binding to the schema and building",
        "the JSON add the rest. So a cold compile at or below djangoql's bare parse would",
        "need a different parser runtime, not tuning.",
        "",
        "What was tried:",
        "",
        "- The tree is built in Lark's reduce callbacks instead of a parse tree and a",
        "  transformer pass.",
        "- `lark-cython` halves Lark's bare parse but fails on those callbacks, so it is",
        "  not used.",
        "- The pydantic snapshot models and the search-bar modules load on first use. This",
        "  brought `import attioql` from about 170 ms to the figure above.",
        "- A process-wide LRU cache makes a repeated compile about 20 times faster (the",
        "  warm row).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=15,
                         help="timed calls per corpus entry (default: 15)")
    options.add_argument("--no-write", action="store_true",
                         help="print only; leave docs/performance.md unchanged")
    arguments = options.parse_args()

    entries = corpus.load()
    distinct = len({entry.attioql for entry in entries})
    peers = compare_peers(entries, arguments.repeat)
    rows, exponent = scaling(arguments.repeat)
    import_ms = import_time_ms()

    page = render(peers, rows, exponent, import_ms, len(entries), distinct, arguments.repeat)
    print(page)
    if not arguments.no_write:
        (ROOT / "docs" / "performance.md").write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
