"""decompile: Attio filter JSON in every documented shape back to canonical attioql text."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import attioql

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
CASES = json.loads((Path(__file__).parent / "conformance_cases.json").read_text("utf-8"))
TOM = "386f2261-c345-5bcd-a1fc-d7b16c64f063"
SMB_ID = "afc7d966-f522-5a77-8989-b3d4c7ceed65"
WON_ID = "62f52bf3-14d0-5d9d-9a59-4010384c848e"


def _decompile(data: Any, target: str = "companies", zone: str = "UTC") -> str:
    return attioql.decompile(data, target=target, schema="demo", timezone=zone)


def _compile(text: str, target: str = "companies", zone: str = "UTC") -> dict[str, Any]:
    return attioql.compile_filter(text, target=target, schema="demo", now=NOW, timezone=zone)


SHAPES = [
    ("shorthand-text", "companies", {"name": "Ada"}, "name = Ada"),
    ("shorthand-personal-name", "people", {"name": "Ada Lovelace"},
     'name = "Ada Lovelace"'),
    ("shorthand-several-keys", "companies", {"name": "Acme", "tier": "SMB"},
     "name = Acme and tier = SMB"),
    ("shorthand-checkbox", "companies", {"is_customer": True}, "is_customer = true"),
    ("shorthand-number", "people", {"lead_score": 7}, "lead_score = 7"),
    ("shorthand-email", "people", {"email_addresses": "a@b.io"}, "email_addresses = a@b.io"),
    ("verbose-attribute", "companies", {"fit_score": {"$gte": 4}}, "fit_score >= 4"),
    ("verbose-property", "people", {"name": {"last_name": {"$eq": "Smith"}}},
     "name.last_name = Smith"),
    ("implicit-property-equality", "people", {"email_addresses": {"email_domain": "acme.com"}},
     "email_addresses.email_domain = acme.com"),
    ("default-property-left-out", "people", {"name": {"full_name": {"$contains": "Jo"}}},
     "name contains Jo"),
    ("between", "deals", {"value": {"$gte": 1000, "$lte": 5000}},
     "value between 1000 and 5000"),
    ("several-operators-group", "people", {"lead_score": {"$gt": 1, "$lt": 9}},
     "lead_score(> 1 and < 9)"),
    ("several-properties-group", "people",
     {"email_addresses": {"email_domain": {"$eq": "acme.com"},
                          "email_local_specifier": {"$starts_with": "j"}}},
     "email_addresses(email_domain = acme.com and email_local_specifier starts with j)"),
    ("select-explicit-key", "companies", {"tier": {"option": {"$eq": "SMB"}}}, "tier = SMB"),
    ("select-and-active-from-group", "deals",
     {"stage": {"status": "Lead", "active_from": {"$gte": "2024-01-01T00:00:00.000Z"}}},
     "stage(= Lead and active_from >= 2024-01-01)"),
    ("and-or-not", "companies",
     {"$or": [{"$and": [{"name": {"$eq": "a"}}, {"tier": "SMB"}]},
              {"$not": {"fit_score": {"$gt": 3}}}]},
     "name = a and tier = SMB or not fit_score > 3"),
    ("or-inside-and-keeps-parentheses", "companies",
     {"$and": [{"$or": [{"name": "a"}, {"name": "b"}]}, {"tier": "SMB"}]},
     "(name = a or name = b) and tier = SMB"),
    ("not-around-and", "companies", {"$not": {"$and": [{"name": "a"}, {"tier": "SMB"}]}},
     "not (name = a and tier = SMB)"),
    ("negated-operators", "companies",
     {"$and": [{"$not": {"name": {"$contains": "x"}}},
               {"$not": {"name": {"$starts_with": "y"}}},
               {"$not": {"domains": {"$not_empty": True}}}]},
     "name does not contain x and name does not start with y and domains is empty"),
    ("double-not", "companies", {"$not": {"$not": {"tier": "SMB"}}}, "not not tier = SMB"),
    ("or-of-equalities-is-in", "companies",
     {"$or": [{"categories": "SaaS"}, {"categories": "Fintech"}]},
     "categories in [SaaS, Fintech]"),
    ("text-in", "companies", {"name": {"$in": ["Acme", "Globex Inc"]}},
     'name in [Acme, "Globex Inc"]'),
    ("text-or-stays-or", "companies", {"$or": [{"name": "a"}, {"name": "b"}]},
     "name = a or name = b"),
    ("not-in", "companies", {"$not": {"$or": [{"tier": "SMB"}, {"tier": "Enterprise"}]}},
     "tier not in [SMB, Enterprise]"),
    ("path-constraints", "people",
     {"path": [["people", "company"], ["companies", "name"]],
      "constraints": {"$contains": "acme"}},
     "company.name contains acme"),
    ("path-select-explicit", "people",
     {"path": [["people", "company"], ["companies", "tier"]],
      "constraints": {"option": {"$eq": "SMB"}}},
     "company.tier = SMB"),
    ("path-group", "companies",
     {"path": [["companies", "team"], ["people", "name"]],
      "constraints": {"first_name": {"$eq": "John"}, "last_name": {"$eq": "Lee"}}},
     "team.name(first_name = John and last_name = Lee)"),
    ("path-inside-logic", "sales_pipeline",
     {"$or": [{"stage": "Qualified"},
              {"path": [["sales_pipeline", "parent_record"], ["companies", "domains"]],
               "constraints": {"domain": "acme.com"}}]},
     "stage = Qualified or parent_record.domains = acme.com"),
    ("member-id-to-name", "deals",
     {"owner": {"referenced_actor_type": "workspace-member", "referenced_actor_id": TOM}},
     'owner = "Tom Lee"'),
    ("interaction-owner", "companies",
     {"last_calendar_interaction": {"owner_member_id": {"$eq": TOM}}},
     'last_calendar_interaction.owner_member_id = "Tom Lee"'),
    ("interaction-not-empty", "companies",
     {"last_email_interaction": {"owner_member_id": {"$not_empty": True}}},
     "last_email_interaction is not empty"),
    ("option-id-to-title", "companies", {"tier": SMB_ID}, "tier = SMB"),
    ("status-id-to-title", "deals", {"stage": WON_ID}, 'stage = "Won 🎉"'),
    ("option-title-any-case", "companies", {"tier": "smb"}, "tier = SMB"),
    ("record-reference", "people",
     {"company": {"target_object": "companies",
                  "target_record_id": "8C1E0F0A-1111-4222-8333-944455556666"}},
     "company = 8c1e0f0a-1111-4222-8333-944455556666"),
    ("record-reference-in", "people",
     {"company": {"target_object": "companies",
                  "target_record_id": {"$in": ["8c1e0f0a-1111-4222-8333-944455556666"]}}},
     "company in [8c1e0f0a-1111-4222-8333-944455556666]"),
    ("timestamp-whole-day", "companies",
     {"created_at": {"$gte": "2024-01-17T00:00:00.000Z", "$lt": "2024-01-18T00:00:00.000Z"}},
     "created_at = 2024-01-17"),
    ("timestamp-whole-days", "companies",
     {"created_at": {"$gte": "2024-01-15T00:00:00Z", "$lt": "2024-01-22T00:00:00Z"}},
     "created_at between 2024-01-15 and 2024-01-21"),
    ("timestamp-not-whole-days", "companies",
     {"created_at": {"$gte": "2024-01-16T15:00:00.000Z", "$lt": "2024-01-17T15:00:00.000Z"}},
     "created_at(>= 2024-01-16T15:00Z and < 2024-01-17T15:00Z)"),
    ("timestamp-offset-to-utc", "companies",
     {"created_at": {"$lt": "2024-01-10T09:30:00+02:00"}}, "created_at < 2024-01-10T07:30Z"),
    ("timestamp-fraction-kept", "companies",
     {"created_at": {"$gt": "2024-01-10T09:30:15.123456Z"}},
     "created_at > 2024-01-10T09:30:15.123456Z"),
    ("date-range", "companies", {"renewal_date": {"$gte": "2023-12-01", "$lte": "2023-12-31"}},
     "renewal_date between 2023-12-01 and 2023-12-31"),
    ("domain-not-empty", "companies", {"domains": {"$not_empty": True}},
     "domains is not empty"),
    ("quoted-values", "companies", {"name": {"$eq": 'The "Best" Co'}},
     'name = "The \\"Best\\" Co"'),
    ("keyword-value-quoted", "companies", {"name": {"$eq": "or"}}, 'name = "or"'),
    ("float-value", "companies", {"arr": {"$gt": 1e20}}, "arr > 100000000000000000000.0"),
    ("empty-filter", "companies", {}, ""),
]


@pytest.mark.parametrize(("target", "data", "expected"), [case[1:] for case in SHAPES],
                         ids=[case[0] for case in SHAPES])
def test_decompile_shape(target: str, data: Any, expected: str) -> None:
    assert _decompile(data, target) == expected


def test_day_range_in_time_zone() -> None:
    data = {"created_at": {"$gte": "2024-03-10T05:00:00.000Z", "$lt": "2024-03-11T04:00:00.000Z"}}
    assert _decompile(data, zone="America/New_York") == "created_at = 2024-03-10"
    assert _decompile(data) == "created_at(>= 2024-03-10T05:00Z and < 2024-03-11T04:00Z)"


def test_member_without_schema_stays_an_id() -> None:
    data = {"owner": {"referenced_actor_type": "workspace-member", "referenced_actor_id": TOM}}
    assert attioql.decompile(data, target="deals") == f"owner = {TOM}"


def test_ambiguous_first_name_uses_full_name() -> None:
    ann = "65e72e32-4e28-57bb-b143-a15836b7127b"
    data = {"owner": {"referenced_actor_type": "workspace-member", "referenced_actor_id": ann}}
    assert _decompile(data, "deals") == 'owner = "Ann Smith"'


ERRORS = [
    ("not-an-object", [], "value.invalid_filter_json",
     "$: A filter must be an object, not a list."),
    ("empty-and", {"$and": []}, "value.invalid_filter_json", "$.$and: `$and` has an empty list."),
    ("not-with-list", {"$not": [{"name": "a"}]}, "value.invalid_filter_json",
     "$.$not: `$not` takes one filter, not a list."),
    ("unknown-operator", {"tier": {"$ne": "SMB"}}, "value.unknown_filter_operator",
     "$.tier.$ne: `$ne` is not an Attio filter operator."),
    ("unknown-logical", {"$nor": []}, "value.unknown_filter_operator",
     "$.$nor: `$nor` is not an Attio filter operator."),
    ("operator-not-allowed", {"tier": {"$contains": "S"}}, "value.unsupported_filter_operator",
     "$.tier.$contains: `tier` (select) does not support `$contains`."),
    ("unknown-slug-in-and", {"$and": [{"name": "a"}, {"stage": "Won"}]}, "unknown.attribute",
     "$.$and[1].stage: `companies` has no attribute `stage`."),
    ("unknown-option", {"$and": [{"name": "a"}, {"tier": "Gold"}]}, "unknown.option",
     "$.$and[1].tier: `tier` has no option `Gold`."),
    ("unknown-property", {"primary_location": {"town": "x"}}, "unknown.property",
     "$.primary_location.town: `primary_location` (location) has no property `town`."),
    ("value-in-a-list", {"name": ["Acme"]}, "value.invalid_filter_json",
     "$.name: `name` cannot equal a list."),
    ("interaction-without-property", {"last_email_interaction": "x"},
     "value.invalid_filter_json",
     "$.last_email_interaction: `last_email_interaction` is an interaction attribute, so the "
     "condition must name one of its properties: `interacted_at`, `owner_member_id`, "
     "`interaction_type`."),
    ("rating-out-of-range", {"$or": [{"fit_score": {"$eq": 7}}, {"name": "a"}]},
     "value.invalid_rating",
     "$.$or[0].fit_score: `fit_score` is a rating, a whole number from 0 to 5, so `7` is "
     "out of range."),
    ("date-only-timestamp", {"created_at": {"$gte": "2024-01-10"}}, "value.invalid_timestamp",
     "$.created_at.$gte: `2024-01-10` is not a timestamp."),
    ("not-empty-false", {"domains": {"$not_empty": False}}, "value.invalid_filter_json",
     "$.domains.$not_empty: `$not_empty` takes `true`."),
    ("constraints-without-path", {"constraints": {}}, "value.invalid_filter_json",
     "$.constraints: `constraints` needs a `path` beside it."),
    ("path-from-other-object", {"path": [["people", "company"]], "constraints": {}},
     "unknown.target",
     "$.path[0]: The path starts at `people`, but the filter is on `companies`."),
    ("unknown-member", {"owner": {"referenced_actor_type": "workspace-member",
                                  "referenced_actor_id": "00000000-0000-4000-8000-000000000000"}},
     "unknown.member", "$.owner.referenced_actor_id: No workspace member has the id "
     "`00000000-0000-4000-8000-000000000000`."),
    ("boolean-as-number", {"arr": {"$gte": True}}, "value.invalid_number",
     "$.arr.$gte: `true` is not a number."),
    ("null-as-date", {"foundation_date": {"$eq": None}}, "value.invalid_date",
     "$.foundation_date.$eq: `null` is not a date."),
    ("record-id-not-uuid", {"parent_company": {"target_record_id": "acme"}},
     "value.invalid_record_id", "$.parent_company.target_record_id: `acme` is not a record id."),
]


@pytest.mark.parametrize(("data", "code", "message"), [case[1:] for case in ERRORS],
                         ids=[case[0] for case in ERRORS])
def test_decompile_error(data: Any, code: str, message: str) -> None:
    with pytest.raises(attioql.DecompileError) as caught:
        _decompile(data)
    assert caught.value.code == code
    assert caught.value.message == message
    assert isinstance(caught.value, attioql.AttioQLError)


def test_deep_json_is_a_limit_error() -> None:
    data: dict[str, Any] = {"name": "a"}
    for _ in range(5000):
        data = {"$not": data}
    with pytest.raises(attioql.DecompileError) as caught:
        _decompile(data)
    assert caught.value.code == "limit.depth"
    assert caught.value.message.endswith(
        ": The filter nests deeper than 64 levels of `$and`, `$or` and `$not`.")
    assert caught.value.errors[0].hint == (
        "flatten the filter: the limit is 64 levels, and one more for an `$or` that reads "
        "as an `in` list")


HINTS = [
    ("list-on-text", {"name": ["Acme"]},
     "filter values are single values, not lists; use `{\"$in\": [...]}`"),
    ("list-on-select", {"categories": ["SaaS"]},
     "filter values are single values, not lists; use an `$or` with one condition per value"),
    ("url-domain", {"domains": "https://acme.com/path"},
     "compare the domain `acme.com` if that is what you mean"),
]


@pytest.mark.parametrize(("data", "hint"), [case[1:] for case in HINTS],
                         ids=[case[0] for case in HINTS])
def test_decompile_error_hint(data: Any, hint: str) -> None:
    with pytest.raises(attioql.DecompileError) as caught:
        _decompile(data)
    assert caught.value.errors[0].hint == hint


def test_domains_that_text_cannot_keep_are_rejected() -> None:
    cases = {
        "https://acme.com/path": "is a URL",
        "acme.com/": "has a path after the domain",
        " acme.com": "has spaces around it",
    }
    for value, what in cases.items():
        with pytest.raises(attioql.DecompileError) as caught:
            _decompile({"domains": {"root_domain": value}})
        assert caught.value.code == "value.invalid_filter_json"
        assert caught.value.message == (
            f"$.domains.root_domain: `{value}` {what}; Attio compares it as written, but "
            "attioql text compares the domain `acme.com`, so this filter has no attioql text.")


def test_plain_domain_round_trips() -> None:
    data = {"domains": {"domain": {"$eq": "acme.com"}}}
    assert _decompile(data) == "domains = acme.com"
    assert _compile("domains = acme.com") == data


FILTER_CASES = [case for case in CASES["filters"] if case.get("expect")]


@pytest.mark.parametrize("case", FILTER_CASES, ids=[case["id"] for case in FILTER_CASES])
def test_conformance_round_trip(case: dict[str, Any]) -> None:
    options = {"schema": case.get("schema", "demo"), "timezone": case.get("timezone", "UTC")}
    now = datetime.fromisoformat(case.get("now", CASES["defaults"]["now"]).replace("Z", "+00:00"))
    text = attioql.decompile(case["expect"], target=case["target"], **options)
    again = attioql.compile_filter(text, target=case["target"], now=now,
                                   current_member=case.get("current_member"), **options)
    assert again == case["expect"], text


# The filter examples that Attio documents, each with the canonical JSON it stands for.
DOCUMENTED = [
    ("companies-team-member-named-john", "companies",
     {"path": [["companies", "team"], ["people", "name"]],
      "constraints": {"first_name": {"$eq": "John"}}},
     {"path": [["companies", "team"], ["people", "name"]],
      "constraints": {"first_name": {"$eq": "John"}}}),
    ("list-entries-by-parent-email-domain", "recruiting",
     {"path": [["recruiting", "parent_record"], ["people", "email_addresses"]],
      "constraints": {"email_domain": "example.com"}},
     {"path": [["recruiting", "parent_record"], ["people", "email_addresses"]],
      "constraints": {"email_domain": {"$eq": "example.com"}}}),
    ("companies-with-an-email-interaction", "companies",
     {"last_email_interaction": {"owner_member_id": {"$not_empty": True}}},
     {"last_email_interaction": {"owner_member_id": {"$not_empty": True}}}),
    ("domains-not-empty", "companies", {"domains": {"$not_empty": True}},
     {"domains": {"$not_empty": True}}),
    ("shorthand-equality", "companies", {"name": "Acme"}, {"name": {"$eq": "Acme"}}),
    ("shorthand-several-keys", "people", {"name": "Ada Lovelace", "job_title": "CTO"},
     {"$and": [{"name": {"full_name": {"$eq": "Ada Lovelace"}}},
               {"job_title": {"$eq": "CTO"}}]}),
    ("checkbox-shorthand", "companies", {"is_customer": True}, {"is_customer": {"$eq": True}}),
    ("status-implicit", "deals", {"stage": "In Progress"}, {"stage": "In Progress"}),
    ("status-explicit", "deals", {"stage": {"status": {"$eq": "In Progress"}}},
     {"stage": "In Progress"}),
    ("status-several-via-or", "deals", {"$or": [{"stage": "Lead"}, {"stage": "Lost"}]},
     {"$or": [{"stage": "Lead"}, {"stage": "Lost"}]}),
    ("status-active-from", "deals", {"stage": {"active_from": {"$lt": "2024-01-01T00:00:00Z"}}},
     {"stage": {"active_from": {"$lt": "2024-01-01T00:00:00.000Z"}}}),
    ("record-reference", "people",
     {"company": {"target_object": "companies",
                  "target_record_id": "8c1e0f0a-1111-4222-8333-944455556666"}},
     {"company": {"target_object": "companies",
                  "target_record_id": "8c1e0f0a-1111-4222-8333-944455556666"}}),
    ("actor-reference", "deals",
     {"owner": {"referenced_actor_type": "workspace-member", "referenced_actor_id": TOM}},
     {"owner": {"referenced_actor_type": "workspace-member", "referenced_actor_id": TOM}}),
    ("currency-numeric-string", "deals", {"value": {"$gte": "1000"}}, {"value": {"$gte": 1000}}),
    ("phone-country-code", "people", {"phone_numbers": {"country_code": {"$eq": "GB"}}},
     {"phone_numbers": {"country_code": {"$eq": "GB"}}}),
    ("location-country", "companies", {"primary_location": {"country_code": "GB"}},
     {"primary_location": {"country_code": {"$eq": "GB"}}}),
    ("not-is-the-negation", "companies", {"$not": {"name": {"$contains": "test"}}},
     {"$not": {"name": {"$contains": "test"}}}),
]


@pytest.mark.parametrize(("target", "data", "canonical"), [case[1:] for case in DOCUMENTED],
                         ids=[case[0] for case in DOCUMENTED])
def test_documented_examples_recompile(target: str, data: Any, canonical: Any) -> None:
    text = _decompile(data, target)
    assert _compile(text, target) == canonical


REQUESTS = [
    ("query-body", {"filter": {"name": "a"}, "limit": 5},
     "$: This is a query body (`filter`, `limit`), not a filter.",
     "pass the value of `filter`"),
    ("body-without-filter", {"sorts": [], "limit": 5},
     "$: This is a query body (`sorts`, `limit`), not a filter.",
     "this query body has no filter; pass `{}`"),
    ("whole-request", {"method": "POST", "path": "/v2/objects/companies/records/query",
                       "body": {"filter": {"name": "a"}}},
     "$: This is a whole query request ({method, path, body}), not a filter.",
     "pass the value of `body.filter`"),
    ("request-without-filter", {"path": "/v2/objects/companies/records/query", "body": {}},
     "$: This is a whole query request ({method, path, body}), not a filter.",
     "this query has no filter; pass `{}`"),
]


@pytest.mark.parametrize(("data", "message", "hint"), [case[1:] for case in REQUESTS],
                         ids=[case[0] for case in REQUESTS])
def test_query_request_is_rejected_with_hint(data: Any, message: str, hint: str) -> None:
    with pytest.raises(attioql.DecompileError) as caught:
        _decompile(data)
    assert caught.value.code == "value.invalid_filter_json"
    assert caught.value.message == message
    assert caught.value.hint == hint


def test_filter_attribute_beside_query_keys_is_a_filter() -> None:
    schema = {"objects": [{"id": {"object_id": "o1"}, "api_slug": "things"}],
              "attributes": {"objects/things": [
                  {"title": "Filter", "api_slug": "filter", "type": "text"}]}}
    assert attioql.decompile({"filter": "x"}, target="things", schema=schema) == "filter = x"


def test_extended_rules() -> None:
    rules = attioql.DEFAULT_RULES.with_operators("text", None, ["$not_empty"])
    compiled = attioql.compile_filter("name is not empty", target="companies", schema="demo",
                                      rules=rules)
    assert compiled == {"name": {"$not_empty": True}}
    text = attioql.decompile(compiled, target="companies", schema="demo", rules=rules)
    assert text == "name is not empty"
    with pytest.raises(attioql.DecompileError) as caught:
        _decompile(compiled)
    assert caught.value.code == "value.unsupported_filter_operator"


def test_long_in_list_round_trips() -> None:
    text = f"tier in [{', '.join(['smb'] * 501)}]"
    compiled = _compile(text)
    assert len(compiled["$or"]) == 501
    decompiled = _decompile(compiled)
    assert decompiled == f"tier in [{', '.join(['SMB'] * 501)}]"
    assert _compile(decompiled) == compiled


def test_in_list_over_the_list_limit() -> None:
    compiled = _compile("tier in [smb, smb, smb]")
    with pytest.raises(attioql.DecompileError) as caught:
        attioql.decompile(compiled, target="companies", schema="demo", max_list_size=2)
    assert caught.value.code == "limit.list_size"
    assert caught.value.message == "$.$or: The `$or` reads as a list of more than 2 values."


def test_conditions_limit_counts_text_conditions() -> None:
    compiled = _compile("tier in [smb, smb, smb] and name = a")
    text = attioql.decompile(compiled, target="companies", schema="demo", max_conditions=2)
    assert text == "tier in [SMB, SMB, SMB] and name = a"
    with pytest.raises(attioql.DecompileError) as caught:
        attioql.decompile(compiled, target="companies", schema="demo", max_conditions=1)
    assert caught.value.code == "limit.conditions"
    assert caught.value.message == "$: The filter has more than 1 conditions."


def test_depth_of_compiled_in_list_round_trips() -> None:
    text = "not " * 64 + "is_customer in [true, false]"
    compiled = _compile(text)
    assert _compile(_decompile(compiled)) == compiled
