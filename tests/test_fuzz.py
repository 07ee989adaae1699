"""Property tests over generated input: text from the grammar and arbitrary Unicode.

Every entry point either returns or raises AttioQLError, every reported span lies inside
the input, and the cost of a call grows linearly with the input. Cost is measured as the
number of Python and C function calls (a ``sys.setprofile`` hook), so the check does not
depend on the speed of the machine. The default hypothesis profile runs a few thousand
examples in all; ``--hypothesis-profile=long`` runs far more.
"""

from __future__ import annotations

import contextlib
import inspect
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

import attioql
from attioql.parser import KEYWORDS, _grammar_text
from attioql.rules import ATTIO_OPERATORS

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
TARGETS = ("companies", "people", "deals")
OPERATOR_KEYS = frozenset({"$and", "$or", "$not", *ATTIO_OPERATORS})

# Entry points that other modules add over time. Each is fuzzed once it is exported.
OPTIONAL_TEXT_ENTRY_POINTS = ("analyze", "format")


# Strategies -----------------------------------------------------------------------------

SLUGS = (
    "name", "domains", "description", "team", "categories", "primary_location", "owner",
    "tier", "arr", "fit_score", "is_customer", "renewal_date", "created_at", "created_by",
    "parent_company", "last_calendar_interaction", "interacted_at", "email_addresses",
    "domain", "local", "company", "job_title", "phone_numbers", "lead_score", "birthday",
    "seniority", "stage", "value", "close_date", "currency_value", "full_name", "first_name",
    "record_id", "country", "locality", "nope", "_x",
)
WORDS = (
    "smb", "enterprise", "tom", "ann", "me", "now", "today", "yesterday", "tomorrow", "this",
    "last", "next", "ago", "week", "month", "quarter", "year", "days", "acme.com",
    "ann@example.com", "x", "o'brien", "gb", "email", "call", "won", "lost", "usd",
)


def _spaced(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Follow each token with a space, so that neighbouring words do not run together."""
    return strategy.map(lambda token: token + " ")


def _case_variants(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), word.title()])


def _not_keyword(text: str) -> bool:
    return text.lower() not in KEYWORDS


def _quoted(quote: str) -> st.SearchStrategy[str]:
    escapes = {"\\": "\\\\", quote: "\\" + quote, "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    body = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
    return body.map(lambda text: quote + "".join(escapes.get(c, c) for c in text) + quote)


def _terminal_strategies() -> dict[str, st.SearchStrategy[str]]:
    keyword_terminals = {
        "AND": "and", "OR": "or", "NOT": "not", "IN": "in", "IS": "is", "EMPTY": "empty",
        "CONTAINS": "contains", "CONTAIN": "contain", "STARTS": "starts", "START": "start",
        "ENDS": "ends", "END": "end", "WITH": "with", "DOES": "does", "BETWEEN": "between",
        "TRUE": "true", "FALSE": "false", "YES": "yes", "NO": "no", "NULL": "null",
    }
    strategies: dict[str, st.SearchStrategy[str]] = {
        name: _spaced(_case_variants(word)) for name, word in keyword_terminals.items()
    }
    random_name = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
    random_word = st.from_regex(r"[^\W\d_][\w\-.@+']{0,10}", fullmatch=True)
    strategies.update({
        "NAME": _spaced(st.one_of(st.sampled_from(SLUGS), random_name.filter(_not_keyword))),
        "TITLE": st.text(st.characters(exclude_characters="`\r\n", exclude_categories=["Cs"]),
                         min_size=1, max_size=15).map(lambda title: f"`{title}` "),
        "STRING": _spaced(st.one_of(_quoted('"'), _quoted("'"))),
        "WORD": _spaced(st.one_of(st.sampled_from(WORDS), random_word.filter(_not_keyword))),
        "NUMBER": _spaced(st.one_of(
            st.integers(-10**6, 10**6).map(str),
            st.floats(-1e6, 1e6, allow_nan=False).map(lambda n: f"{n:.3f}"),
            st.from_regex(r"[+-]?\d{1,3}(_\d{3}){0,2}", fullmatch=True),
        )),
        "DATE": _spaced(st.one_of(
            st.dates().map(lambda day: day.isoformat()),
            st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
        )),
        "DATETIME": _spaced(st.one_of(
            st.datetimes(timezones=st.just(timezone.utc)).map(lambda moment: moment.isoformat()),
            st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?",
                          fullmatch=True),
        )),
        "UUID": _spaced(st.uuids().map(str)),
        "DURATION": _spaced(st.from_regex(
            r"[+-]?\d{1,4}(min|h|d|w|mo|y| days?| weeks?| months?| hours?| quarters?| years?)",
            fullmatch=True)),
        "BAD_LITERAL": _spaced(st.one_of(
            st.sampled_from(["3m", "1.5h", "2.5d", "12abc", "2024-01-01x", "7-7", "1e5"]),
            st.from_regex(r"[+-]?\d[a-z.:@+'-]{1,6}", fullmatch=True),
        )),
    })
    return strategies


_GRAMMAR = Lark(_grammar_text(), parser="lalr", start=["filter"])
GRAMMAR_TEXT = from_lark(_GRAMMAR, start="filter", explicit=_terminal_strategies())

# Characters that break naive text handling: combining marks, right-to-left scripts and
# marks, zero-width characters, controls (NUL included), lone surrogates and line breaks.
AWKWARD_CHARACTERS = st.one_of(
    st.characters(categories=["Mn", "Me"]),
    st.characters(min_codepoint=0x0590, max_codepoint=0x08FF),
    st.sampled_from(["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202e", "\u2066",
                     "\ufeff", "\u2028", "\u2029", "\u00a0", "\u3000"]),
    st.characters(categories=["Cc"]),
    st.just("\x00"),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.characters(),
)
UNICODE_TEXT = st.text(AWKWARD_CHARACTERS, max_size=60)



# A faster generator of the same grammar that picks real attribute paths and values, so
# most of its filters reach the binder and the compiler. Lark's generator above spends
# about 60 ms on each example, so it runs fewer examples.
PATHS = (
    "name", "domains", "description", "tier", "categories", "owner", "arr", "fit_score",
    "is_customer", "renewal_date", "created_at", "created_by", "team", "team.name",
    "parent_company.name", "last_calendar_interaction.interacted_at",
    "last_calendar_interaction", "primary_location.country", "email_addresses",
    "email_addresses.domain", "company.name", "company.tier", "job_title", "lead_score",
    "birthday", "seniority", "phone_numbers", "name.first_name", "stage", "value",
    "close_date", "associated_company.name", "`Name`", "`Tier`", "nope", "arr.currency_code",
)
RELATIVE_DATES = ("now - 7d", "now+2w", "today", "yesterday", "3 days ago", "2 weeks ago",
                  "this week", "last month", "next quarter", "last 30 days", "now - 2",
                  "this year", "tomorrow + 1mo")
VALUES = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(RELATIVE_DATES),
    _quoted('"'), _quoted("'"),
    st.integers(-1000, 10**7).map(str),
    st.sampled_from(["1.5", "1_000", "-3", "+4", "0", "5", "3m", "1.5h", "12abc"]),
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["2024-01-17T10:00:00Z", "2024-01-17t10:00+05:30", "2024-02-30"]),
    st.uuids().map(str),
    st.sampled_from(["true", "false", "yes", "no", "null", "me", "SMB", "Enterprise"]),
)
PREDICATES = st.one_of(
    st.tuples(st.sampled_from(["=", "!=", "<>", ">", ">=", "<", "<=", "is", "is not",
                               "contains", "not contains", "does not contain",
                               "starts with", "ends with", "start with"]), VALUES)
    .map(lambda pair: f"{pair[0]} {pair[1]}"),
    st.sampled_from(["is empty", "is not empty", "is EMPTY"]),
    st.tuples(st.sampled_from(["in", "not in"]),
              st.lists(VALUES, min_size=1, max_size=5), st.sampled_from(["[]", "()"]))
    .map(lambda parts: f"{parts[0]} {parts[2][0]}{', '.join(parts[1])}{parts[2][1]}"),
    st.tuples(st.sampled_from(["between", "not between"]), VALUES, VALUES)
    .map(lambda parts: f"{parts[0]} {parts[1]} and {parts[2]}"),
)
CONDITIONS = st.one_of(
    st.tuples(st.sampled_from(PATHS), PREDICATES).map(" ".join),
    st.tuples(st.sampled_from(PATHS),
              st.lists(st.tuples(st.sampled_from(["", "domain ", "local ", "name ",
                                                  "interacted_at "]), PREDICATES)
                       .map("".join), min_size=1, max_size=3),
              st.sampled_from([" and ", " or "]))
    .map(lambda parts: f"{parts[0]}({parts[2].join(parts[1])})"),
)
SCHEMA_FILTERS = st.recursive(
    CONDITIONS,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" and ", " or ", " AND ", " Or "]), inner)
        .map("".join),
        inner.map(lambda text: f"not {text}"),
        inner.map(lambda text: f"({text})"),
    ),
    max_leaves=12,
)

ANY_TEXT = st.one_of(SCHEMA_FILTERS, UNICODE_TEXT)


LONG_RUN = settings.default.max_examples > 1_000


def examples(ci_count: int) -> int:
    """The example count of a property: ``ci_count`` under the default profile, and 100
    times as many under ``--hypothesis-profile=long``."""
    return ci_count * 100 if LONG_RUN else ci_count


# Checks ---------------------------------------------------------------------------------


def assert_spans_inside(text: str, diagnostics: list[attioql.Diagnostic]) -> None:
    for diagnostic in diagnostics:
        start, end = diagnostic.span
        assert 0 <= start <= end <= len(text), (diagnostic, len(text))


def assert_operator_keys_known(value: Any) -> None:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            for key, member in item.items():
                assert isinstance(key, str)
                assert not key.startswith("$") or key in OPERATOR_KEYS, key
                pending.append(member)
        elif isinstance(item, list):
            pending.extend(item)


def call_with_supported_options(function: Callable[..., Any], text: str, target: str) -> Any:
    """Call an optional entry point with the options its signature accepts."""
    options: dict[str, Any] = {"target": target, "schema": "demo", "now": NOW}
    parameters = inspect.signature(function).parameters
    return function(text, **{name: value for name, value in options.items()
                             if name in parameters})


def check_every_entry_point(text: str, target: str) -> None:
    try:
        result = attioql.compile_filter(text, target=target, schema="demo", now=NOW,
                                        cache=False)
    except attioql.AttioQLError as error:
        assert error.errors
        assert_spans_inside(text, list(error.errors))
        assert error.errors[0].category in ("syntax", "unknown", "operator", "value",
                                            "ambiguous", "limit")
    else:
        assert isinstance(result, dict)
        assert_operator_keys_known(result)
        decompile = getattr(attioql, "decompile", None)
        if callable(decompile):
            with contextlib.suppress(attioql.AttioQLError):
                call_with_supported_options(decompile, result, target)  # type: ignore[arg-type]

    diagnostics = attioql.check(text, target=target, schema="demo", now=NOW)
    assert_spans_inside(text, diagnostics)

    for name in OPTIONAL_TEXT_ENTRY_POINTS:
        function = getattr(attioql, name, None)
        if not callable(function):  # not exported yet, or only a submodule of that name
            continue
        try:
            call_with_supported_options(function, text, target)
        except attioql.AttioQLError as error:
            assert_spans_inside(text, list(error.errors))


# Properties -----------------------------------------------------------------------------


@settings(max_examples=examples(50), suppress_health_check=[HealthCheck.too_slow])
@given(text=GRAMMAR_TEXT, target=st.sampled_from(TARGETS))
def test_grammar_text_compiles_or_raises(text: str, target: str) -> None:
    check_every_entry_point(text, target)


@settings(max_examples=examples(1_000), suppress_health_check=[HealthCheck.too_slow])
@given(text=SCHEMA_FILTERS, target=st.sampled_from(TARGETS))
def test_schema_filters_compile_or_raise(text: str, target: str) -> None:
    check_every_entry_point(text, target)


@settings(max_examples=examples(800), suppress_health_check=[HealthCheck.too_slow])
@given(text=UNICODE_TEXT, target=st.sampled_from(TARGETS))
def test_unicode_text_compiles_or_raises(text: str, target: str) -> None:
    check_every_entry_point(text, target)


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(SCHEMA_FILTERS, GRAMMAR_TEXT).flatmap(
    lambda text: st.tuples(st.just(text), st.integers(0, len(text)), AWKWARD_CHARACTERS)),
    target=st.sampled_from(TARGETS))
def test_noisy_filters_compile_or_raise(text: tuple[str, int, str], target: str) -> None:
    base, position, character = text
    check_every_entry_point(base[:position] + character + base[position:], target)


@settings(max_examples=examples(40), suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.data_too_large])
@given(unit=ANY_TEXT, raise_limit=st.booleans())
def test_100000_character_input(unit: str, raise_limit: bool) -> None:
    assume(unit)
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    options: dict[str, Any] = {"max_length": 100_000} if raise_limit else {}
    try:
        attioql.compile_filter(text, target="companies", schema="demo", now=NOW,
                               cache=False, **options)
    except attioql.AttioQLError as error:
        assert_spans_inside(text, list(error.errors))
        if not raise_limit:
            assert error.errors[0].code == "limit.length"
    assert_spans_inside(text, attioql.check(text, target="companies", schema="demo",
                                            now=NOW, **options))


def test_schema_filters_reach_compiler() -> None:
    """The schema-aware strategy must produce filters that compile, or the properties
    above would only ever exercise error paths."""
    compiled = 0

    @settings(max_examples=200, database=None, derandomize=True)
    @given(text=SCHEMA_FILTERS)
    def count(text: str) -> None:
        nonlocal compiled
        try:
            attioql.compile_filter(text, target="companies", schema="demo", now=NOW)
        except attioql.AttioQLError:
            return
        compiled += 1

    count()
    assert compiled >= 20


# Linear cost ----------------------------------------------------------------------------


def count_calls(function: Callable[[], object]) -> int:
    """Count the Python and C function calls that ``function()`` makes."""
    calls = 0

    def hook(_frame: object, event: str, _argument: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(hook)
    try:
        function()
    except attioql.AttioQLError:
        pass
    finally:
        sys.setprofile(previous)
    return calls


def compile_cost(text: str) -> int:
    return count_calls(lambda: attioql.compile_filter(
        text, target="people", schema="demo", now=NOW, cache=False,
        max_length=len(text) + 1, max_conditions=100_000, max_list_size=100_000))


# Input families whose size is a parameter `n`; each builds text about n times a unit.
SCALING_FAMILIES: dict[str, Callable[[int], str]] = {
    "or_chain": lambda n: " or ".join(f"lead_score > {i}" for i in range(n)),
    "and_of_paths": lambda n: " and ".join(
        f"company.name contains c{i}" for i in range(n)),
    "long_list": lambda n: "name in [" + ", ".join(f'"p{i}"' for i in range(n)) + "]",
    "long_string": lambda n: 'name = "' + "ab" * (n * 20) + '"',
    "long_word": lambda n: "name = " + "a" * (n * 40),
    "unclosed_string": lambda n: 'name = "' + "x" * (n * 40),
    "unquoted_words": lambda n: "name = " + " ".join(["w"] * n),
    "unknown_names": lambda n: " and ".join(f"nope{i} = 1" for i in range(n)),
    "nested_parentheses": lambda n: "(" * n + "name = a" + ")" * n,
    "unclosed_parentheses": lambda n: "(" * n + "name = a",
    "not_chain": lambda n: "not " * n + "name = a",
    "garbage_tail": lambda n: "name = a and " * n + "#",
    "relative_dates": lambda n: " or ".join(f"created_at >= now - {i + 1}d" for i in range(n)),
    "groups": lambda n: " and ".join(
        f"email_addresses(domain = d{i}.com and local starts with j)" for i in range(n)),
}


@pytest.mark.parametrize("family", sorted(SCALING_FAMILIES))
def test_cost_grows_linearly(family: str) -> None:
    build = SCALING_FAMILIES[family]
    small = compile_cost(build(400))
    large = compile_cost(build(1_600))
    # Linear cost gives a ratio of at most 4 for four times the input; quadratic gives 16.
    assert large <= 4.5 * small, (family, small, large)


@settings(max_examples=examples(60), suppress_health_check=[HealthCheck.too_slow])
@given(text=SCHEMA_FILTERS)
def test_cost_of_doubled_filter_is_linear(text: str) -> None:
    single = f"({text})"
    doubled = f"({text}) and ({text})"
    # The doubled text costs at most twice the single one plus the fixed cost of one call.
    fixed = compile_cost("")
    assert compile_cost(doubled) <= 2 * compile_cost(single) + 2 * fixed
