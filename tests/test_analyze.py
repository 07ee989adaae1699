"""analyze(): tokens, diagnostics and results, and their agreement with compile_filter."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import attioql
from attioql.analysis import Analysis, analyze

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
SUITE = json.loads((Path(__file__).parent / "conformance_cases.json").read_text("utf-8"))
DEFAULTS = SUITE["defaults"]
DEMO = attioql.load_schema("demo")


def _analyze(text: str, target: str = "companies", cursor: int | None = None,
             **options: Any) -> Analysis:
    return analyze(text, cursor, target=target, schema=DEMO, now=NOW, **options)


def _kinds(analysis: Analysis) -> list[tuple[str, str]]:
    return [(token.text, token.kind) for token in analysis.tokens]


# Tokens --------------------------------------------------------------------------------


def test_tokens_of_a_design_example() -> None:
    analysis = _analyze("last_calendar_interaction.interacted_at >= 2023-11-01 and owner = tom")
    assert _kinds(analysis) == [
        ("last_calendar_interaction", "attribute"), (".", "punctuation"),
        ("interacted_at", "property"), (">=", "operator"), ("2023-11-01", "date"),
        ("and", "keyword"), ("owner", "attribute"), ("=", "operator"), ("tom", "member"),
    ]
    assert analysis.tokens[0].span == (0, 25)
    assert analysis.tokens[-1].span == (66, 69)


def test_tokens_of_options_and_relative_dates() -> None:
    analysis = _analyze('tier in [smb, "Mid-market"] or created_at >= now - 7d')
    assert _kinds(analysis) == [
        ("tier", "attribute"), ("in", "operator"), ("[", "punctuation"), ("smb", "option"),
        (",", "punctuation"), ('"Mid-market"', "option"), ("]", "punctuation"),
        ("or", "keyword"), ("created_at", "attribute"), (">=", "operator"),
        ("now", "relative-date"), ("-", "relative-date"), ("7d", "relative-date"),
    ]


def test_tokens_of_a_group_and_negations() -> None:
    analysis = _analyze("not email_addresses(domain = x and local does not start with j)",
                        target="people")
    assert _kinds(analysis) == [
        ("not", "keyword"), ("email_addresses", "attribute"), ("(", "punctuation"),
        ("domain", "property"), ("=", "operator"), ("x", "string"), ("and", "keyword"),
        ("local", "property"), ("does", "operator"), ("not", "operator"),
        ("start", "operator"), ("with", "operator"), ("j", "string"), (")", "punctuation"),
    ]


def test_tokens_of_a_path_through_a_reference() -> None:
    analysis = _analyze("company.name.first_name is not empty and lead_score > 5",
                        target="people")
    assert _kinds(analysis) == [
        ("company", "attribute"), (".", "punctuation"), ("name", "attribute"),
        (".", "punctuation"), ("first_name", "attribute"), ("is", "operator"),
        ("not", "operator"), ("empty", "operator"), ("and", "keyword"),
        ("lead_score", "attribute"), (">", "operator"), ("5", "number"),
    ]


def test_tokens_after_an_unknown_character() -> None:
    analysis = _analyze("name = a § and tier = smb")
    assert _kinds(analysis) == [
        ("name", "attribute"), ("=", "operator"), ("a", "string"), ("§", "unknown"),
        ("and", "keyword"), ("tier", "attribute"), ("=", "operator"), ("smb", "option"),
    ]


def test_tokens_of_an_unterminated_string() -> None:
    analysis = _analyze('name contains "ac')
    assert _kinds(analysis) == [("name", "attribute"), ("contains", "operator"),
                                ('"ac', "string")]


def test_tokens_of_a_keyword_where_a_value_belongs() -> None:
    analysis = _analyze("name = or or tier = b")
    assert _kinds(analysis) == [
        ("name", "attribute"), ("=", "operator"), ("or", "keyword"), ("or", "keyword"),
        ("tier", "attribute"), ("=", "operator"), ("b", "option"),
    ]


# Diagnostics ---------------------------------------------------------------------------


def test_incomplete_value_error_at_end() -> None:
    analysis = _analyze("fit_score >= ")
    assert [d.code for d in analysis.diagnostics] == ["syntax.unexpected_end"]
    diagnostic = analysis.diagnostics[0]
    assert diagnostic.span == (12, 12)
    assert diagnostic.severity == "error"
    assert diagnostic.message == ("The filter ends too early: expected a value such as a "
                                  "number, a date or a quoted text after `>=`.")
    assert analysis.result is None
    assert analysis.complete is False


def test_errors_before_an_unfinished_condition() -> None:
    analysis = _analyze("nmae = x and tier = ")
    assert [(d.code, d.span) for d in analysis.diagnostics] == [
        ("unknown.attribute", (0, 4)), ("syntax.unexpected_end", (19, 19))]
    assert analysis.diagnostics[0].hint == "did you mean `name`?"


@pytest.mark.parametrize(("text", "target", "expected"), [
    ("nme ", "companies", [("unknown.attribute", (0, 3)), ("syntax.unexpected_end", (3, 3))]),
    ("nme=", "companies", [("unknown.attribute", (0, 3)), ("syntax.unexpected_end", (4, 4))]),
    ("nme is", "companies", [("unknown.attribute", (0, 3)), ("syntax.unexpected_end", (6, 6))]),
    ("tier = smb and nme ", "companies",
     [("unknown.attribute", (15, 18)), ("syntax.unexpected_end", (18, 18))]),
    ("(nme between 1 ", "companies",
     [("unknown.attribute", (1, 4)), ("syntax.unexpected_end", (14, 14))]),
    ("company.nme ", "people", [("unknown.attribute", (8, 11)), ("syntax.unexpected_end", (11, 11))]),
    ("name.fist = ", "people", [("unknown.property", (5, 9)), ("syntax.unexpected_end", (11, 11))]),
    ("partners ", "companies",
     [("ambiguous.reference", (0, 8)), ("syntax.unexpected_end", (8, 8))]),
])
def test_unfinished_condition_with_a_bad_path(text: str, target: str,
                                              expected: list[tuple[str, tuple[int, int]]]) -> None:
    analysis = _analyze(text, target=target)
    assert [(d.code, d.span) for d in analysis.diagnostics] == expected


def test_unknown_attribute_while_typing_has_hints() -> None:
    diagnostic = _analyze("tier = smb and nme ").diagnostics[0]
    assert diagnostic.message == "`companies` has no attribute `nme`."
    assert diagnostic.hint == "did you mean `name`?"


@pytest.mark.parametrize(("text", "target"), [
    ("nme", "companies"), ("tier = smb and nme", "companies"), ("company.", "people"),
    ("primary_location ", "companies"), ("email_addresses(domian ", "people"),
    ("name ", "companies"),
])
def test_path_still_being_typed_is_not_checked(text: str, target: str) -> None:
    analysis = _analyze(text, target=target)
    assert [d.code for d in analysis.diagnostics] == ["syntax.unexpected_end"]


def test_errors_inside_an_open_parenthesis() -> None:
    analysis = _analyze("(tier = smbx and")
    assert [(d.code, d.span) for d in analysis.diagnostics] == [
        ("unknown.option", (8, 12)), ("syntax.unexpected_end", (16, 16))]


def test_errors_after_a_syntax_error() -> None:
    analysis = _analyze("tier = Mid market and nmae = x or owner = ")
    assert [(d.code, d.span) for d in analysis.diagnostics] == [
        ("syntax.unquoted_words", (7, 17)), ("unknown.attribute", (22, 26)),
        ("syntax.unexpected_end", (41, 41))]


def test_warnings_of_a_valid_filter() -> None:
    analysis = _analyze('owner = sam and domains = "https://acme.com/about"')
    assert [(d.severity, d.code, d.span) for d in analysis.diagnostics] == [
        ("warning", "value.suspended_member", (8, 11)),
        ("warning", "value.url_stripped", (26, 50)),
    ]
    assert analysis.result == {"$and": [
        {"owner": {"referenced_actor_type": "workspace-member",
                   "referenced_actor_id": "b78ee259-d3d9-56c1-b7ca-363a84bdb5de"}},
        {"domains": {"domain": {"$eq": "acme.com"}}},
    ]}


def test_archived_option_warning() -> None:
    analysis = _analyze("tier = legacy")
    assert [(d.severity, d.code) for d in analysis.diagnostics] == [
        ("warning", "value.archived_option")]
    assert analysis.result == {"tier": "Legacy"}


def test_result_of_a_valid_filter() -> None:
    analysis = _analyze("tier = smb")
    assert analysis.result == {"tier": "SMB"}
    assert analysis.diagnostics == ()
    assert analysis.complete is True


def test_blank_text_is_an_empty_filter() -> None:
    analysis = _analyze("   ")
    assert analysis.result == {}
    assert analysis.tokens == ()
    assert analysis.diagnostics == ()


def test_bad_target_raises() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        analyze("x = 1", target="nope", schema="demo")
    assert caught.value.code == "unknown.target"


def test_cursor_is_clamped() -> None:
    assert _analyze("tier", cursor=99).cursor == 4
    assert _analyze("tier", cursor=-3).cursor == 0


def test_to_dict_is_json() -> None:
    analysis = _analyze("tier = ", cursor=7)
    data = json.loads(json.dumps(analysis.to_dict()))
    assert data["tokens"] == [{"kind": "attribute", "span": [0, 4], "text": "tier"},
                              {"kind": "operator", "span": [5, 6], "text": "="}]
    assert data["diagnostics"][0]["code"] == "syntax.unexpected_end"
    assert data["diagnostics"][0]["span"] == [6, 6]
    assert data["completions"][0] == {"label": "Enterprise", "insert_text": "Enterprise",
                                      "kind": "option", "detail": "option of tier",
                                      "replace": [7, 7]}
    assert data["result"] is None
    assert data["complete"] is False


# Agreement with compile_filter ---------------------------------------------------------


def _case_options(case: dict[str, Any]) -> dict[str, Any]:
    now = datetime.fromisoformat(case.get("now", DEFAULTS["now"]).replace("Z", "+00:00"))
    return {"schema": case.get("schema", DEFAULTS["schema"]), "now": now,
            "timezone": case.get("timezone", DEFAULTS.get("timezone", "UTC")),
            "current_member": case.get("current_member")}


@pytest.mark.parametrize("case", SUITE["filters"], ids=[c["id"] for c in SUITE["filters"]])
def test_agrees_with_compile_filter(case: dict[str, Any]) -> None:
    options = _case_options(case)
    analysis = analyze(case["text"], target=case["target"], **options)
    try:
        expected = attioql.compile_filter(case["text"], target=case["target"], cache=False,
                                          **options)
    except attioql.AttioQLError as error:
        assert analysis.result is None
        first = analysis.errors[0]
        assert (first.code, first.span, first.message) == (error.code, error.span,
                                                           error.message)
        return
    assert analysis.result == expected
    assert analysis.errors == ()


# Properties ----------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "name", "tier", "owner", "created_at", "fit_score", "primary_location", ".", "city",
    "email_addresses", "(", ")", "[", "]", ",", "=", "!=", ">=", "<", "in", "not", "is",
    "empty", "between", "and", "or", "contains", "starts", "with", "does", "smb", "tom",
    "me", "now", "-", "+", "7d", "3 days", "ago", "this", "week", "last", "2024-01-01",
    "2024-01-01T10:00Z", "42", "1.5", '"a b"', "'x", '"', "`Job title`", "`", "null",
    "true", "§", "\t", "\n", " ", "  ", "1-10", "8c1e0f0a-1111-4222-8333-944455556666",
])
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=14).map(" ".join),
    st.lists(_PIECES, max_size=14).map("".join),
    st.text(max_size=40),
)


def _check_tiling(text: str, analysis: Analysis) -> None:
    position = 0
    for token in analysis.tokens:
        start, end = token.span
        assert start >= position, (text, token)
        assert end > start, (text, token)
        assert re.fullmatch(r"[ \t\r\n]*", text[position:start]), (text, token)
        assert text[start:end] == token.text
        position = end
    assert re.fullmatch(r"[ \t\r\n]*", text[position:]), text


@given(_TEXTS, st.integers(min_value=0, max_value=60),
       st.sampled_from(["companies", "people", "deals", "sales_pipeline"]))
@settings(max_examples=300)
def test_never_raises_and_tokens_tile(text: str, cursor: int, target: str) -> None:
    analysis = _analyze(text, target=target, cursor=cursor)
    _check_tiling(text, analysis)
    json.dumps(analysis.to_dict())
    for diagnostic in analysis.diagnostics:
        assert 0 <= diagnostic.span[0] <= diagnostic.span[1] <= len(text)
    for completion in analysis.completions:
        assert completion.replace[0] <= analysis.cursor <= max(completion.replace[1],
                                                               analysis.cursor)


def test_deep_nesting_does_not_recurse() -> None:
    text = "(" * 3000 + "name = a" + ")" * 3000
    analysis = _analyze(text)
    assert analysis.errors[0].code == "limit.depth"
    assert len(analysis.tokens) == 6_003


def test_text_past_the_length_limit() -> None:
    text = "name = a and " * 800 + "name = b"
    analysis = _analyze(text)
    assert analysis.errors[0].code == "limit.length"
    assert analysis.tokens[-1].text == "b"
