"""explain: one plain-English sentence per filter, with names resolved and dates made absolute."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import attioql

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)

SENTENCES = [
    ("design-example", "companies",
     "last_calendar_interaction.interacted_at >= 2023-11-01 and owner = tom",
     "Companies whose last calendar interaction was on or after 1 Nov 2023 and whose owner "
     "is Tom Lee."),
    ("empty", "companies", "", "All companies."),
    ("text", "companies", 'name = "Acme Corp"', 'Companies whose name is "Acme Corp".'),
    ("negation", "companies", "tier != enterprise", "Companies whose tier is not Enterprise."),
    ("not-comparison", "companies", "not fit_score > 3",
     "Companies whose fit score is not more than 3."),
    ("not-compound", "companies", "not (tier = smb and name = a)",
     'Companies whose tier is not SMB or whose name is not "a".'),
    ("not-or", "companies", "not (domains is empty or name = a)",
     'Companies whose domains are not empty and whose name is not "a".'),
    ("not-nested", "companies", "tier = smb and not (name = a and (name = b or not name = c))",
     'Companies whose tier is SMB, and either whose name is not "a", or both whose name is '
     'not "b" and whose name is "c".'),
    ("and-of-ors", "companies", "(name = a or name = b) and (tier = smb or name = c)",
     'Companies either whose name is "a" or whose name is "b", and either whose tier is SMB '
     'or whose name is "c".'),
    ("not-group-single-value", "companies", "not primary_location(city = Berlin and country = de)",
     "Companies whose primary location's city is not \"Berlin\" or whose primary location's "
     "country code is not DE."),
    ("not-group-multi-value", "people",
     "not email_addresses(domain = example.com and local starts with j)",
     "People whose email addresses have no value whose email domain is \"example.com\" and "
     "whose local part starts with \"j\"."),
    ("control-characters", "companies", 'name = "line\\nbreak\\ttab\\u0007"',
     'Companies whose name is "line\\nbreak\\ttab\\u0007".'),
    ("quote-and-backslash", "companies", 'name = "say \\"hi\\" \\\\"',
     'Companies whose name is "say \\"hi\\" \\\\".'),
    ("plural-equality", "people", "email_addresses = a@b.com",
     'People whose email addresses include "a@b.com".'),
    ("plural-text-verb", "companies", "domains does not contain acme",
     'Companies whose domains do not contain "acme".'),
    ("plural-not-in", "companies", "domains not in [a.com, b.com]",
     'Companies whose domains include neither "a.com" nor "b.com".'),
    ("plural-title-property", "people", "email_addresses.email_domain = acme.com",
     'People whose email addresses\' email domain is "acme.com".'),
    ("double-not", "companies", "not not tier = smb", "Companies whose tier is SMB."),
    ("in-text", "companies", "name in (Acme, Globex)",
     'Companies whose name is "Acme" or "Globex".'),
    ("in-multiselect", "companies", "categories in [saas, fintech]",
     "Companies whose categories include SaaS or Fintech."),
    ("not-in-two", "companies", "tier not in [smb, enterprise]",
     "Companies whose tier is neither SMB nor Enterprise."),
    ("not-in-three", "companies", "tier not in [smb, enterprise, legacy]",
     "Companies whose tier is not any of SMB, Enterprise or Legacy."),
    ("precedence", "companies", "name = a or name = b and tier = smb",
     'Companies whose name is "a", or both whose name is "b" and whose tier is SMB.'),
    ("period-this-week", "companies", "created_at = this week",
     "Companies created between 15 Jan 2024 and 21 Jan 2024."),
    ("period-last-month-date", "companies", "renewal_date = last month",
     "Companies whose renewal date is between 1 Dec 2023 and 31 Dec 2023."),
    ("relative-instant", "companies", "created_at >= -7d",
     "Companies created on or after 10 Jan 2024, 15:30 UTC."),
    ("not-created-today", "companies", "created_at != today",
     "Companies not created on 17 Jan 2024."),
    ("future-interaction", "companies", "next_calendar_interaction < next week",
     "Companies whose next calendar interaction is before 22 Jan 2024."),
    ("path", "people", "company.name contains acme",
     'People whose company\'s name contains "acme".'),
    ("path-through-team", "companies", "team.name.first_name = John",
     'Companies whose team\'s name\'s first name is "John".'),
    ("list-target", "sales_pipeline", "stage = qualified and priority = high",
     "Entries of the Sales pipeline list whose stage is Qualified and whose priority is High."),
    ("checkbox", "companies", "is_customer = yes", "Companies whose customer is checked."),
    ("checkbox-false", "companies", "is_customer = false",
     "Companies whose customer is not checked."),
    ("emptiness", "companies", "domains is empty", "Companies whose domains are empty."),
    ("group", "people", "email_addresses(domain = example.com and local starts with j)",
     "People whose email addresses have a value whose email domain is \"example.com\" and "
     "whose local part starts with \"j\"."),
    ("group-single-value", "companies", "primary_location(city = Berlin and country = de)",
     "Companies whose primary location's city is \"Berlin\" and whose primary location's "
     "country code is DE."),
    ("group-through-path", "people", "company.primary_location(city = Berlin and country = de)",
     "People whose company's primary location's city is \"Berlin\" and whose company's "
     "primary location's country code is DE."),
    ("group-through-many", "companies", "team.name(first_name = John and last_name = Lee)",
     "Companies whose team's name has a value whose first name is \"John\" and whose last "
     "name is \"Lee\"."),
    ("group-multiselect", "companies", "categories(= saas and active_from >= 2024-01-01)",
     "Companies whose categories have a value that is SaaS and whose active-from date was on "
     "or after 1 Jan 2024."),
    ("group-multi-value-only", "companies", "domains(domain contains acme and domain ends with io)",
     "Companies whose domains have a value that contains \"acme\" and ends with \"io\"."),
    ("group-in-or", "companies", "tier = smb or primary_location(city = a and region = b)",
     "Companies whose tier is SMB, or both whose primary location's city is \"a\" and whose "
     "primary location's region is \"b\"."),
    ("group-created-at", "companies", "created_at(>= 2024-01-10T09:30Z and < 2024-01-17T10:00Z)",
     "Companies created on or after 10 Jan 2024, 09:30 UTC and before 17 Jan 2024, 10:00 UTC."),
    ("group-interaction-dates", "companies",
     "last_calendar_interaction(> 2024-01-01T10:00Z and < 2024-01-05T10:00Z)",
     "Companies whose last calendar interaction was after 1 Jan 2024, 10:00 UTC and before "
     "5 Jan 2024, 10:00 UTC."),
    ("group-interaction-owner", "companies", "last_email_interaction(at >= 2024-01-01 and owner = tom)",
     "Companies whose last email interaction was on or after 1 Jan 2024 and whose last email "
     "interaction's owner is Tom Lee."),
    ("group-numbers", "companies", "arr(> 1 and <= 5)", "Companies whose ARR is more than 1 and is at most 5."),
    ("path-created-at", "companies", "parent_company.created_at >= 2024-01-01",
     "Companies whose parent company was created on or after 1 Jan 2024."),
    ("path-not-created", "companies", "parent_company.created_at != 2024-01-01",
     "Companies whose parent company was not created on 1 Jan 2024."),
    ("member-by-me", "deals", "owner = me", "Deals whose deal owner is José Álvarez."),
    ("record-id", "people", "company = 8c1e0f0a-1111-4222-8333-944455556666",
     "People whose company is the record 8c1e0f0a-1111-4222-8333-944455556666."),
    ("between-numbers", "deals", "value between 1000 and 5000",
     "Deals whose deal value is between 1000 and 5000."),
]


@pytest.mark.parametrize(("target", "text", "expected"), [case[1:] for case in SENTENCES],
                         ids=[case[0] for case in SENTENCES])
def test_explain_sentence(target: str, text: str, expected: str) -> None:
    sentence = attioql.explain(text, target=target, schema="demo", now=NOW,
                               current_member="jose@example.com")
    assert sentence == expected


def test_explain_uses_the_time_zone() -> None:
    sentence = attioql.explain("created_at < 2024-01-10T09:30Z", target="companies",
                               schema="demo", now=NOW, timezone="Europe/Berlin")
    assert sentence == "Companies created before 10 Jan 2024, 10:30 Europe/Berlin."


def test_explain_rejects_invalid_text() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.explain("owner = me", target="deals", schema="demo", now=NOW)
    assert caught.value.code == "value.current_member_missing"
    assert caught.value.span == (8, 10)


MEMBERSHIP = [
    ("checkbox-both", "is_customer in [true, false]",
     "Companies whose customer is either checked or unchecked."),
    ("checkbox-both-reversed", "is_customer in [false, true]",
     "Companies whose customer is either checked or unchecked."),
    ("checkbox-neither", "is_customer not in [true, false]",
     "Companies whose customer is neither checked nor unchecked."),
    ("checkbox-not-in-one", "is_customer not in [false]", "Companies whose customer is checked."),
    ("checkbox-repeated", "is_customer in [true, yes]", "Companies whose customer is checked."),
    ("text-not-in-two", "name not in [a, b]", 'Companies whose name is neither "a" nor "b".'),
    ("text-not-in-three", "name not in [a, b, c]",
     'Companies whose name is not any of "a", "b" or "c".'),
    ("number-in", "fit_score in [1, 2]", "Companies whose fit score is 1 or 2."),
    ("number-not-in", "arr not in [1, 2, 3]", "Companies whose ARR is not any of 1, 2 or 3."),
    ("date-in", "renewal_date in [2024-01-01, 2024-02-01]",
     "Companies whose renewal date is on 1 Jan 2024 or 1 Feb 2024."),
    ("date-not-in-two", "renewal_date not in [2024-01-01, 2024-02-01]",
     "Companies whose renewal date is on neither 1 Jan 2024 nor 1 Feb 2024."),
    ("date-not-in-three", "renewal_date not in [2024-01-01, 2024-02-01, 2024-03-01]",
     "Companies whose renewal date is not on any of 1 Jan 2024, 1 Feb 2024 or 1 Mar 2024."),
    ("timestamp-in", "created_at in [2024-01-01, 2024-02-01]",
     "Companies created on 1 Jan 2024 or created on 1 Feb 2024."),
    ("multiselect-not-in", "categories not in [saas, fintech, ai]",
     "Companies whose categories do not include any of SaaS, Fintech or AI."),
    ("select-not-in", "tier not in [smb]", "Companies whose tier is not SMB."),
    ("member-in", "owner in [tom, ann.smith@example.com]",
     "Companies whose owner is Tom Lee or Ann Smith."),
    ("member-not-in", "owner not in [tom, ann.smith@example.com]",
     "Companies whose owner is neither Tom Lee nor Ann Smith."),
    ("interaction-type-in", "last_email_interaction.type in [email, call]",
     "Companies whose last email interaction's type is email or call."),
    ("domain-not-in", "domains not in [acme.com, globex.io]",
     'Companies whose domains include neither "acme.com" nor "globex.io".'),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in MEMBERSHIP],
                         ids=[case[0] for case in MEMBERSHIP])
def test_explain_membership(text: str, expected: str) -> None:
    assert attioql.explain(text, target="companies", schema="demo", now=NOW) == expected


def test_explain_status_not_in() -> None:
    sentence = attioql.explain("stage not in [lead, lost]", target="deals", schema="demo",
                               now=NOW)
    assert sentence == "Deals whose deal stage is neither Lead nor Lost."


def test_explain_record_not_in() -> None:
    first, second = ("8c1e0f0a-1111-4222-8333-944455556666",
                     "8c1e0f0a-1111-4222-8333-944455556667")
    sentence = attioql.explain(f"company not in [{first}, {second}]", target="people",
                               schema="demo", now=NOW)
    assert sentence == (f"People whose company is neither the record {first} nor the record "
                        f"{second}.")


def test_explain_group_without_property_is_an_error() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.explain("primary_location(= Berlin)", target="companies", schema="demo",
                        now=NOW)
    assert caught.value.code == "operator.property_required"
    assert caught.value.span == (17, 18)


def test_explain_takes_extended_rules() -> None:
    rules = attioql.DEFAULT_RULES.with_operators("text", None, ["$not_empty"])
    sentence = attioql.explain("name is not empty", target="companies", schema="demo",
                               now=NOW, rules=rules)
    assert sentence == "Companies whose name is not empty."


def test_explain_takes_limits() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.explain("name = a and name = b", target="companies", schema="demo", now=NOW,
                        max_conditions=1)
    assert caught.value.code == "limit.conditions"
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.explain("name = abc", target="companies", schema="demo", now=NOW,
                        limits=attioql.Limits(max_length=5))
    assert caught.value.code == "limit.length"


def test_explain_long_in_list() -> None:
    text = f"tier in [{', '.join(['smb'] * 501)}]"
    sentence = attioql.explain(text, target="companies", schema="demo", now=NOW)
    assert sentence == "Companies whose tier is " + ", ".join(["SMB"] * 500) + " or SMB."
