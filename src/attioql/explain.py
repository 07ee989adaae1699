"""Describe a filter in one plain-English sentence.

The filter is compiled first, so every name is resolved and every relative date is fixed
against `now`. The JSON is then read back with the decompiler, which turns member ids
into names, option ids into titles and whole-day ranges into dates. The sentence is built
from that tree: "Companies whose last calendar interaction was on or after 1 Nov 2023 and
whose owner is Tom Lee."
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone

from . import ast
from .binder import Binder
from .core import SchemaSource, compile_with_warnings, make_context
from .decompiler import _Reader
from .rules import VALUE, ValueKind
from .schema import Schema, Target

_PROPERTY_LABELS = {
    "full_name": "full name", "first_name": "first name", "last_name": "last name",
    "email_address": "address", "email_domain": "email domain",
    "email_root_domain": "email root domain", "email_local_specifier": "local part",
    "root_domain": "root domain", "phone_number": "number", "country_code": "country code",
    "line_1": "address line 1", "line_2": "address line 2", "line_3": "address line 3",
    "line_4": "address line 4", "locality": "city", "region": "region",
    "postcode": "postcode", "owner_member_id": "owner", "interaction_type": "type",
    "interacted_at": "date", "active_from": "active-from date",
}
_COMPARISONS = {">": "is more than", ">=": "is at least", "<": "is less than",
                "<=": "is at most"}
_TIME_COMPARISONS = {"=": "on", ">": "after", ">=": "on or after", "<": "before",
                     "<=": "on or before"}
_TEXT_VERBS = {"contains": ("contains", "does not contain"),
               "starts_with": ("starts with", "does not start with"),
               "ends_with": ("ends with", "does not end with")}


def explain(text: str, *, target: str, schema: SchemaSource = None, now: datetime | None = None,
            timezone: str = "UTC", current_member: str | None = None,
            week_start: int = 0) -> str:
    """Describe in one English sentence which records the filter ``text`` selects.

    Options are as for :func:`attioql.compile_filter`. Dates in the sentence are absolute,
    computed from ``now`` in ``timezone``. ``week_start`` is 0 for Monday to 6 for Sunday.
    Raises :class:`AttioQLError` for text that does not compile.
    """
    context = make_context(target, schema, now, timezone, current_member, None, None,
                           week_start)
    compiled, _warnings = compile_with_warnings(text, context)
    node = _Reader(context).filter(compiled, "$", 0)
    subject = _subject(context.target)
    if node is None:
        return f"All {subject[0].lower()}{subject[1:]}."
    describer = _Describer(context.binder(), context.schema, timezone)
    return f"{subject} {describer.filter(node)}."


def _subject(target: Target) -> str:
    if target.kind == "lists":
        return f"Entries of the {target.title} list"
    return target.title[:1].upper() + target.title[1:]


def lower_title(title: str) -> str:
    """Lower-case a title's first letter, except in a word such as ARR or LinkedIn."""
    first_word = title.split(" ", 1)[0]
    if first_word[1:] != first_word[1:].lower():
        return title
    return title[:1].lower() + title[1:]


def describe_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


class _Describer:
    def __init__(self, binder: Binder, schema: Schema, zone_name: str) -> None:
        self.binder = binder
        self.schema = schema
        self.zone = binder.options.clock.zone
        self.zone_name = "UTC" if zone_name.upper() == "UTC" else zone_name

    def filter(self, node: ast.Filter) -> str:
        if isinstance(node, ast.Not):
            if isinstance(node.operand, ast.Not):
                return self.filter(node.operand.operand)
            if isinstance(node.operand, ast.Condition):
                return self._condition(node.operand, negate=True)
            return f"that do not match ({self.filter(node.operand)})"
        if isinstance(node, (ast.And, ast.Or)):
            joiner = " and " if isinstance(node, ast.And) else " or "
            parts = []
            for operand in node.operands:
                phrase = self.filter(operand)
                if isinstance(operand, (ast.And, ast.Or)) and type(operand) is not type(node):
                    phrase = f"({phrase})"
                parts.append(phrase)
            return joiner.join(parts)
        if isinstance(node, ast.Group):
            return self._group(node)
        return self._condition(node, negate=False)

    # Names -------------------------------------------------------------------------------

    def _noun(self, path: ast.Path) -> tuple[str, ValueKind, bool, bool]:
        """Name what a path reaches in English. Also return its value kind, whether the
        attribute is multi-valued, and whether its dates lie ahead (`next_*` interactions)."""
        predicate = ast.Predicate("=", False, (ast.Literal("date", "2000-01-01"),))
        resolved = self.binder.resolve_path(path)
        property_name = self.binder._choose_property(resolved, predicate, path.span)
        kind = resolved.type_rule.properties[property_name].value_kind
        words = [self._title(owner, slug) for owner, slug in resolved.path]
        if resolved.property not in (None, VALUE, "interacted_at"):
            assert resolved.property is not None
            words.append(_PROPERTY_LABELS.get(resolved.property,
                                              resolved.property.replace("_", " ")))
        noun = "".join(_possessive(word) for word in words[:-1]) + words[-1]
        future = resolved.attribute.slug.startswith("next_")
        return noun, kind, resolved.attribute.is_multiselect, future

    def _title(self, owner: str, slug: str) -> str:
        if slug == "parent_record":
            return "parent record"
        target = self.schema.objects.get(owner) or self.schema.lists.get(owner)
        attribute = target.attributes.get(slug) if target is not None else None
        return lower_title(attribute.title) if attribute is not None else slug

    # Conditions --------------------------------------------------------------------------

    def _condition(self, node: ast.Condition, negate: bool) -> str:
        noun, kind, multiple, future = self._noun(node.path)
        predicate = node.predicate
        negated = predicate.negated != negate
        if predicate.operator == "not_empty":
            return f"whose {noun} {'is empty' if negated else 'is not empty'}"
        verb = self._verb(predicate, kind, negated, multiple, future)
        if kind == "timestamp" and len(node.path.segments) == 1 and noun.endswith(" at"):
            # `created_at = today` reads "created on 17 Jan 2024".
            rest = verb.split(" ", 1)[1]
            if rest.startswith("not "):
                return f"not {noun[:-3]} {rest[4:]}"
            return f"{noun[:-3]} {rest}"
        return f"whose {noun} {verb}"

    def _group(self, node: ast.Group) -> str:
        noun, _kind, _multiple, future = self._noun(node.path)
        phrases = []
        for member in node.members:
            if member.path is None:
                kind = self._noun(node.path)[1]
                label = None
            else:
                member_path = ast.Path(node.path.segments + member.path.segments)
                kind = self._noun(member_path)[1]
                name = member.path.segments[0].name
                label = _PROPERTY_LABELS.get(name, name.replace("_", " "))
            predicate = member.predicate
            if predicate.operator == "not_empty":
                verb = "is not empty"
            else:
                verb = self._verb(predicate, kind, False, False, future)
            phrases.append(verb if label is None else f"whose {label} {verb}")
        if all(member.path is None for member in node.members):
            return f"whose {noun} " + " and ".join(phrases)
        return f"whose {noun} has one value " + " and ".join(phrases)

    def _verb(self, predicate: ast.Predicate, kind: ValueKind, negated: bool,
              multiple: bool, future: bool) -> str:
        operator = predicate.operator
        values = [self._value(value, kind) for value in predicate.values]
        if kind in ("date", "timestamp"):
            tense = "was" if kind == "timestamp" and not future else "is"
            if operator == "between":
                return f"{tense} {'not ' if negated else ''}between {values[0]} and {values[1]}"
            if operator == "in":
                return f"{tense} {'not ' if negated else ''}on {_or(values)}"
            at = "at" if operator == "=" and ":" in values[0] else _TIME_COMPARISONS[operator]
            return f"{tense} {'not ' if negated else ''}{at} {values[0]}"
        if operator in _TEXT_VERBS:
            positive, negative = _TEXT_VERBS[operator]
            return f"{negative if negated else positive} {values[0]}"
        if kind == "boolean":
            checked = predicate.values[0].text == "true"
            return "is checked" if checked != negated else "is not checked"
        is_word = "include" if multiple and kind in ("option", "status") else "is"
        not_word = "do not include" if is_word == "include" else "is not"
        if operator == "in":
            if negated:
                if len(values) == 2:
                    return f"{'include' if is_word == 'include' else 'is'} neither " \
                           f"{values[0]} nor {values[1]}"
                return f"{not_word} any of {_or(values)}"
            return f"{is_word} {_or(values)}"
        if operator == "between":
            return f"is {'not ' if negated else ''}between {values[0]} and {values[1]}"
        if operator in _COMPARISONS:
            phrase = _COMPARISONS[operator]
            if negated:
                phrase = phrase.replace("is ", "is not ", 1)
            return f"{phrase} {values[0]}"
        return f"{not_word if negated else is_word} {values[0]}"

    def _value(self, value: ast.Value, kind: ValueKind) -> str:
        assert isinstance(value, ast.Literal)
        if value.kind == "date":
            return describe_day(date.fromisoformat(value.text))
        if value.kind == "datetime":
            moment = datetime.fromisoformat(value.text.replace("Z", "+00:00"))
            local = moment.astimezone(self.zone if self.zone_name != "UTC" else timezone.utc)
            clock = local.strftime("%H:%M:%S" if local.second or local.microsecond else "%H:%M")
            return f"{describe_day(local.date())}, {clock} {self.zone_name}"
        if kind in ("text", "domain", "phone_number"):
            return '"' + value.text.replace('"', '\\"') + '"'
        if value.kind == "uuid" and kind == "record_id":
            return f"the record {value.text}"
        return value.text


def _possessive(word: str) -> str:
    return f"{word}' " if word.endswith("s") else f"{word}'s "


def _or(values: Sequence[str]) -> str:
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " or " + values[-1]
