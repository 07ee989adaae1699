"""format: canonical attioql text, and the report-tool commands of the CLI."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import attioql
from attioql.cli import main
from attioql.formatter import can_stand_bare, quote

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)

FORMATTED = [
    ("keywords-lower-case", "companies", "name = a AND NOT tier = smb",
     "name = a and not tier = smb"),
    ("spaces-around-operators", "companies", "fit_score>=4 and name=a",
     "fit_score >= 4 and name = a"),
    ("quotes-only-where-needed", "companies", "name = \"Acme\" or name = 'Globex Inc'",
     'name = Acme or name = "Globex Inc"'),
    ("keyword-value-stays-quoted", "companies", 'name = "or"', 'name = "or"'),
    ("boolean-on-text-is-quoted", "companies", "name = TRUE", 'name = "TRUE"'),
    ("boolean-spelling", "companies", "is_customer = YES", "is_customer = true"),
    ("titles-become-slugs", "companies", "`Fit score` > 3 and `Customer` = no",
     "fit_score > 3 and is_customer = false"),
    ("slug-case", "companies", "NAME = a", "name = a"),
    ("aliases-become-properties", "people", "email_addresses.domain = acme.com",
     "email_addresses.email_domain = acme.com"),
    ("parent-alias", "sales_pipeline", "parent.name = x", "parent_record.name = x"),
    ("redundant-parentheses", "companies", "((name = a)) and (tier = smb)",
     "name = a and tier = smb"),
    ("needed-parentheses-kept", "companies", "(name = a or name = b) and tier = smb",
     "(name = a or name = b) and tier = smb"),
    ("and-inside-or", "companies", "name = a or (name = b and tier = smb)",
     "name = a or name = b and tier = smb"),
    ("not-around-group", "companies", "not (name = a or name = b)",
     "not (name = a or name = b)"),
    ("operator-spellings", "companies",
     "name <> a and name is not b and name does not contain c and name not contains d "
     "and name start with e and name is c",
     "name != a and name != b and name does not contain c and name does not contain d "
     "and name starts with e and name = c"),
    ("in-list-brackets", "companies", "tier in (smb , enterprise,)", "tier in [smb, enterprise]"),
    ("relative-dates-stay-relative", "companies",
     "created_at >= now-7d and created_at < TODAY and renewal_date = Last Month",
     "created_at >= now - 7d and created_at < today and renewal_date = last month"),
    ("relative-forms", "companies",
     "created_at > 3 days ago and created_at < now -1y and created_at = last 30 days",
     "created_at > 3 days ago and created_at < now - 1y and created_at = last 30 days"),
    ("relative-words-on-text-are-quoted", "companies", "name = next week", 'name = "next week"'),
    ("unit-words-lower-case", "companies",
     "created_at > -7 Days and created_at < 3 DAYS AGO and created_at > -2WEEKS "
     "and renewal_date < +1_0D",
     "created_at > -7 days and created_at < 3 days ago and created_at > -2 weeks "
     "and renewal_date < +10d"),
    ("datetime-upper-case", "companies", "created_at > 2024-01-10t09:30z",
     "created_at > 2024-01-10T09:30Z"),
    ("group", "people", "email_addresses( domain = acme.com AND local starts with 'j' )",
     "email_addresses(email_domain = acme.com and email_local_specifier starts with j)"),
    ("pathless-group", "companies", "created_at(>=2024-01-01 and <2024-02-01)",
     "created_at(>= 2024-01-01 and < 2024-02-01)"),
    ("escapes", "companies", "name = 'it\\'s \"x\"'", 'name = "it\'s \\"x\\""'),
    ("empty", "companies", "   ", ""),
    ("me-kept", "deals", "owner = me", "owner = me"),
    ("not-empty", "companies", "domains IS not EMPTY and not domains is empty",
     "domains is not empty and not domains is empty"),
]


@pytest.mark.parametrize(("target", "text", "expected"), [case[1:] for case in FORMATTED],
                         ids=[case[0] for case in FORMATTED])
def test_format_output(target: str, text: str, expected: str) -> None:
    assert attioql.format(text, target=target, schema="demo") == expected


@pytest.mark.parametrize(("target", "text", "expected"), [case[1:] for case in FORMATTED],
                         ids=[case[0] for case in FORMATTED])
def test_format_is_stable(target: str, text: str, expected: str) -> None:
    assert attioql.format(expected, target=target, schema="demo") == expected


def test_format_rejects_invalid_text() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.format("nmae = x", target="companies", schema="demo")
    assert caught.value.code == "unknown.attribute"
    assert caught.value.span == (0, 4)


@pytest.mark.parametrize("text", ["Acme", "acme.com", "007", "1_000", "+44", "O'Neill", "Zürich", "and-x",
                                  "8c1e0f0a-1111-4222-8333-944455556666", "2024-01-01"])
def test_bare_values(text: str) -> None:
    assert can_stand_bare(text)


@pytest.mark.parametrize("text", ["", "a b", "and", "OR", "null", "true", "3x", "7d",
                                  "now-7d", " lead", "say \"hi\"", "$0-$1M", "1-10"])
def test_quoted_values(text: str) -> None:
    assert not can_stand_bare(text)


def test_quote_escapes() -> None:
    assert quote('a"b\\c\nd\te\x01') == '"a\\"b\\\\c\\nd\\te\\u0001"'


# Command line --------------------------------------------------------------------------


def test_cli_format(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["format", "-t", "companies", "--schema", "demo", "Tier = 'smb'"])
    assert status == 0
    assert capsys.readouterr().out == "tier = smb\n"


def test_cli_format_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["format", "--check", "-t", "companies", "--schema", "demo", "tier = smb"]) == 0
    assert main(["format", "--check", "-t", "companies", "--schema", "demo", "tier=smb"]) == 1
    assert "tier = smb" in capsys.readouterr().err


def test_cli_format_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["format", "-t", "companies", "--schema", "demo", "nmae = x"]) == 1
    assert "1:1: error: `companies` has no attribute `nmae`." in capsys.readouterr().err


def test_cli_decompile_stdin(monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"tier": "SMB", "fit_score": {"$gte": 4}}'))
    assert main(["decompile", "-t", "companies", "--schema", "demo"]) == 0
    assert capsys.readouterr().out == "tier = SMB and fit_score >= 4\n"


def test_cli_decompile_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "filter.json"
    path.write_text(json.dumps({"created_at": {"$gte": "2024-01-10T05:00:00.000Z"}}), "utf-8")
    status = main(["decompile", "-t", "companies", "--schema", "demo", "--timezone",
                   "America/New_York", str(path)])
    assert status == 0
    assert capsys.readouterr().out == "created_at >= 2024-01-10\n"


def test_cli_decompile_inline_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decompile", "-t", "companies", "--schema", "demo", '{"tier": "SMB"}']) == 0
    assert capsys.readouterr().out == "tier = SMB\n"
    assert main(["decompile", "-t", "companies", "--schema", "demo", ' {"tier": {']) == 1
    assert capsys.readouterr().err == (
        "error: the input is not JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 12.\n")


def test_cli_decompile_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "filter.json"
    path.write_text('{"tier": {"$ne": "SMB"}}', "utf-8")
    assert main(["decompile", "-t", "companies", "--schema", "demo", str(path)]) == 1
    assert capsys.readouterr().err == ("error: $.tier.$ne: `$ne` is not an Attio filter "
                                       "operator.\n  hint: negate with `$not`\n")
    path.write_text("{", "utf-8")
    assert main(["decompile", "-t", "companies", "--schema", "demo", str(path)]) == 1
    assert capsys.readouterr().err.startswith("error: the input is not JSON")
    assert main(["decompile", "-t", "companies", str(tmp_path / "missing.json")]) == 2
    assert main(["decompile", "-t", "nope", "--schema", "demo", str(path)]) == 2


def test_cli_explain(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["explain", "-t", "companies", "--schema", "demo", "--now",
                   "2024-01-17T15:30:00Z", "created_at = this week and owner = tom"])
    assert status == 0
    assert capsys.readouterr().out == (
        "Companies created between 15 Jan 2024 and 21 Jan 2024 and whose owner is Tom Lee.\n")


def test_cli_explain_week_start(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["explain", "-t", "companies", "--schema", "demo", "--now",
                   "2024-01-17T15:30:00Z", "--week-start", "sunday", "created_at = this week"])
    assert status == 0
    assert capsys.readouterr().out == "Companies created between 14 Jan 2024 and 20 Jan 2024.\n"


def test_format_then_compile_matches() -> None:
    text = "Tier = 'smb' and created_at >= -7d"
    formatted = attioql.format(text, target="companies", schema="demo")
    assert attioql.compile_filter(formatted, target="companies", schema="demo", now=NOW) == \
        attioql.compile_filter(text, target="companies", schema="demo", now=NOW)


def test_format_takes_extended_rules() -> None:
    rules = attioql.DEFAULT_RULES.with_operators("text", None, ["$not_empty"])
    text = attioql.format("NAME IS NOT EMPTY", target="companies", schema="demo", rules=rules)
    assert text == "name is not empty"
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.format("name is not empty", target="companies", schema="demo")
    assert caught.value.code == "operator.not_allowed"


def test_format_takes_limits() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.format("tier in [smb, enterprise]", target="companies", schema="demo",
                       max_list_size=1)
    assert caught.value.code == "limit.list_size"
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.format("(name = a)", target="companies", schema="demo",
                       limits=attioql.Limits(max_depth=0))
    assert caught.value.code == "limit.depth"


def test_cli_explain_group_on_location(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["explain", "-t", "people", "--schema", "demo",
                   "company.primary_location(city = Berlin and country = de)"])
    assert status == 0
    assert capsys.readouterr().out == (
        "People whose company's primary location's city is \"Berlin\" and whose company's "
        "primary location's country code is DE.\n")


def test_cli_decompile_query_body(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "body.json"
    path.write_text('{"filter": {"name": "a"}}', "utf-8")
    assert main(["decompile", "-t", "companies", "--schema", "demo", str(path)]) == 1
    assert capsys.readouterr().err == ("error: $: This is a query body (`filter`), not a "
                                       "filter.\n  hint: pass the value of `filter`\n")
