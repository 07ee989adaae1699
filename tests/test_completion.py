"""Completions: what a person sees while typing towards the conformance expressions."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import attioql
from attioql.analyze import Analysis, analyze
from attioql.completion import quote_value

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
DEMO = attioql.load_schema("demo")
SUITE = json.loads((Path(__file__).parent / "conformance_cases.json").read_text("utf-8"))


def _analyze(text: str, target: str, cursor: int | None = None,
             current_member: str | None = "tom") -> Analysis:
    return analyze(text, cursor, target=target, schema=DEMO, now=NOW,
                   current_member=current_member)


def _labels(text: str, target: str) -> list[str]:
    return [completion.label for completion in _analyze(text, target).completions]


# Each row: target, what was typed so far, labels that must be offered, labels that must not.
HALF_TYPED: list[tuple[str, str, list[str], list[str]]] = [
    ("companies", "", ["name", "tier", "owner", "(", "not"], ["and", "=", "SMB"]),
    ("companies", "ti", ["tier"], ["=", "and"]),
    ("companies", "tier ", ["=", "!=", "in", "not in"],
     ["contains", ">", "between", "is empty", "SMB"]),
    ("companies", "tier = ", ["Enterprise", "Mid-market", "SMB"],
     ["Legacy", "Lead", "High", "and", "contains"]),
    ("companies", "tier = enterprise ", ["and", "or"], ["Enterprise", ")", "="]),
    ("companies", "tier = enterprise o", ["or"], ["and"]),
    ("companies", "name contains 'ac", ["'ac'"], ["and", "contains"]),
    ("people", "lead_score ", [">", ">=", "<", "<=", "between", "="],
     ["contains", "starts with", "is empty", "ends with"]),
    ("people", "lead_score > 50 ", ["and", "or"], [")", ","]),
    ("deals", "value between 1000 ", ["and"], ["or", ")"]),
    ("deals", "stage = ", ["Lead", "In Progress", "Won 🎉", "Lost"],
     ["Qualified", "Enterprise", "High"]),
    ("deals", "stage.active_from ", [">", ">=", "<", "<="], ["=", "contains", "in"]),
    ("deals", "owner = ", ["me", "Tom Lee", "Ann Smith", "Priya Patel"],
     ["Sam Reed", "Enterprise", "true"]),
    ("people", "name starts ", ["with"], ["=", "contains"]),
    ("people", "name.", ["first_name", "last_name", "full_name"], ["company", "domain"]),
    ("people", "email_addresses.", ["domain", "email_domain", "local", "root_domain"],
     ["first_name", "locality"]),
    ("companies", "domains is ", ["empty", "not empty"], ["contains", "="]),
    ("people", "phone_numbers ", ["=", "starts with", "contains"],
     ["is empty", ">", "between"]),
    ("companies", "primary_location.", ["city", "locality", "country", "country_code"],
     ["domain", "first_name"]),
    ("companies", "primary_location.country ", ["=", "starts with"],
     ["contains", "ends with", ">"]),
    ("companies", "last_email_interaction.type = ", ["email", "calendar-event", "call"],
     ["today", "Tom Lee"]),
    ("companies", "created_at >= ", ["today", "this week", "-7d", "now", "last 30 days"],
     ["SMB", "true"]),
    ("companies", "renewal_date = ", ["today", "last month", "this year"], ["now"]),
    ("people", "company.", ["name", "domains", "target_record_id", "tier"],
     ["job_title", "first_name"]),
    ("people", "company.name con", ["contains"], ["=", "starts with"]),
    ("companies", "team.name.", ["first_name", "last_name", "full_name"], ["tier"]),
    ("sales_pipeline", "parent_record.", ["domains", "name", "tier"], ["stage", "priority"]),
    ("sales_pipeline", "stage = qualified and priority = ", ["High", "Medium", "Low"],
     ["Qualified", "Enterprise", "Lead"]),
    ("people", "email_addresses(domain = example.com and ",
     ["local", "email_local_specifier", "domain"], ["or", "name", "company"]),
    ("companies", "categories in ", ["("], ["SaaS", "=", "and"]),
    ("companies", "categories in [saas, ", ["Fintech", "B2B", "Health care"],
     ["Enterprise", "SMB", "and"]),
    ("companies", "categories in [saas, fintech", ["Fintech"], ["Enterprise"]),
    ("companies", "(name = a and name = b", [], ["SMB"]),
    ("companies", "(name = a and name = b ", [")", "and", "or"], ["]", ","]),
    ("companies", "not ", ["is_customer", "not", "("], ["and", "or", ")"]),
    ("companies", "is_customer = ", ["true", "false"], ["SMB", "today", "Tom Lee"]),
    ("companies", "fit_score >= 4 an", ["and"], ["or", "contains"]),
    ("companies", "created_at(>= 2024-01-16T15:00Z and ", [">=", "<", "<=", ">"],
     ["!=", "not between", "or", "is empty"]),
    ("companies", "last_calendar_interaction.owner = ", ["Tom Lee", "me"], ["Sam Reed"]),
    ("companies", "created_at = this ", ["week", "month", "quarter", "year"], ["SMB"]),
]


@pytest.mark.parametrize(("target", "typed", "expected", "impossible"), HALF_TYPED,
                         ids=[f"{row[0]}:{row[1]}" for row in HALF_TYPED])
def test_half_typed_input(target: str, typed: str, expected: list[str],
                          impossible: list[str]) -> None:
    labels = _labels(typed, target)
    for label in expected:
        assert label in labels, (typed, label, labels)
    for label in impossible:
        assert label not in labels, (typed, label, labels)


def test_no_text_operators_after_numbers() -> None:
    for text, target in (("lead_score ", "people"), ("fit_score ", "companies"),
                         ("value ", "deals"), ("twitter_follower_count ", "people")):
        labels = _labels(text, target)
        assert "contains" not in labels
        assert "starts with" not in labels
        assert ">=" in labels


def test_prefix_ranks_before_fuzzy() -> None:
    labels = _labels("ti", "companies")
    assert labels[0] == "tier"
    assert labels.index("tier") < labels.index("twitter")


def test_titles_match_attributes() -> None:
    labels = _labels("Job", "people")
    assert labels[0] == "job_title"


def test_backtick_offers_titles() -> None:
    analysis = _analyze("`Job", "people")
    first = analysis.completions[0]
    assert (first.label, first.insert_text, first.replace) == ("Job title", "`Job title`",
                                                                (0, 4))


def test_quoted_insert_text() -> None:
    analysis = _analyze("stage = ", "deals")
    inserts = {c.label: c.insert_text for c in analysis.completions}
    assert inserts["In Progress"] == '"In Progress"'
    assert inserts["Lead"] == "Lead"
    assert inserts["Won 🎉"] == '"Won 🎉"'


def test_member_detail_is_the_email() -> None:
    analysis = _analyze("owner = ", "deals")
    details = {c.label: c.detail for c in analysis.completions}
    assert details["Tom Lee"] == "tom@example.com"
    assert details["me"] == "the current member: tom"


def test_member_without_current_member() -> None:
    analysis = _analyze("owner = ", "deals", current_member=None)
    assert "me" not in [c.label for c in analysis.completions]


def test_relative_date_detail_is_the_range() -> None:
    analysis = _analyze("created_at = ", "companies")
    details = {c.label: c.detail for c in analysis.completions}
    assert details["this week"] == "2024-01-15 .. 2024-01-21, UTC"
    assert details["today"] == "2024-01-17, UTC"
    analysis = _analyze("renewal_date = ", "companies")
    details = {c.label: c.detail for c in analysis.completions}
    assert details["last month"] == "2023-12-01 .. 2023-12-31, UTC"


def test_attribute_detail_is_the_type() -> None:
    analysis = _analyze("", "companies")
    details = {c.label: c.detail for c in analysis.completions}
    assert details["tier"] == "select"
    assert details["owner"] == "actor-reference"


def test_replace_span_covers_the_word() -> None:
    analysis = _analyze("tier = sm and x = 1", "companies", cursor=9)
    first = analysis.completions[0]
    assert (first.label, first.replace) == ("SMB", (7, 9))


def test_space_before_glued_insert() -> None:
    analysis = _analyze("tier =", "companies")
    first = analysis.completions[0]
    assert first.insert_text == " Enterprise"
    assert first.apply("tier =") == "tier = Enterprise"


def test_location_offers_properties() -> None:
    labels = _labels("primary_location ", "companies")
    assert labels[:2] == [".line_1", ".line_2"]
    assert "=" not in labels


def test_cursor_in_the_middle() -> None:
    analysis = _analyze("tier = smb and owner = tom", "companies", cursor=4)
    assert analysis.completions[0].label == "tier"
    assert analysis.completions[0].replace == (0, 4)


@pytest.mark.parametrize(("value", "written"), [
    ("SaaS", "SaaS"), ("Mid-market", "Mid-market"), ("Health care", '"Health care"'),
    ("1-10", '"1-10"'), ("No", '"No"'), ('say "hi"', '"say \\"hi\\""'), ("$250M+", '"$250M+"'),
])
def test_quote_value(value: str, written: str) -> None:
    assert quote_value(value) == written


# Applying completions --------------------------------------------------------------------


def _first_start(analysis: Analysis, ignore_end: bool) -> float:
    starts = [d.span[0] for d in analysis.diagnostics
              if not (ignore_end and d.code == "syntax.unexpected_end")]
    return min(starts, default=float("inf"))


def _prefixes() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for case in SUITE["filters"]:
        if case.get("schema", "demo") != "demo" or len(case["text"]) > 120:
            continue
        found.append((case["target"], case["text"]))
    return found


PREFIX_SOURCES = _prefixes()


def _check_completions(target: str, prefix: str) -> None:
    before = _analyze(prefix, target)
    first_before = _first_start(before, ignore_end=False)
    for completion in before.completions:
        after_text = completion.apply(prefix)
        after = _analyze(after_text, target)
        # An unfinished condition is not an error the completion caused: it only ends early.
        assert _first_start(after, ignore_end=True) >= first_before, (
            prefix, completion, after.diagnostics)


@given(st.sampled_from(PREFIX_SOURCES), st.floats(min_value=0, max_value=1))
@settings(max_examples=120)
def test_completions_never_add_an_earlier_error(source: tuple[str, str], cut: float) -> None:
    target, text = source
    prefix = text[:round(len(text) * cut)]
    _check_completions(target, prefix)


@pytest.mark.parametrize("row", HALF_TYPED, ids=[f"{row[0]}:{row[1]}" for row in HALF_TYPED])
def test_table_completions_never_add_an_earlier_error(row: tuple[Any, ...]) -> None:
    target, typed, _, _ = row
    _check_completions(target, typed)


def test_active_from_equality_offers_periods_only() -> None:
    labels = _labels("stage.active_from = ", "deals")
    assert "this week" in labels
    assert "now" not in labels
    assert "-7d" not in labels
    assert "now" in _labels("stage.active_from > ", "deals")
