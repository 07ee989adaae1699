"""compile_query: the query form, with sorts, limit and offset, and its positioned errors."""

from __future__ import annotations

from typing import Any

import pytest

import attioql
from attioql.cli import main

QUERIES = [
    ("filter-sort-limit-offset",
     "companies where tier = smb order by name asc, created_at desc limit 25 offset 50",
     "/v2/objects/companies/records/query",
     {"filter": {"tier": "SMB"},
      "sorts": [{"direction": "asc", "attribute": "name"},
                {"direction": "desc", "attribute": "created_at"}],
      "limit": 25, "offset": 50}),
    ("direction-defaults-to-asc", "people order by lead_score",
     "/v2/objects/people/records/query",
     {"sorts": [{"direction": "asc", "attribute": "lead_score"}]}),
    ("property-sort-uses-field", "people order by name.last_name DESC",
     "/v2/objects/people/records/query",
     {"sorts": [{"direction": "desc", "attribute": "name", "field": "last_name"}]}),
    ("alias-sort", "companies order by primary_location.city",
     "/v2/objects/companies/records/query",
     {"sorts": [{"direction": "asc", "attribute": "primary_location", "field": "locality"}]}),
    ("interaction-sorts-by-date", "companies order by last_email_interaction desc",
     "/v2/objects/companies/records/query",
     {"sorts": [{"direction": "desc", "attribute": "last_email_interaction",
                 "field": "interacted_at"}]}),
    ("path-sort", "people order by company.name",
     "/v2/objects/people/records/query",
     {"sorts": [{"direction": "asc", "path": [["people", "company"], ["companies", "name"]]}]}),
    ("path-sort-with-field", "companies order by team.name.last_name",
     "/v2/objects/companies/records/query",
     {"sorts": [{"direction": "asc", "path": [["companies", "team"], ["people", "name"]],
                 "field": "last_name"}]}),
    ("list-entries", "sales_pipeline where stage = qualified order by amount desc",
     "/v2/lists/sales_pipeline/entries/query",
     {"filter": {"stage": "Qualified"}, "sorts": [{"direction": "desc", "attribute": "amount"}]}),
    ("parent-record-sort", "sales_pipeline order by parent_record.name",
     "/v2/lists/sales_pipeline/entries/query",
     {"sorts": [{"direction": "asc",
                 "path": [["sales_pipeline", "parent_record"], ["companies", "name"]]}]}),
    ("empty-where-left-out", "companies where limit 0", "/v2/objects/companies/records/query",
     {"limit": 0}),
    ("underscored-offset", "companies offset 1_000", "/v2/objects/companies/records/query",
     {"offset": 1000}),
    ("target-any-case", "Companies", "/v2/objects/companies/records/query", {}),
]


@pytest.mark.parametrize(("text", "path", "body"), [case[1:] for case in QUERIES],
                         ids=[case[0] for case in QUERIES])
def test_query_compiles(text: str, path: str, body: dict[str, Any]) -> None:
    result = attioql.compile_query(text, schema="demo")
    assert result == {"method": "POST", "path": path, "body": body}


ERRORS = [
    ("negative-limit", "companies where tier = smb limit -1", "value.invalid_limit", (33, 35),
     "`limit` must be a whole number of 0 or more, not `-1`."),
    ("fractional-limit", "companies limit 1.5", "value.invalid_limit", (16, 19),
     "`limit` must be a whole number of 0 or more, not `1.5`."),
    ("negative-offset", "companies limit 10 offset -5", "value.invalid_limit", (26, 28),
     "`offset` must be a whole number of 0 or more, not `-5`."),
    ("location-needs-property", "companies order by primary_location", "operator.not_sortable",
     (19, 35), "`primary_location` is a location attribute, so a sort must name one of its "
     "properties."),
    ("unknown-sort-attribute", "companies order by nmae", "unknown.attribute", (19, 23),
     "`companies` has no attribute `nmae`."),
    ("unknown-sort-property", "people order by name.middle", "unknown.property", (21, 27),
     "`name` (personal-name) has no property `middle`."),
    ("multi-object-reference", "companies order by partners.name", "ambiguous.reference",
     (19, 27), "`partners` can link to `companies` and `people`, so it cannot be followed to "
     "one object's attributes."),
    ("unknown-target", "nope where name = a", "unknown.target", (0, 4),
     "The schema has no object or list `nope`."),
]


@pytest.mark.parametrize(("text", "code", "span", "message"), [case[1:] for case in ERRORS],
                         ids=[case[0] for case in ERRORS])
def test_query_error(text: str, code: str, span: tuple[int, int], message: str) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_query(text, schema="demo")
    assert caught.value.code == code
    assert caught.value.span == span
    assert caught.value.message == message


def test_query_reports_every_sort_and_limit_error() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_query("companies order by nmae, primary_location limit -1",
                              schema="demo")
    assert [error.code for error in caught.value.errors] == [
        "unknown.attribute", "operator.not_sortable", "value.invalid_limit"]


WARNINGS = [
    ("archived-status", "recruiting where stage = withdrawn",
     "1:26: warning: `Withdrawn` is an archived status of `stage`; only older records can "
     "have it.\n  recruiting where stage = withdrawn\n                           ^^^^^^^^^\n"),
    ("suspended-member", "companies where owner = sam order by name",
     "1:25: warning: Sam Reed (sam@example.com) is a suspended member.\n"
     "  companies where owner = sam order by name\n                          ^^^\n"),
    ("no-warning", "companies where tier = smb", ""),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in WARNINGS],
                         ids=[case[0] for case in WARNINGS])
def test_cli_query_prints_warnings(capsys: pytest.CaptureFixture[str], text: str,
                                   expected: str) -> None:
    assert main(["query", "--schema", "demo", "--compact", text]) == 0
    captured = capsys.readouterr()
    assert captured.err == expected
    assert captured.out.startswith('{"method":"POST"')
