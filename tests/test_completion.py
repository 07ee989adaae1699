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
from attioql.analysis import Analysis, analyze
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
    ("companies", "categories in ", ["[", "("], ["SaaS", "=", "and"]),
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


def test_finished_word_keeps_its_place() -> None:
    assert _labels("not", "companies") == ["not"]
    assert _labels("tier = smb and not", "companies") == ["not"]
    assert _labels("tier", "companies") == ["tier"]
    assert "last_calendar_interaction" in _labels("lci", "companies")


def test_alias_matches_its_own_letters() -> None:
    assert _labels("first_email_interaction.int", "companies") == [
        "interacted_at", "interaction_type"]
    assert _labels("first_email_interaction.ty", "companies") == ["type", "interaction_type"]


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


def _applied(text: str, target: str = "companies") -> dict[str, str]:
    """Analyze ``text`` with the cursor at its `|` and apply each item: label -> text."""
    cursor = text.index("|")
    plain = text.replace("|", "", 1)
    return {c.label: c.apply(plain) for c in _analyze(plain, target, cursor=cursor).completions}


def test_cursor_at_word_start_replaces_the_word() -> None:
    analysis = _analyze("tier = smb", "companies", cursor=0)
    first = analysis.completions[0]
    assert (first.label, first.replace) == ("record_id", (0, 4))
    assert first.apply("tier = smb") == "record_id = smb"


def test_cursor_at_operator_start_replaces_it() -> None:
    assert _applied("tier |= smb") == {"=": "tier = smb", "!=": "tier != smb"}
    assert _applied("tier |=smb") == {"=": "tier =smb", "!=": "tier !=smb"}


def test_cursor_after_operator_swaps_it() -> None:
    assert _applied("tier =| smb") == {"=": "tier = smb", "!=": "tier != smb"}
    assert _applied("tier =|") == {"Enterprise": "tier = Enterprise",
                                   "Mid-market": "tier = Mid-market", "SMB": "tier = SMB"}


def test_cursor_at_value_start_replaces_it() -> None:
    applied = _applied("owner = |tom")
    assert applied["Tom Lee"] == 'owner = "Tom Lee"'
    assert applied["me"] == "owner = me"
    applied = _applied('owner = |"Tom Lee" and tier = smb')
    assert applied["Ann Smith"] == 'owner = "Ann Smith" and tier = smb'


def test_operator_phrase_is_replaced_whole() -> None:
    assert _applied("tier |not in [smb]") == {"in": "tier in [smb]",
                                              "not in": "tier not in [smb]"}
    assert _applied("tier no|t in [smb]") == {"not in": "tier not in [smb]"}


def test_joiner_at_cursor_is_replaced() -> None:
    assert _applied("tier = smb |and owner = tom") == {
        "and": "tier = smb and owner = tom", "or": "tier = smb or owner = tom"}


def test_not_goes_in_front_of_a_condition() -> None:
    applied = _applied("tier = smb and |owner = tom")
    assert applied["not"] == "tier = smb and not owner = tom"
    assert applied["("] == "tier = smb and (owner = tom"
    assert applied["name"] == "tier = smb and name = tom"


def test_nothing_that_breaks_the_rest_is_offered() -> None:
    assert _applied("(tier = smb |)") == {}
    assert "in" not in _applied("tier |= smb")
    assert "is empty" not in _applied("tier |= smb")


def test_in_offers_brackets_first() -> None:
    assert _labels("tier in ", "companies") == ["[", "("]
    assert _labels("tier not in ", "companies") == ["[", "("]
    assert _applied("tier in |") == {"[": "tier in [", "(": "tier in ("}


def test_between_never_cuts_a_comparison_short() -> None:
    applied = _applied("created_at =| 2024-01-01")
    assert "between" not in applied
    assert "not between" not in applied
    assert applied[">="] == "created_at >= 2024-01-01"
    assert "between" not in _applied("lead_score |> 50", "people")
    assert "between" not in _applied("lead_score |<= 50 and name = a", "people")


def test_emptiness_is_not_swapped_for_a_comparison() -> None:
    assert _applied("domains |is not empty") == {"is empty": "domains is empty",
                                                 "is not empty": "domains is not empty"}
    assert _applied("domains |is empty and tier = smb") == {
        "is empty": "domains is empty and tier = smb",
        "is not empty": "domains is not empty and tier = smb"}
    assert _applied("last_email_interaction |is empty") == {
        "is empty": "last_email_interaction is empty",
        "is not empty": "last_email_interaction is not empty"}


def test_number_on_a_date_offers_units() -> None:
    assert _labels("created_at >= last 3", "companies") == [
        "minutes", "hours", "days", "weeks", "months", "quarters", "years",
        "min", "h", "d", "w", "mo", "y"]
    applied = _applied("created_at >= last 3|")
    assert applied["days"] == "created_at >= last 3 days"
    assert applied["d"] == "created_at >= last 3d"
    assert _labels("renewal_date = last 1", "companies")[:2] == ["day", "week"]
    assert _labels("lead_score > 3", "people") == []


def test_unit_not_joiner_after_last_number() -> None:
    assert _labels("created_at >= last 30 ", "companies") == [
        "minutes", "hours", "days", "weeks", "months", "quarters", "years"]
    assert _applied("created_at >= last 30 d|") == {"days": "created_at >= last 30 days"}
    assert _applied("created_at >= last 30 da|") == {"days": "created_at >= last 30 days"}
    assert _labels("created_at >= last 30 days ", "companies") == ["and", "or"]


def test_length_of_time_offers_ago() -> None:
    assert _applied("created_at >= 3 days|") == {"ago": "created_at >= 3 days ago"}
    assert _applied("created_at >= 3 days |") == {"ago": "created_at >= 3 days ago"}
    assert "ago" not in _labels("created_at >= now - 3 days ", "companies")


def test_no_joiner_after_this_on_a_date() -> None:
    labels = _labels("created_at = this ", "companies")
    assert "and" not in labels
    assert "or" not in labels
    assert _applied("created_at = this |week") == {
        "week": "created_at = this week", "month": "created_at = this month",
        "quarter": "created_at = this quarter", "year": "created_at = this year"}
    assert "and" in _labels("job_title = next ", "people")


def test_closed_string_is_not_closed_again() -> None:
    applied = _applied('phone_numbers = "|+44 20 7946 0958"', "people")
    assert applied == {}


def test_list_skips_values_already_listed() -> None:
    assert _labels("tier in [smb, ", "companies") == ["Enterprise", "Mid-market", "]"]
    assert _applied("tier in [|, smb]") == {"Enterprise": "tier in [Enterprise, smb]",
                                            "Mid-market": "tier in [Mid-market, smb]"}
    assert _applied("tier in [smb, Ent|erprise]") == {"Enterprise": "tier in [smb, Enterprise]"}
    labels = _labels('categories in (saas, "Health care", ', "companies")
    assert "SaaS" not in labels
    assert "Health care" not in labels
    assert "Fintech" in labels


def test_list_skips_members_already_listed() -> None:
    labels = _labels("owner in [tom, ann.smith@example.com, ", "deals")
    assert "Tom Lee" not in labels
    assert "me" not in labels
    assert "Ann Smith" not in labels
    assert "Ann Jones" in labels
    assert "Tom Lee" not in _labels("owner in [me, ", "deals")


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


def _valid_sources() -> list[tuple[str, str]]:
    return [(target, text) for target, text in PREFIX_SOURCES
            if not _analyze(text, target).errors]


VALID_SOURCES = _valid_sources()


def _check_completions_at(target: str, text: str, cursor: int) -> None:
    """Apply every item offered at ``cursor`` in a valid ``text``.

    The text after the cursor must still parse, and must not even end early unless the
    item opens a group (`(`) or nothing follows the cursor. Nothing wholly before the replaced span may become an
    error. An error after it is allowed: swapping `tier` for `created_at` in `tier = smb`
    makes `smb` a bad date, which is the edit the person asked for.
    """
    analysis = _analyze(text, target, cursor=cursor)
    for completion in analysis.completions:
        after = _analyze(completion.apply(text), target)
        may_end_early = completion.insert_text.strip() == "(" or not text[cursor:].strip()
        errors = [d for d in after.errors
                  if not (may_end_early and d.code == "syntax.unexpected_end")]
        context = (text, cursor, completion, after.diagnostics)
        assert [d for d in errors if d.code.startswith("syntax.")] == [], context
        assert [d for d in errors if d.span[1] <= completion.replace[0]] == [], context


@given(st.sampled_from(VALID_SOURCES), st.floats(min_value=0, max_value=1))
@settings(max_examples=150)
def test_completions_anywhere_keep_the_text_parsing(source: tuple[str, str],
                                                    where: float) -> None:
    target, text = source
    _check_completions_at(target, text, round(len(text) * where))


@pytest.mark.parametrize(("target", "text"), [
    ("companies", "tier = smb and owner = tom"),
    ("companies", "tier not in [smb, enterprise] or domains is not empty"),
    ("companies", "created_at >= this week and name contains 'acme'"),
    ("people", "email_addresses(domain = example.com and local starts with j)"),
    ("deals", "not (stage = lead) and value between 1000 and 5000"),
])
def test_completions_at_every_cursor(target: str, text: str) -> None:
    for cursor in range(len(text) + 1):
        _check_completions_at(target, text, cursor)


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
