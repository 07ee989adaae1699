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
     'Companies that do not match (whose tier is SMB and whose name is "a").'),
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
     'Companies whose name is "a" or (whose name is "b" and whose tier is SMB).'),
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
    ("emptiness", "companies", "domains is empty", "Companies whose domains is empty."),
    ("group", "people", "email_addresses(domain = example.com and local starts with j)",
     "People whose email addresses has one value whose email domain is \"example.com\" and "
     "whose local part starts with \"j\"."),
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
