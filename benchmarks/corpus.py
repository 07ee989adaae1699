"""A corpus of realistic filters over the bundled `demo` schema, each with its equivalent in
djangoql's and Lucene's (luqum's) syntax, for ``bench_compile.py``.

Each template takes a variant number so that the corpus contains distinct texts (no parse
cache can help). The djangoql and Lucene forms mean the same as far as those languages
allow; both lack relative dates, so they carry the literal dates the attioql form resolves
to, and djangoql has no unary `not`, so it uses `!=` and `not in`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    target: str
    attioql: str
    djangoql: str
    lucene: str


NAMES = ("acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka",
         "tyrell", "cyberdyne")
TIERS = ("smb", "enterprise", "mid-market")
MEMBERS = ("tom", "priya", "sam", "ann.smith@example.com")

Template = Callable[[int], Entry]


def _name(i: int) -> str:
    return NAMES[i % len(NAMES)]


TEMPLATES: list[Template] = [
    lambda i: Entry("companies", f"tier = {TIERS[i % 3]}", f'tier = "{TIERS[i % 3]}"',
                    f"tier:{TIERS[i % 3]}"),
    lambda i: Entry("companies", f"name = \"{_name(i).title()} Corp\"",
                    f'name = "{_name(i).title()} Corp"', f'name:"{_name(i).title()} Corp"'),
    lambda i: Entry("companies", f"name contains {_name(i)}", f'name ~ "{_name(i)}"',
                    f"name:*{_name(i)}*"),
    lambda i: Entry("companies", f"fit_score >= {i % 5 + 1} and tier in [smb, enterprise]",
                    f'fit_score >= {i % 5 + 1} and tier in ("smb", "enterprise")',
                    f"fit_score:[{i % 5 + 1} TO *] AND tier:(smb OR enterprise)"),
    lambda i: Entry("companies", f"not is_customer = true and arr > {1000 * (i + 1)}",
                    f"is_customer != True and arr > {1000 * (i + 1)}",
                    f"NOT is_customer:true AND arr:{{{1000 * (i + 1)} TO *]"),
    lambda i: Entry("companies", f"created_at >= now - {i + 1}d",
                    f'created_at >= "2024-01-{16 - i % 9:02d}T15:30:00"',
                    f"created_at:[now-{i + 1}d TO *]"),
    lambda i: Entry("companies", f"renewal_date between 2024-0{i % 9 + 1}-01 and 2024-12-31",
                    f'renewal_date >= "2024-0{i % 9 + 1}-01" and renewal_date <= "2024-12-31"',
                    f"renewal_date:[2024-0{i % 9 + 1}-01 TO 2024-12-31]"),
    lambda i: Entry("companies",
                    f"last_calendar_interaction.interacted_at >= 2023-{i % 9 + 1:02d}-01 "
                    f"and owner = {MEMBERS[i % 4]}",
                    f'last_calendar_interaction.interacted_at >= "2023-{i % 9 + 1:02d}-01" '
                    f'and owner.name = "{MEMBERS[i % 4]}"',
                    f"last_calendar_interaction.interacted_at:[2023-{i % 9 + 1:02d}-01 TO *] "
                    f"AND owner:{MEMBERS[i % 4]}"),
    lambda i: Entry("companies", f"domains.domain = {_name(i)}.com",
                    f'domains.domain = "{_name(i)}.com"', f'domains.domain:"{_name(i)}.com"'),
    lambda i: Entry("companies", f"team.name starts with {_name(i)[:3]}",
                    f'team.name startswith "{_name(i)[:3]}"', f"team.name:{_name(i)[:3]}*"),
    lambda i: Entry("companies",
                    f"(tier = smb or tier = enterprise) and not (fit_score < {i % 4 + 1})",
                    f'(tier = "smb" or tier = "enterprise") and fit_score >= {i % 4 + 1}',
                    f"(tier:smb OR tier:enterprise) AND NOT fit_score:[* TO {i % 4 + 1}}}"),
    lambda i: Entry("companies", f"domains is not empty and name ends with {_name(i)[-2:]}",
                    f'domains != None and name endswith "{_name(i)[-2:]}"',
                    f"_exists_:domains AND name:*{_name(i)[-2:]}"),
    lambda i: Entry("companies", f"created_at = last month and tier != {TIERS[i % 3]}",
                    f'created_at >= "2023-12-01" and created_at < "2024-01-01" and '
                    f'tier != "{TIERS[i % 3]}"',
                    f"created_at:[2023-12-01 TO 2024-01-01}} AND NOT tier:{TIERS[i % 3]}"),
    lambda i: Entry("companies",
                    "name in [" + ", ".join(f'"{n}"' for n in NAMES[: i % 8 + 2]) + "]",
                    "name in (" + ", ".join(f'"{n}"' for n in NAMES[: i % 8 + 2]) + ")",
                    "name:(" + " OR ".join(NAMES[: i % 8 + 2]) + ")"),
    lambda i: Entry("companies", f"parent_company.name = {_name(i)} or team.name = "
                    f"{_name(i + 1)}",
                    f'parent_company.name = "{_name(i)}" or team.name = "{_name(i + 1)}"',
                    f"parent_company.name:{_name(i)} OR team.name:{_name(i + 1)}"),
    lambda i: Entry("companies", f"created_at = this week or renewal_date = next month "
                    f"and fit_score = {i % 5 + 1}",
                    f'created_at >= "2024-01-15" or renewal_date >= "2024-02-01" and '
                    f"fit_score = {i % 5 + 1}",
                    f"created_at:[2024-01-15 TO *] OR renewal_date:[2024-02-01 TO 2024-03-01}} "
                    f"AND fit_score:{i % 5 + 1}"),
    lambda i: Entry("people", f"email_addresses(domain = {_name(i)}.com and local starts "
                    f"with j)",
                    f'email_addresses.domain = "{_name(i)}.com" and email_addresses.local '
                    f'startswith "j"',
                    f'email_addresses.domain:"{_name(i)}.com" AND email_addresses.local:j*'),
    lambda i: Entry("people", f"company.name contains {_name(i)} and lead_score > {i}",
                    f'company.name ~ "{_name(i)}" and lead_score > {i}',
                    f"company.name:*{_name(i)}* AND lead_score:{{{i} TO *]"),
    lambda i: Entry("people", f"job_title contains engineer and not seniority = intern "
                    f"and lead_score <= {i + 10}",
                    f'job_title ~ "engineer" and seniority != "intern" and '
                    f"lead_score <= {i + 10}",
                    f"job_title:*engineer* AND NOT seniority:intern AND "
                    f"lead_score:[* TO {i + 10}]"),
    lambda i: Entry("people", f"birthday = {i % 9 + 2} days ago",
                    f'birthday = "2024-01-{17 - i % 9 - 2:02d}"',
                    f"birthday:2024-01-{17 - i % 9 - 2:02d}"),
    lambda i: Entry("people", f"name = \"{_name(i).title()} Smith\" or name.last_name = "
                    f"{_name(i + 2)}",
                    f'name = "{_name(i).title()} Smith" or name.last_name = "{_name(i + 2)}"',
                    f'name:"{_name(i).title()} Smith" OR name.last_name:{_name(i + 2)}'),
    lambda i: Entry("people", f"newsletter_opt_in = yes and created_at >= 2023-{i % 9 + 1:02d}-15",
                    f'newsletter_opt_in = True and created_at >= "2023-{i % 9 + 1:02d}-15"',
                    f"newsletter_opt_in:true AND created_at:[2023-{i % 9 + 1:02d}-15 TO *]"),
    lambda i: Entry("people", f"manager.name = {_name(i)} and name is not empty",
                    f'manager.name = "{_name(i)}" and name != None',
                    f"manager.name:{_name(i)} AND _exists_:name"),
    lambda i: Entry("deals", f"stage = lead and value >= {5000 * (i + 1)}",
                    f'stage = "lead" and value >= {5000 * (i + 1)}',
                    f"stage:lead AND value:[{5000 * (i + 1)} TO *]"),
    lambda i: Entry("deals", f"close_date >= today and owner = {MEMBERS[i % 4]}",
                    f'close_date >= "2024-01-17" and owner.name = "{MEMBERS[i % 4]}"',
                    f"close_date:[2024-01-17 TO *] AND owner:{MEMBERS[i % 4]}"),
    lambda i: Entry("deals", f"associated_company.name contains {_name(i)} or stage in "
                    f"[lead, lost]",
                    f'associated_company.name ~ "{_name(i)}" or stage in ("lead", "lost")',
                    f"associated_company.name:*{_name(i)}* OR stage:(lead OR lost)"),
    lambda i: Entry("deals", f"not (stage = lost or value < {100 * (i + 1)})",
                    f'stage != "lost" and value >= {100 * (i + 1)}',
                    f"NOT (stage:lost OR value:[* TO {100 * (i + 1)}}})"),
    lambda i: Entry("deals", f"close_date = last {i + 7} days and source = referral",
                    f'close_date >= "2024-01-{17 - i % 9:02d}" and source = "referral"',
                    f"close_date:[now-{i + 7}d TO now] AND source:referral"),
    lambda i: Entry("companies", f"twitter_follower_count between {i * 100} and "
                    f"{i * 100 + 5000} and categories = saas",
                    f"twitter_follower_count >= {i * 100} and twitter_follower_count <= "
                    f'{i * 100 + 5000} and categories = "saas"',
                    f"twitter_follower_count:[{i * 100} TO {i * 100 + 5000}] AND "
                    f"categories:saas"),
    lambda i: Entry("companies", f"primary_location.country = gb and foundation_date < "
                    f"20{10 + i % 9}-01-01",
                    f'primary_location.country = "gb" and foundation_date < '
                    f'"20{10 + i % 9}-01-01"',
                    f"primary_location.country:gb AND foundation_date:[* TO "
                    f"20{10 + i % 9}-01-01}}"),
]

VARIANTS = 16


def load() -> list[Entry]:
    """Every template in every variant: 30 templates, 16 variants, 480 entries."""
    return [template(i) for i in range(VARIANTS) for template in TEMPLATES]
