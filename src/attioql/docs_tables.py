"""Render the tables of ``docs/operators.md`` from the rules table, and refresh the example
output in ``docs/errors.md``.

``python -m attioql.docs_tables > docs/operators.md`` regenerates the operators page;
``python -m attioql.docs_tables --errors docs/errors.md`` reruns every ``attioql check``
example of the error page and rewrites the output shown under it. Tests fail when either
page differs from what the code produces.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

from .binder import dsl_operators
from .rules import DEFAULT_RULES, VALUE, Rules, TypeRule

_VALUE_KINDS = {
    "text": "text (any literal, as written)",
    "number": "number (a quoted number is accepted)",
    "rating": "whole number 0-5",
    "boolean": "`true` `false` `yes` `no`",
    "date": "date or relative date",
    "timestamp": "date, datetime or relative date",
    "option": "option title (any case) or id",
    "status": "status title (any case) or id",
    "member": "member name, email, id or `me`",
    "record_id": "record id (UUID)",
    "phone_number": "phone number, `+` and country code for `=`",
    "country_code": "two-letter country code",
    "interaction_type": "interaction type",
    "domain": "domain (a URL is reduced to its domain)",
    "none": "no value",
}

HEADER = """\
# Operators by attribute type

Generated from the rules table in `src/attioql/rules.py` by
`python -m attioql.docs_tables > docs/operators.md`; a test fails when this page is stale.

A condition is allowed when every Attio operator it compiles to is allowed for the
attribute's type and property. `!=`, `not in`, `not between`, `not contains`,
`does not start with`, `does not end with` and `is empty` compile to `$not` around the
positive form, so they are allowed wherever the positive form is. `in` compiles to `$in`
where Attio documents `$in`, and to an `$or` of equalities elsewhere. On dates and
timestamps, `=` with a date or a period compiles to a range (`$gte` and `$lt` or `$lte`),
which is why `active_from = 2024-01-01` is allowed although `active_from` has no `$eq`.

Callers whose workspace accepts more can extend the table:
`attioql.DEFAULT_RULES.with_operators("text", None, ["$not_empty"])`, passed as `rules=`.
"""


def _property_label(type_rule: TypeRule, name: str) -> str:
    if name == VALUE:
        return "(the attribute)"
    aliases = sorted(alias for alias, target in type_rule.aliases.items() if target == name)
    label = f"`{name}`"
    if aliases:
        label += " (alias " + ", ".join(f"`{alias}`" for alias in aliases) + ")"
    return label


def _default_note(type_rule: TypeRule) -> str:
    if type_rule.default_property is None:
        return "A property is required."
    notes = []
    if type_rule.default_property != VALUE:
        scope = " for dates" if type_rule.default_for_dates_only else ""
        notes.append(f"A bare `{type_rule.type}` attribute means `{type_rule.default_property}`"
                     f"{scope}.")
    if type_rule.empty_property not in (None, type_rule.default_property):
        where = ("the attribute" if type_rule.empty_property == VALUE
                 else f"`{type_rule.empty_property}`")
        notes.append(f"`is [not] empty` on the bare attribute uses {where}.")
    if type_rule.default_for_dates_only:
        notes.append("Any other value needs a property.")
    return " ".join(notes)


def render_operators(rules: Rules = DEFAULT_RULES) -> str:
    """Return the Markdown of ``docs/operators.md``."""
    lines = [HEADER]
    for type_rule in rules.types.values():
        lines.append(f"## {type_rule.type}\n")
        summary = " ".join(part for part in (type_rule.description, _default_note(type_rule)) if part)
        if summary:
            lines.append(summary + "\n")
        lines.append("| property | attioql operators | Attio operators | value |")
        lines.append("|---|---|---|---|")
        for name, rule in type_rule.properties.items():
            dsl = " ".join(f"`{op}`" for op in dsl_operators(rule.operators))
            attio = " ".join(f"`{op}`" for op in sorted(rule.operators))
            lines.append(f"| {_property_label(type_rule, name)} | {dsl} | {attio} | "
                         f"{_VALUE_KINDS[rule.value_kind]} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# An example's output block holds at least one line, so the match cannot run past it.
_EXAMPLE = re.compile(r"(```sh\n(attioql check [^\n]+)\n```\n\n```text\n)((?:(?!```)[^\n]*\n)+?)(```)")


def refresh_error_examples(markdown: str) -> str:
    """Return ``markdown`` with the output under each `attioql check` example rerun."""
    from .cli import main

    def rerun(match: re.Match[str]) -> str:
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            main(shlex.split(match.group(2))[1:])
        return match.group(1) + output.getvalue().strip() + "\n" + match.group(4)

    return _EXAMPLE.sub(rerun, markdown)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--errors"]:
        page = Path(sys.argv[2])
        page.write_text(refresh_error_examples(page.read_text("utf-8")), "utf-8")
    else:
        print(render_operators(), end="")
