"""Compiling from many threads at once gives the same results as one thread.

The parser keeps its per-parse state in a ``threading.local`` and the result and parse
caches take a lock, so the threads share the parser, the bundled schemas and the caches.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

import attioql

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
THREADS = 8
COMPILES_PER_THREAD = 10_000

EXPRESSIONS: list[tuple[str, str]] = [
    ("companies", "tier = smb"),
    ("companies", "tier in [smb, enterprise] and fit_score >= 4"),
    ("companies", "name contains acme or domains.domain = acme.com"),
    ("companies", "not is_customer = true"),
    ("companies", "created_at >= now - 7d"),
    ("companies", "created_at = last month and owner = tom"),
    ("companies", "renewal_date between 2024-01-01 and 2024-03-31"),
    ("companies", "last_calendar_interaction.interacted_at >= 2023-11-01 and owner = me"),
    ("companies", "team.name starts with a"),
    ("companies", "(tier = smb or tier = enterprise) and not (arr < 1000)"),
    ("companies", "domains is not empty and not name contains test"),
    ("companies", 'name in ["Acme Corp", "Globex", initech]'),
    ("companies", "categories = saas"),
    ("companies", "created_at = this week"),
    ("companies", "fit_score > 2 and fit_score <= 5"),
    ("people", "email_addresses(domain = acme.com and local starts with j)"),
    ("people", "company.name contains acme"),
    ("people", "lead_score >= 10 or seniority = manager"),
    ("people", "birthday = 3 days ago"),
    ("people", "name = ann and job_title contains engineer"),
    ("deals", "stage = lead and value >= 1000"),
    ("deals", "close_date >= today and owner = priya"),
    # Rejected inputs: each thread must see the same error as a single thread.
    ("companies", "nmae = x"),
    ("companies", "tier = nope"),
    ("companies", "name = "),
    ("companies", "(" * 70 + "name = a" + ")" * 70),
    ("companies", "name in [" + ", ".join(["a"] * 1_001) + "]"),
    ("companies", "fit_score contains 3"),
    ("companies", 'name = "unterminated'),
    ("companies", "name = two words"),
    ("people", "email_addresses(domain = a.com or local = b)"),
    ("companies", "created_at >= 1.5h"),
]


def outcome(target: str, text: str, cache: bool) -> Any:
    """The compiled JSON, or the error's code, span and message."""
    try:
        return attioql.compile_filter(text, target=target, schema="demo", now=NOW,
                                      current_member="tom@example.com", cache=cache)
    except attioql.AttioQLError as error:
        return [(d.code, d.span, d.message) for d in error.errors]


def schedule(seed: int) -> Iterator[tuple[str, str, bool]]:
    """A thread's sequence of compiles: every expression in a thread-specific order, one
    compile in ten around the cache so that parses run concurrently too."""
    count = len(EXPRESSIONS)
    for index in range(COMPILES_PER_THREAD):
        target, text = EXPRESSIONS[(index * (seed * 2 + 1) + seed) % count]
        yield target, text, index % 10 != 0


@pytest.fixture()
def fast_switching() -> Iterator[None]:
    """Switch threads far more often than the 5 ms default, to interleave parses."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    yield
    sys.setswitchinterval(previous)


@pytest.mark.usefixtures("fast_switching")
def test_threads_match_single_thread() -> None:
    attioql.core.clear_caches()
    expected = {(target, text): outcome(target, text, cache=False)
                for target, text in EXPRESSIONS}
    assert sum(isinstance(result, dict) for result in expected.values()) == 22

    mismatches: list[tuple[int, str, Any]] = []
    completed = [0] * THREADS
    failures: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work(seed: int) -> None:
        try:
            barrier.wait()
            for target, text, cache in schedule(seed):
                result = outcome(target, text, cache)
                if result != expected[(target, text)]:
                    mismatches.append((seed, text, result))
                completed[seed] += 1
        except BaseException as error:  # reported by the assertions below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert mismatches == []
    assert completed == [COMPILES_PER_THREAD] * THREADS


@pytest.mark.usefixtures("fast_switching")
def test_threads_check_matches_single_thread() -> None:
    def diagnostics(target: str, text: str) -> list[tuple[str, tuple[int, int], str]]:
        return [(d.code, d.span, d.message) for d in
                attioql.check(text, target=target, schema="demo", now=NOW)]

    expected = {(target, text): diagnostics(target, text) for target, text in EXPRESSIONS}
    mismatches: list[str] = []

    def work(seed: int) -> None:
        for index in range(500):
            target, text = EXPRESSIONS[(index + seed) % len(EXPRESSIONS)]
            if diagnostics(target, text) != expected[(target, text)]:
                mismatches.append(text)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mismatches == []
