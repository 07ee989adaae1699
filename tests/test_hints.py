"""Hints for the mistakes people make most: quoting, keywords, units, query clauses."""

from __future__ import annotations

import pytest

import attioql

HINTS = [
    ("companies", "domains = https://acme.com/about", "syntax.unexpected_character",
     'quote the value: "https://acme.com/about"'),
    ("companies", "domains ends with .io", "syntax.unexpected_token", 'quote the value: ".io"'),
    ("companies", "estimated_arr_usd = $1M-$10M", "syntax.unexpected_character",
     'quote the value: "$1M-$10M"'),
    ("companies", "name = \u201cAcme\u201d", "syntax.unexpected_character",
     "write straight quotes: \"...\" or '...'"),
    ("people", "Job title = ceo", "syntax.unexpected_token",
     "put an operator such as `=` between the attribute and the value, or write a title with "
     "spaces in backticks: `Job title`"),
    ("companies", "name acme", "syntax.unexpected_token",
     "put an operator such as `=` between the attribute and the value"),
    ("companies", "name not = acme", "syntax.unexpected_token",
     "write `!=` for not equal, or put `not` before the condition"),
    ("companies", "companies where tier = smb", "syntax.unexpected_token",
     "this looks like a query; compile it with compile_query() or `attioql query`, or drop "
     "the clause"),
    ("companies", "created_at > now - 2.5d", "syntax.fractional_duration",
     "write a whole number of a smaller unit, such as `60h`"),
    ("companies", "created_at > -0.5w", "syntax.fractional_duration",
     "write a whole number of a smaller unit, such as `-84h`"),
    ("companies", "created_at > -1.5mo", "syntax.fractional_duration",
     "write a whole number of a smaller unit, such as about `-6w`"),
    ("people", "email_addresses(not domain = acme.com)", "syntax.negation_in_group",
     "move it outside the group: `email_addresses(...) and not email_addresses.domain = acme.com`"),
    ("people", "job_title(not in [a, b])", "syntax.negation_in_group",
     "move it outside the group: `job_title(...) and job_title not in [a, b]`"),
    ("people", 'phone_numbers = "0044 20 7946 0958"', "value.invalid_phone_number",
     "write it with a leading + and the country code, such as +442079460958"),
    ("companies", "fit_score = 3.0", "value.invalid_rating", "write a whole number from 0 to 5"),
    ("people", "company(= 8c1e0f0a-1111-4222-8333-944455556666 and "
               "target_record_id in [8c1e0f0a-1111-4222-8333-944455556666])",
     "value.repeated_operator", "join the two conditions with `and` outside the group"),
]


@pytest.mark.parametrize(("target", "text", "code", "hint"), HINTS, ids=[h[1] for h in HINTS])
def test_hint(target: str, text: str, code: str, hint: str) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter(text, target=target, schema="demo")
    assert (caught.value.code, caught.value.hint) == (code, hint)


def test_query_clause_order_hint() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_query("companies offset 10 limit 5", schema="demo")
    assert caught.value.message == "Unexpected `limit`: expected the end of the query."
    assert caught.value.hint == "a query's clauses come in this order: where, order by, limit, offset"


def test_option_error_without_text_has_no_caret() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("x = 1", target="companies", schema="demo", timezone="Mars/Base")
    assert str(caught.value) == ("`Mars/Base` is not a known time zone.\n"
                                 "  hint: use an IANA name such as `Europe/London` or `UTC`")


@pytest.mark.parametrize(("target", "text", "warned"), [
    ("companies", "fit_score between 5 and 1", True),
    ("companies", "fit_score between 1 and 5", False),
    ("companies", "fit_score between 3 and 3", False),
    ("companies", "renewal_date between 2024-06-01 and 2024-01-01", True),
    ("companies", "created_at between today and yesterday", True),
    ("companies", "created_at between yesterday and today", False),
    ("companies", "created_at between 2024-01-02T00:00Z and 2024-01-01T00:00Z", True),
])
def test_reversed_between_warns(target: str, text: str, warned: bool) -> None:
    from datetime import datetime, timezone

    now = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
    found = attioql.check(text, target=target, schema="demo", now=now)
    assert [d.code for d in found] == (["value.empty_range"] if warned else [])
    assert all(d.severity == "warning" for d in found)
    attioql.compile_filter(text, target=target, schema="demo", now=now)


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "Mars/Base"])
def test_machine_dependent_zone_files_are_rejected(zone: str) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("created_at = 2024-01-01", target="companies", timezone=zone)
    assert caught.value.code == "value.invalid_timezone"


@pytest.mark.parametrize(("text", "message", "hint"), [
    ("companies where name = a order name", "Unexpected `name`: expected `by`.", None),
    ("", "The query ends too early: expected the name of an object or list.", None),
    ("companies where limit = 3",
     "Unexpected `=`: expected a value such as a number, a date or a quoted text.",
     "`limit` is a keyword; write an attribute with that name in backticks: `limit`"),
])
def test_query_messages(text: str, message: str, hint: str | None) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_query(text, schema="demo")
    assert (caught.value.message, caught.value.hint) == (message, hint)


@pytest.mark.parametrize(("text", "hint"), [
    ("created_at >= last 3", 'write "last 3" for the text, or `last 3 days` for a date'),
    ("created_at = 3 days a", 'write "3 days a" for the text, or `3 days ago` for a date'),
])
def test_unfinished_relative_date_hints(text: str, hint: str) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter(text, target="companies", schema="demo")
    assert (caught.value.code, caught.value.hint) == ("syntax.unquoted_words", hint)


def test_status_list_hint_spells_statuses() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("stage = w", target="deals", schema="demo")
    assert caught.value.hint == "the statuses are `Lead`, `In Progress`, `Won 🎉` and `Lost`"
