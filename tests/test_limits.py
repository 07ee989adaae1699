"""The size limits: each is a keyword option, and crossing one raises a `limit` error whose
span points where the limit was crossed, never a RecursionError."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

import attioql
from attioql.core import MAX_SUPPORTED_DEPTH

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
DEPTH_MESSAGE = "The filter nests deeper than {} levels of parentheses, groups and `not`."
DEPTH_HINT = "flatten the filter: `a and (b and c)` is the same as `a and b and c`"


def compile_demo(text: str, target: str = "companies", **options: Any) -> dict[str, Any]:
    return attioql.compile_filter(text, target=target, schema="demo", now=NOW, cache=False,
                                  **options)


def first_error(text: str, target: str = "companies", **options: Any) -> attioql.Diagnostic:
    with pytest.raises(attioql.AttioQLError) as caught:
        compile_demo(text, target, **options)
    return caught.value.errors[0]


# Length ---------------------------------------------------------------------------------


def test_length_default_limit() -> None:
    error = first_error("x" * 10_001)
    assert error.code == "limit.length"
    assert error.span == (10_000, 10_001)
    assert error.message == "The filter is 10,001 characters long; the limit is 10,000."
    assert error.hint == "shorten the filter, or raise max_length if the caller allows it"


def test_length_at_limit_passes() -> None:
    text = "name = " + "a" * (10_000 - len("name = "))
    assert len(text) == 10_000
    assert compile_demo(text) == {"name": {"$eq": "a" * 9_993}}


def test_length_keyword_option() -> None:
    error = first_error("name = acme", max_length=5)
    assert error.code == "limit.length"
    assert error.span == (5, 11)
    assert error.message == "The filter is 11 characters long; the limit is 5."


def test_length_limits_object_still_accepted() -> None:
    error = first_error("name = acme", limits=attioql.Limits(max_length=5))
    assert error.code == "limit.length"
    assert error.span == (5, 11)


def test_keyword_overrides_limits_object() -> None:
    result = compile_demo("name = acme", limits=attioql.Limits(max_length=5), max_length=50)
    assert result == {"name": {"$eq": "acme"}}


# Depth ----------------------------------------------------------------------------------


def test_depth_64_parentheses_pass() -> None:
    text = "(" * 64 + "name = a" + ")" * 64
    assert compile_demo(text) == {"name": {"$eq": "a"}}


def test_depth_65_parentheses_fail_at_outer_one() -> None:
    text = "(" * 65 + "name = a" + ")" * 65
    error = first_error(text)
    assert error.code == "limit.depth"
    assert error.span == (0, 1)
    assert error.message == DEPTH_MESSAGE.format(64)
    assert error.hint == DEPTH_HINT


def test_depth_keyword_option() -> None:
    error = first_error("(((name = a)))", max_depth=2)
    assert error.code == "limit.depth"
    assert error.span == (0, 1)
    assert error.message == DEPTH_MESSAGE.format(2)


def test_depth_not_chain_span() -> None:
    text = "not not not name = a"
    error = first_error(text, max_depth=2)
    assert error.code == "limit.depth"
    # The outermost `not` is the third level.
    assert error.span == (0, 3)


def test_depth_counts_groups() -> None:
    text = "(email_addresses(domain = acme.com))"
    assert compile_demo(text, "people", max_depth=2) == {
        "email_addresses": {"email_domain": {"$eq": "acme.com"}}}
    error = first_error(text, "people", max_depth=1)
    assert error.code == "limit.depth"
    assert error.span == (0, 1)


def test_depth_5000_parentheses() -> None:
    depth = 5_000
    text = "(" * depth + "name = a" + ")" * depth
    error = first_error(text, max_length=len(text))
    assert error.code == "limit.depth"
    # The 65th parenthesis from the inside is the first one past the limit.
    assert error.span == (depth - 65, depth - 64)


def test_depth_5000_not_chain() -> None:
    depth = 5_000
    text = "not " * depth + "name = a"
    error = first_error(text, max_length=len(text))
    assert error.code == "limit.depth"
    start = (depth - 65) * len("not ")
    assert error.span == (start, start + len("not"))


def test_depth_5000_mixed_nesting() -> None:
    depth = 2_500
    text = "(not " * depth + "name = a" + ")" * depth
    error = first_error(text, max_length=len(text))
    assert error.code == "limit.depth"
    assert error.message == DEPTH_MESSAGE.format(64)


def test_depth_5000_not_chain_in_check() -> None:
    text = "not " * 5_000 + "name = a"
    found = attioql.check(text, target="companies", schema="demo", now=NOW,
                          max_length=len(text))
    assert [d.code for d in found] == ["limit.depth"]


def test_depth_5000_in_query() -> None:
    text = "companies where " + "(" * 5_000 + "name = a" + ")" * 5_000
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_query(text, schema="demo", now=NOW, max_length=len(text))
    assert caught.value.errors[0].code == "limit.depth"


def test_depth_at_supported_maximum_compiles() -> None:
    text = "not " * MAX_SUPPORTED_DEPTH + "name = a"
    result: Any = compile_demo(text, max_depth=MAX_SUPPORTED_DEPTH)
    for _ in range(MAX_SUPPORTED_DEPTH):
        result = result["$not"]
    assert result == {"name": {"$eq": "a"}}


def test_depth_above_supported_maximum_rejected() -> None:
    with pytest.raises(ValueError, match=f"max_depth must be at most {MAX_SUPPORTED_DEPTH}"):
        compile_demo("name = a", max_depth=MAX_SUPPORTED_DEPTH + 1)
    with pytest.raises(ValueError, match="max_depth must be at most"):
        compile_demo("name = a", limits=attioql.Limits(max_depth=5_000))


@pytest.mark.parametrize("option", ["max_length", "max_depth", "max_list_size",
                                    "max_conditions"])
def test_negative_limit_rejected(option: str) -> None:
    with pytest.raises(ValueError, match=f"{option} must be a whole number of 0 or more"):
        compile_demo("name = a", **{option: -1})


# List size ------------------------------------------------------------------------------


def test_list_size_default_limit() -> None:
    values = ", ".join(f'"{index}"' for index in range(1_001))
    text = f"name in [{values}]"
    error = first_error(text)
    assert error.code == "limit.list_size"
    # The span runs from the first value past the limit to the closing bracket.
    start = text.index('"1000"')
    assert error.span == (start, len(text))
    assert error.message == "The list has more than 1000 values."
    assert error.hint == "split the list into several conditions joined with `or`"


def test_list_size_at_limit_passes() -> None:
    values = ", ".join(f'"{index}"' for index in range(1_000))
    result = compile_demo(f"name in [{values}]")
    assert result == {"name": {"$in": [str(index) for index in range(1_000)]}}


def test_list_size_keyword_option() -> None:
    text = 'name in ["0", "1", "2", "3"]'
    error = first_error(text, max_list_size=3)
    assert error.code == "limit.list_size"
    assert error.span == (text.index('"3"'), len(text))
    assert error.message == "The list has more than 3 values."


def test_list_size_parenthesised_list() -> None:
    text = "name in (a, b, c)"
    error = first_error(text, max_list_size=2)
    assert error.code == "limit.list_size"
    assert error.span == (text.index("c"), len(text))


# Conditions -----------------------------------------------------------------------------


def test_conditions_default_limit() -> None:
    text = " or ".join(["name = a"] * 501)
    error = first_error(text)
    assert error.code == "limit.conditions"
    start = len(" or ".join(["name = a"] * 500)) + len(" or ")
    assert error.span == (start, start + len("name = a"))
    assert error.message == "The filter has more than 500 conditions."
    assert error.hint == ("split the filter, or use `in [...]` for many values of one "
                          "attribute")


def test_conditions_at_limit_passes() -> None:
    text = " or ".join(["name = a"] * 500)
    assert compile_demo(text) == {"$or": [{"name": {"$eq": "a"}}] * 500}


def test_conditions_keyword_option() -> None:
    text = "name = a or name = b or name = c"
    error = first_error(text, max_conditions=2)
    assert error.code == "limit.conditions"
    assert error.span == (text.index("name = c"), len(text))


def test_conditions_count_group_members() -> None:
    text = "email_addresses(domain = a.com and domain = b.com and domain = c.com)"
    error = first_error(text, "people", max_conditions=2)
    assert error.code == "limit.conditions"
    assert error.span == (text.index("domain = c.com"), text.index(")"))


def test_limit_state_does_not_leak_between_calls() -> None:
    first_error("name = a or name = b", max_conditions=1)
    assert compile_demo("name = a or name = b") == {
        "$or": [{"name": {"$eq": "a"}}, {"name": {"$eq": "b"}}]}
