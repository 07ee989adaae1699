"""Input → error code, span and the exact rendered message, for every error path."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import attioql
from attioql.errors import AttioQLError, BindError, ParseError

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)

CASES: list[tuple[str, str, str, tuple[int, int], str]] = [
    ('companies', 'name = or', 'syntax.unexpected_token', (7, 9),
     'Unexpected `or`: expected a value such as a number, a date or a quoted text.\n  name = or\n         ^^\n  hint: `or` is a keyword; to compare with the text, quote it: "or"'),
    ('companies', 'fit_score >=', 'syntax.unexpected_end', (12, 12),
     'The filter ends too early: expected a value such as a number, a date or a quoted text after `>=`.\n  fit_score >=\n              ^'),
    ('companies', 'name = acme; tier = smb', 'syntax.unexpected_character', (11, 12),
     'Unexpected character `;`: expected `and`, `or` or the end of the filter.\n  name = acme; tier = smb\n             ^'),
    ('companies', 'name = "Acme', 'syntax.unterminated_string', (7, 8),
     'The quoted text has no closing ".\n  name = "Acme\n         ^\n  hint: add " at the end of the text'),
    ('companies', 'name = "Acme\nCorp"', 'syntax.line_break_in_string', (7, 8),
     'The quoted text has a line break before its closing quote.\n  name = "Acme\n         ^\n  hint: close the text with " on the same line, or write \\n for a line break'),
    ('companies', 'name = "C:\\data"', 'syntax.invalid_escape', (7, 8),
     'The quoted text has an invalid escape `\\d`.\n  name = "C:\\data"\n         ^\n  hint: the escapes are \\\\ \\" \\\' \\n \\t \\r and \\uXXXX; write \\\\ for a backslash'),
    ('companies', '`` = 3', 'syntax.empty_title', (0, 2),
     "A title in backticks cannot be empty.\n  `` = 3\n  ^^\n  hint: write the attribute's title or slug"),
    ('companies', 'employee_range = 1-10', 'syntax.invalid_literal', (17, 21),
     '`1-10` starts with a digit but is not a number, a date or a duration.\n  employee_range = 1-10\n                   ^^^^\n  hint: write a date as YYYY-MM-DD, or quote the text: "1-10"'),
    ('companies', 'created_at > now - 1.5h', 'syntax.fractional_duration', (19, 23),
     '`1.5h` is a fractional duration, and durations are whole numbers.\n  created_at > now - 1.5h\n                     ^^^^\n  hint: write a whole number of a smaller unit, such as `90min`'),
    ('companies', 'created_at > -3m', 'syntax.ambiguous_unit', (13, 16),
     '`-3m` has the unit `m`, which could mean minutes or months.\n  created_at > -3m\n               ^^^\n  hint: write `-3min` for minutes or `-3mo` for months'),
    ('companies', 'tier = Mid market', 'syntax.unquoted_words', (7, 17),
     '`Mid market` is several words, and a value with spaces needs quotes.\n  tier = Mid market\n         ^^^^^^^^^^\n  hint: write "Mid market"'),
    ('deals', 'stage = In Progress', 'syntax.unexpected_token', (8, 10),
     'Unexpected `In`: expected a value such as a number, a date or a quoted text.\n  stage = In Progress\n          ^^\n  hint: `in` is a keyword; to compare with the text, quote it: "In Progress"'),
    ('companies', 'Zürich = 1', 'syntax.unexpected_character', (0, 6),
     '`Zürich` is not a valid attribute name.\n  Zürich = 1\n  ^^^^^^\n  hint: a slug uses the letters A-Z, digits and `_`; write a title in backticks: `Zürich`'),
    ('companies', '(name = a', 'syntax.unexpected_end', (9, 9),
     'The filter ends too early: expected `)`.\n  (name = a\n           ^'),
    ('companies', 'name = a)', 'syntax.unexpected_token', (8, 9),
     'Unexpected `)`: expected the end of the filter.\n  name = a)\n          ^'),
    ('companies', 'name acme', 'syntax.unexpected_token', (5, 9),
     'Unexpected `acme`: expected an operator such as `=`, `contains` or `in`, `not` or `(`.\n  name acme\n       ^^^^\n  hint: put an operator such as `=` between the attribute and the value'),
    ('companies', '= acme', 'syntax.unexpected_token', (0, 1),
     'Unexpected `=`: expected an attribute name, `not`, `(` or the end of the filter.\n  = acme\n  ^'),
    ('companies', 'name = a and', 'syntax.unexpected_end', (12, 12),
     'The filter ends too early: expected an attribute name, `not` or `(` after `and`.\n  name = a and\n              ^'),
    ('people', 'email_addresses(domain = acme.com or domain = globex.com)', 'syntax.or_in_group', (34, 36),
     'A group joins its conditions with `and` only.\n  email_addresses(domain = acme.com or domain = globex.com)\n                                    ^^\n  hint: write `email_addresses(...) or email_addresses(...)` to match either'),
    ('people', 'email_addresses(domain = acme.com and local != info)', 'syntax.negation_in_group', (44, 46),
     '`!=` cannot be used inside a group, because every condition in a group must hold for the same value.\n  email_addresses(domain = acme.com and local != info)\n                                              ^^\n  hint: move it outside the group: `email_addresses(...) and email_addresses.local != info`'),
    ('people', 'email_addresses(domain = acme.com and domain is empty)', 'syntax.negation_in_group', (45, 53),
     '`is empty` cannot be used inside a group, because every condition in a group must hold for the same value.\n  email_addresses(domain = acme.com and domain is empty)\n                                               ^^^^^^^^\n  hint: move it outside the group: `email_addresses(...) and email_addresses.domain is empty`'),
    ('companies', 'nmae = x', 'unknown.attribute', (0, 4),
     '`companies` has no attribute `nmae`.\n  nmae = x\n  ^^^^\n  hint: did you mean `name`?'),
    ('people', 'legacy_source = x', 'unknown.archived_attribute', (0, 13),
     '`legacy_source` is an archived attribute of `people`.\n  legacy_source = x\n  ^^^^^^^^^^^^^\n  hint: archived attributes cannot be filtered; restore it in Attio first'),
    ('people', 'email_addresses.host = acme.com', 'unknown.property', (16, 20),
     '`email_addresses` (email-address) has no property `host`.\n  email_addresses.host = acme.com\n                  ^^^^\n  hint: the properties are `email_address`, `email_domain`, `email_root_domain`, `email_local_specifier`, `domain`, `local` and `root_domain`'),
    ('people', 'email_addresses.domain.x = acme.com', 'unknown.property', (23, 24),
     '`domain` is a property of `email_addresses`, so the path cannot go on after it.\n  email_addresses.domain.x = acme.com\n                         ^\n  hint: end the path at `email_addresses.domain`'),
    ('companies', 'name.first = x', 'unknown.property', (5, 10),
     '`name` is a text attribute, which has no properties, so `.first` cannot follow it.\n  name.first = x\n       ^^^^^\n  hint: compare `name` itself'),
    ('companies', 'tier = gold', 'unknown.option', (7, 11),
     '`tier` has no option `gold`.\n  tier = gold\n         ^^^^\n  hint: the options are `Enterprise`, `Mid-market` and `SMB`'),
    ('deals', 'stage = closed', 'unknown.status', (8, 14),
     '`stage` has no status `closed`.\n  stage = closed\n          ^^^^^^\n  hint: did you mean `Lost` or `Lead`?'),
    ('deals', 'owner = bob', 'unknown.member', (8, 11),
     "No workspace member matches `bob`.\n  owner = bob\n          ^^^\n  hint: write a member's name, email or id"),
    ('deals', 'owner = ann', 'ambiguous.member', (8, 11),
     "`ann` matches 2 members: Ann Smith (ann.smith@example.com) and Ann Jones (ann.jones@example.com).\n  owner = ann\n          ^^^\n  hint: write the member's email or full name"),
    ('deals', 'owner = me', 'value.current_member_missing', (8, 10),
     "`me` needs the current member, and none was given.\n  owner = me\n          ^^\n  hint: pass current_member= (or --me on the command line), or write the member's name or email"),
    ('companies', 'tier contains "ent"', 'operator.not_allowed', (5, 13),
     '`tier` is a select attribute, which does not support `contains`.\n  tier contains "ent"\n       ^^^^^^^^\n  hint: use one of `=`, `!=`, `in`, `not in`'),
    ('companies', 'is_customer > true', 'operator.not_allowed', (12, 13),
     '`is_customer` is a checkbox attribute, which does not support `>`.\n  is_customer > true\n              ^\n  hint: use one of `=`, `!=`, `in`, `not in`'),
    ('companies', 'name is empty', 'operator.not_allowed', (5, 13),
     '`name` is a text attribute, which does not support `is empty`.\n  name is empty\n       ^^^^^^^^\n  hint: use one of `=`, `!=`, `in`, `not in`, `contains`, `does not contain`, `starts with`, `does not start with`, `ends with`, `does not end with`'),
    ('companies', 'tier.active_from = 2024-01-01T10:00', 'operator.not_allowed', (17, 18),
     '`tier.active_from` is a property of a select attribute, which does not support `=` with this value.\n  tier.active_from = 2024-01-01T10:00\n                   ^\n  hint: a date or period works here, because it becomes `>=` and `<`; it supports `>`, `>=`, `<`, `<=`, `between`, `not between`'),
    ('companies', 'primary_location = London', 'operator.property_required', (0, 16),
     '`primary_location` is a location attribute, so the condition must name one of its properties.\n  primary_location = London\n  ^^^^^^^^^^^^^^^^\n  hint: write one of `primary_location.line_1`, `primary_location.line_2`, `primary_location.line_3`, `primary_location.line_4`, `primary_location.locality`, `primary_location.region`, `primary_location.postcode` and `primary_location.country_code`'),
    ('companies', 'last_email_interaction = tom', 'operator.property_required', (0, 22),
     '`last_email_interaction` is an interaction attribute, so the condition must name one of its properties.\n  last_email_interaction = tom\n  ^^^^^^^^^^^^^^^^^^^^^^\n  hint: write one of `last_email_interaction.interacted_at`, `last_email_interaction.owner_member_id` and `last_email_interaction.interaction_type`'),
    ('companies', 'name = null', 'value.null', (7, 11),
     '`null` is not a value.\n  name = null\n         ^^^^\n  hint: write `name is empty` to find records without a value'),
    ('companies', 'arr > lots', 'value.invalid_number', (6, 10),
     '`arr` is a currency attribute, so `lots` must be a number.\n  arr > lots\n        ^^^^\n  hint: write a number such as 1000 or 12.5'),
    ('companies', 'fit_score = 7', 'value.invalid_rating', (12, 13),
     '`fit_score` is a rating, a whole number from 0 to 5, so `7` is out of range.\n  fit_score = 7\n              ^\n  hint: write a whole number from 0 to 5'),
    ('companies', 'fit_score = 2.5', 'value.invalid_rating', (12, 15),
     '`fit_score` is a rating, a whole number from 0 to 5, so `2.5` is not a whole number.\n  fit_score = 2.5\n              ^^^\n  hint: write a whole number from 0 to 5'),
    ('companies', 'is_customer = maybe', 'value.invalid_boolean', (14, 19),
     '`is_customer` is a checkbox, so `maybe` must be true or false.\n  is_customer = maybe\n                ^^^^^\n  hint: write `true`, `false`, `yes` or `no`'),
    ('companies', 'renewal_date = 2023-06-31', 'value.invalid_date', (15, 25),
     '`2023-06-31` is not a valid date.\n  renewal_date = 2023-06-31\n                 ^^^^^^^^^^\n  hint: check the month and the day: dates are written YYYY-MM-DD'),
    ('companies', 'renewal_date = 2024-06-30T10:00', 'value.datetime_on_date', (15, 31),
     '`2024-06-30T10:00` has a time of day, and this attribute is a date, so the time would be dropped.\n  renewal_date = 2024-06-30T10:00\n                 ^^^^^^^^^^^^^^^^\n  hint: write the date alone: 2024-06-30'),
    ('companies', 'created_at > 2024-01-10T25:00', 'value.invalid_timestamp', (13, 29),
     '`2024-01-10T25:00` is not a valid datetime.\n  created_at > 2024-01-10T25:00\n               ^^^^^^^^^^^^^^^^\n  hint: check the date, and that hours are 00-23 and minutes 00-59'),
    ('companies', 'created_at > now - 2', 'value.invalid_relative_date', (19, 20),
     '`2` in `now - 2` has no unit.\n  created_at > now - 2\n                     ^\n  hint: write a unit, such as `now - 2d` (2024-01-15 15:30, UTC)'),
    ('companies', 'created_at > 7d', 'value.unsigned_duration', (13, 15),
     '`7d` is a length of time, not a point in time.\n  created_at > 7d\n               ^^\n  hint: write `-7d` (2024-01-10 15:30, UTC) for 7d ago or `+7d` (2024-01-24 15:30, UTC) for 7d from now'),
    ('people', 'company = Acme', 'value.invalid_record_id', (10, 14),
     '`company` links to records, so it compares with a record id, and `Acme` is not one.\n  company = Acme\n            ^^^^\n  hint: to match the linked record by an attribute, write `company.name = "Acme"`'),
    ('people', 'phone_numbers = "020 7946 0958"', 'value.invalid_phone_number', (16, 31),
     '`020 7946 0958` has no country code, and Attio stores phone numbers in E.164 form.\n  phone_numbers = "020 7946 0958"\n                  ^^^^^^^^^^^^^^^\n  hint: write it with a leading + and the country code, such as +442079460958 for a UK number'),
    ('people', 'phone_numbers = "+44 abc"', 'value.invalid_phone_number', (16, 25),
     '`+44 abc` is not a phone number.\n  phone_numbers = "+44 abc"\n                  ^^^^^^^^^\n  hint: write digits with a leading + and the country code, such as "+44 20 7946 0958"'),
    ('companies', 'primary_location.country = Britain', 'value.invalid_country_code', (27, 34),
     '`Britain` is not a two-letter country code.\n  primary_location.country = Britain\n                             ^^^^^^^\n  hint: write an ISO 3166 code such as GB, US or DE'),
    ('companies', 'last_email_interaction.type = fax', 'value.invalid_interaction_type', (30, 33),
     '`fax` is not an interaction type.\n  last_email_interaction.type = fax\n                                ^^^\n  hint: write one of email, calendar-event, call, chat-thread, in-person-meeting, meeting'),
    ('companies', 'created_at(>= 2024-01-01 and >= 2024-02-01)', 'value.repeated_operator', (29, 42),
     'The group uses `$gte` twice on `created_at`, and one Attio condition can hold each operator once.\n  created_at(>= 2024-01-01 and >= 2024-02-01)\n                               ^^^^^^^^^^^^^\n  hint: join the two conditions with `and` outside the group'),
    ('companies', 'partners.name = x', 'ambiguous.reference', (0, 8),
     "`partners` can link to `companies` and `people`, so it cannot be followed to one object's attributes.\n  partners.name = x\n  ^^^^^^^^\n  hint: filter on a reference that allows exactly one object"),
    ('companies', 'partners = 8c1e0f0a-1111-4222-8333-944455556666', 'ambiguous.reference', (0, 8),
     '`partners` can link to `companies` and `people`, so it cannot be compared with a record id.\n  partners = 8c1e0f0a-1111-4222-8333-944455556666\n  ^^^^^^^^\n  hint: filter on a reference that allows exactly one object'),
]


@pytest.mark.parametrize(("target", "text", "code", "span", "rendered"), CASES,
                         ids=[c[2] + ":" + c[1] for c in CASES])
def test_error_code_span_and_message(target: str, text: str, code: str,
                                     span: tuple[int, int], rendered: str) -> None:
    with pytest.raises(AttioQLError) as caught:
        attioql.compile_filter(text, target=target, schema="demo", now=NOW)
    error = caught.value
    assert error.code == code
    assert error.span == span
    assert str(error) == rendered
    assert isinstance(error, ValueError)
    assert error.code.split(".")[0] in ("syntax", "unknown", "operator", "value", "ambiguous",
                                        "limit")


def test_binding_reports_every_error_in_source_order() -> None:
    text = "nmae = x and tier = gold and fit_score = 9"
    with pytest.raises(BindError) as caught:
        attioql.compile_filter(text, target="companies", schema="demo")
    codes = [(e.code, e.span) for e in caught.value.errors]
    assert codes == [("unknown.attribute", (0, 4)), ("unknown.option", (20, 24)),
                     ("value.invalid_rating", (41, 42))]
    assert caught.value.code == "unknown.attribute"


def test_parse_error_stops_at_the_first() -> None:
    with pytest.raises(ParseError) as caught:
        attioql.compile_filter("name = or and tier = = 3", target="companies", schema="demo")
    assert len(caught.value.errors) == 1
    assert caught.value.span == (7, 9)


def test_line_and_column_count_characters() -> None:
    text = 'name = "Zürich 🎉"\n  and nmae = x'
    with pytest.raises(AttioQLError) as caught:
        attioql.compile_filter(text, target="companies", schema="demo")
    error = caught.value
    assert (error.line, error.column) == (2, 7)
    assert error.span == (24, 28)
    assert str(error) == ("`companies` has no attribute `nmae`.\n"
                          "    and nmae = x\n"
                          "        ^^^^\n"
                          "  hint: did you mean `name`?")


def test_error_survives_pickling() -> None:
    import pickle

    with pytest.raises(AttioQLError) as caught:
        attioql.compile_filter("nmae = x", target="companies", schema="demo")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.code == "unknown.attribute"
    assert str(copy) == str(caught.value)


def test_lark_terminal_names_never_reach_messages() -> None:
    samples = ["name = ", "(", ")", "name = a or", "name in [a,", "name in [", "x.", "`a` ==",
               "name = a b c", "a = 1 andy = 2", "not", "name between 1", "name is not",
               "name does not", "name starts", "companies where"]
    for text in samples:
        with pytest.raises(AttioQLError) as caught:
            attioql.compile_filter(text, target="companies", schema="demo")
        message = str(caught.value)
        for leak in ("__ANON", "_IS", "NAME", "WORD", "RPAR", "LPAR", "$END", "Token(",
                     "COMPARATOR", "BAD_LITERAL", "DURATION"):
            assert leak not in message, (text, message)


@pytest.mark.parametrize(("option", "code"), [
    ({"target": "compnies"}, "unknown.target"),
    ({"target": "companies", "timezone": "Mars/Olympus"}, "value.invalid_timezone"),
    ({"target": "companies", "schema": "/nonexistent/snapshot.json"}, "value.invalid_schema"),
])
def test_bad_options_raise_attioql_errors(option: dict[str, str], code: str) -> None:
    arguments = {"schema": "demo", **option}
    with pytest.raises(AttioQLError) as caught:
        attioql.compile_filter("name = x", **arguments)  # type: ignore[arg-type]
    assert caught.value.code == code


def test_naive_now_is_rejected() -> None:
    with pytest.raises(AttioQLError) as caught:
        attioql.compile_filter("created_at > -1d", target="companies", schema="demo",
                               now=datetime(2024, 1, 1))
    assert caught.value.code == "value.invalid_timestamp"
