"""Describe a filter in one plain-English sentence.

The filter is compiled first, so every name is resolved and every relative date is fixed
against `now`. The JSON is then read back with the decompiler, which turns member ids
into names, option ids into titles and whole-day ranges into dates. The sentence is built
from that tree: "Companies whose last calendar interaction was on or after 1 Nov 2023 and
whose owner is Tom Lee."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from . import ast
from .binder import Binder
from .binder import _Resolved as Resolved
from .core import SchemaSource, compile_with_warnings, make_context, resolve_limits
from .decompiler import _Reader, trusted_limits
from .formatter import quote
from .parser import Limits
from .rules import VALUE, Rules, ValueKind
from .schema import Attribute, Schema, Target

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
# The plural of the first word of a verb phrase, for titles such as "Domains".
_PLURAL_VERBS = {"is": "are", "was": "were", "has": "have", "contains": "contain",
                 "starts": "start", "ends": "end", "does": "do"}


def explain(text: str, *, target: str, schema: SchemaSource = None, now: datetime | None = None,
            timezone: str = "UTC", current_member: str | None = None,
            rules: Rules | None = None, limits: Limits | None = None, week_start: int = 0,
            max_length: int | None = None, max_depth: int | None = None,
            max_list_size: int | None = None, max_conditions: int | None = None) -> str:
    """Describe in one English sentence which records the filter ``text`` selects.

    Options are as for :func:`attioql.compile_filter`: ``rules``, ``limits`` and the
    ``max_*`` overrides apply to the compile of ``text``. Dates in the sentence are
    absolute, computed from ``now`` in ``timezone``. ``week_start`` is 0 for Monday to 6
    for Sunday. Raises :class:`AttioQLError` for text that does not compile.
    """
    resolved_limits = resolve_limits(limits, max_length, max_depth, max_list_size,
                                     max_conditions)
    context = make_context(target, schema, now, timezone, current_member, rules,
                           resolved_limits, week_start)
    compiled, _warnings = compile_with_warnings(text, context)
    # The JSON comes from a compile that passed the limits, so it is read back without
    # them, because a list of 1,000 values is one condition in text but 1,000 in JSON.
    node = _Reader(context, trusted_limits(context.limits)).filter(compiled, "$", 0)
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

    def filter(self, node: ast.Filter, negate: bool = False) -> str:
        """Describe ``node``, or its negation when ``negate`` is set.

        A negated `and` or `or` reads by De Morgan's laws, so `not (a and b)` is "whose a is
        not x or whose b is not y". A nested `or` reads as "either ... or ...", a nested
        `and` as "both ... and ...", and commas separate them from the outer joiner."""
        if isinstance(node, ast.Not):
            return self.filter(node.operand, not negate)
        if isinstance(node, (ast.And, ast.Or)):
            shape = self._shape(node, negate)
            parts = []
            wrapped = False
            for operand in node.operands:
                phrase = self.filter(operand, negate)
                inner = self._shape(operand, negate)
                if inner is not None and inner != shape:
                    phrase = f"{'either' if inner == 'or' else 'both'} {phrase}"
                    wrapped = True
                parts.append(phrase)
            joiner = f"{',' if wrapped else ''} {shape} "
            return joiner.join(parts)
        if isinstance(node, ast.Group):
            if negate and not self._subject(node.path).many:
                # One value only, so the group is an `and` of its members.
                return self.filter(_group_conditions(node), negate=True)
            return self._group(node, negate)
        return self._condition(node, negate)

    def _shape(self, node: ast.Filter, negate: bool) -> str | None:
        """Return "and" or "or" for a node that reads as several clauses, else ``None``."""
        while isinstance(node, ast.Not):
            node = node.operand
            negate = not negate
        if isinstance(node, (ast.And, ast.Or)):
            return "and" if isinstance(node, ast.And) != negate else "or"
        if isinstance(node, ast.Group) and len(node.members) > 1 \
                and not self._subject(node.path).many:
            return "or" if negate else "and"
        return None

    # Names -------------------------------------------------------------------------------

    def _subject(self, path: ast.Path) -> _Subject:
        """Resolve a path, and name the attributes along it in English."""
        resolved = self.binder.resolve_path(path)
        words = [self._title(owner, slug) for owner, slug in resolved.path]
        many = any(self._is_multiselect(owner, slug) for owner, slug in resolved.path)
        multiple = resolved.attribute.is_multiselect
        return _Subject(resolved, words, many, multiple,
                        resolved.attribute.slug.startswith("next_"))

    def _title(self, owner: str, slug: str) -> str:
        if slug == "parent_record":
            return "parent record"
        attribute = self._attribute(owner, slug)
        return lower_title(attribute.title) if attribute is not None else slug

    def _is_multiselect(self, owner: str, slug: str) -> bool:
        attribute = self._attribute(owner, slug)
        return attribute is not None and attribute.is_multiselect

    def _attribute(self, owner: str, slug: str) -> Attribute | None:
        target = self.schema.objects.get(owner) or self.schema.lists.get(owner)
        return target.attributes.get(slug) if target is not None else None

    def _kind(self, subject: _Subject, property_name: str) -> ValueKind:
        return subject.resolved.type_rule.properties[property_name].value_kind

    @staticmethod
    def _participle(subject: _Subject, kind: ValueKind) -> str | None:
        """Return "created" for a timestamp attribute titled "Created at", else ``None``.

        Such an attribute reads as a verb: "created after 1 Jan 2024"."""
        if kind != "timestamp" or not subject.words[-1].endswith(" at"):
            return None
        return subject.words[-1][:-3]

    # Conditions --------------------------------------------------------------------------

    def _condition(self, node: ast.Condition, negate: bool) -> str:
        predicate = node.predicate
        subject = self._subject(node.path)
        property_name = self.binder._choose_property(subject.resolved, predicate,
                                                     node.path.span)
        kind = self._kind(subject, property_name)
        words = list(subject.words)
        if subject.resolved.property not in (None, VALUE, "interacted_at"):
            words.append(_property_label(property_name))
        noun = _chain(words)
        negated = predicate.negated != negate
        # A multi-valued attribute with a plural title takes plural verbs: "whose domains
        # are empty". A property after it ("email addresses' email domain") is singular.
        plural = len(words) == len(subject.words) and subject.plural
        if predicate.operator == "not_empty":
            verb = "is empty" if negated else "is not empty"
            return f"whose {noun} {_plural_verb(verb) if plural else verb}"
        participle = (self._participle(subject, kind)
                      if subject.resolved.property is None else None)
        if participle is not None:
            phrase = self._time_phrase(predicate, negated)
            return _participle_clause(subject.words, participle, [phrase])
        verb = self._verb(predicate, kind, negated, subject.multiple, subject.future, plural)
        return f"whose {noun} {verb}"

    def _group(self, node: ast.Group, negate: bool = False) -> str:
        """Describe a group; ``negate`` is allowed only for a multi-valued path."""
        subject = self._subject(node.path)
        noun = _chain(subject.words)
        rule = subject.resolved.type_rule

        labelled: list[tuple[str | None, str]] = []
        kinds: set[ValueKind] = set()
        time_phrases: list[str] = []
        for member in node.members:
            predicate = member.predicate
            if member.path is None:
                property_name = self.binder._choose_property(subject.resolved, predicate,
                                                             predicate.operator_span)
            else:
                property_name = self.binder._member_property(subject.resolved, member.path)
            # The property a bare attribute means reads as the attribute itself, as in a
            # condition: an interaction's date, a domain's domain.
            label = (None if member.path is None
                     or property_name in (VALUE, rule.default_property)
                     else _property_label(property_name))
            kind = rule.properties[property_name].value_kind
            if predicate.operator == "not_empty":
                verb = "is not empty"
                kinds.add("none")
            else:
                verb = self._verb(predicate, kind, False, False, subject.future)
                kinds.add(kind if label is None else "none")
                if kind in ("date", "timestamp"):
                    time_phrases.append(self._time_phrase(predicate, False))
            labelled.append((label, verb))

        if len(kinds) == 1 and kinds <= {"date", "timestamp"}:
            # Only dates of the attribute itself: "created after X and before Y".
            participle = self._participle(subject, "timestamp")
            if participle is not None:
                return _participle_clause(subject.words, participle, time_phrases)
            if not subject.many:
                tense = "was" if kinds == {"timestamp"} and not subject.future else "is"
                return f"whose {noun} {tense} " + " and ".join(time_phrases)

        if subject.many:
            # Every member must hold for one and the same value of the attribute.
            has = "have" if subject.plural else "has"
            has_value = f"{has} {'no' if negate else 'a'} value"
            if all(label is None for label, _verb in labelled):
                return f"whose {noun} {has_value} that " + " and ".join(
                    verb for _label, verb in labelled)
            clauses = [f"that {verb}" if label is None else f"whose {label} {verb}"
                       for label, verb in labelled]
            return f"whose {noun} {has_value} " + " and ".join(clauses)

        if all(label is None for label, _verb in labelled):
            return f"whose {noun} " + " and ".join(verb for _label, verb in labelled)
        # One value only, so the group means the same as separate conditions.
        return " and ".join(f"whose {noun} {verb}" if label is None
                            else f"whose {_possessive(noun)}{label} {verb}"
                            for label, verb in labelled)

    # Verbs -------------------------------------------------------------------------------

    def _time_phrase(self, predicate: ast.Predicate, negated: bool) -> str:
        """Describe a date comparison without its verb: "on or after 1 Nov 2023"."""
        operator = predicate.operator
        values = [self._value(value, "timestamp") for value in predicate.values]
        if operator == "between":
            return f"{'not ' if negated else ''}between {values[0]} and {values[1]}"
        if operator == "in":
            if not negated:
                return f"on {_or(values)}"
            if len(values) == 2:
                return f"on neither {values[0]} nor {values[1]}"
            return f"not on any of {_or(values)}"
        at = "at" if operator == "=" and ":" in values[0] else _TIME_COMPARISONS[operator]
        return f"{'not ' if negated else ''}{at} {values[0]}"

    def _verb(self, predicate: ast.Predicate, kind: ValueKind, negated: bool,
              multiple: bool, future: bool, plural: bool = False) -> str:
        verb = self._singular_verb(predicate, kind, negated, multiple, future, plural)
        return _plural_verb(verb) if plural else verb

    def _singular_verb(self, predicate: ast.Predicate, kind: ValueKind, negated: bool,
                       multiple: bool, future: bool, plural: bool) -> str:
        operator = predicate.operator
        if kind in ("date", "timestamp"):
            tense = "was" if kind == "timestamp" and not future else "is"
            return f"{tense} {self._time_phrase(predicate, negated)}"
        if kind == "boolean":
            return _checkbox_verb(predicate, negated)
        values = [self._value(value, kind) for value in predicate.values]
        if operator in _TEXT_VERBS:
            positive, negative = _TEXT_VERBS[operator]
            return f"{negative if negated else positive} {values[0]}"
        # A multi-valued attribute matches when one of its values is the value.
        includes = plural or (multiple and kind in ("option", "status"))
        is_word = "include" if includes else "is"
        not_word = "do not include" if is_word == "include" else "is not"
        if operator == "in":
            if not negated:
                return f"{is_word} {_or(values)}"
            if len(values) == 2:
                return f"{is_word} neither {values[0]} nor {values[1]}"
            return f"{not_word} any of {_or(values)}"
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
            # Escaped as in attioql text, so a line break or tab cannot break the sentence.
            return quote(value.text)
        if value.kind == "uuid" and kind == "record_id":
            return f"the record {value.text}"
        return value.text


@dataclass(frozen=True)
class _Subject:
    """A resolved path with the English titles of the attributes along it."""

    resolved: Resolved
    words: list[str]
    many: bool
    """Whether an attribute along the path, or the attribute itself, has several values."""
    multiple: bool
    """Whether the attribute itself has several values."""
    future: bool
    """Whether its dates lie ahead (the `next_*` interactions)."""

    @property
    def plural(self) -> bool:
        """Whether the attribute has several values and a plural title, such as "Domains".

        NOTE: a title counts as plural when it ends in "s", so "Team" (multi-valued) reads
        singular and a singular title ending in "s" would read plural."""
        return self.multiple and self.words[-1].endswith("s")


def _plural_verb(verb: str) -> str:
    first, _space, rest = verb.partition(" ")
    plural = _PLURAL_VERBS.get(first, first)
    return f"{plural} {rest}" if rest else plural


def _group_conditions(node: ast.Group) -> ast.And:
    """Rewrite a group on a single-valued path as an `and` of its members."""
    conditions: list[ast.Filter] = []
    for member in node.members:
        segments = node.path.segments + (member.path.segments if member.path else ())
        conditions.append(ast.Condition(ast.Path(segments), member.predicate))
    return ast.And(tuple(conditions))


def _property_label(name: str) -> str:
    return _PROPERTY_LABELS.get(name, name.replace("_", " "))


def _chain(words: Sequence[str]) -> str:
    """Join attribute titles along a path: "company's primary location's city"."""
    return "".join(_possessive(word) for word in words[:-1]) + words[-1]


def _participle_clause(words: Sequence[str], participle: str, phrases: Sequence[str]) -> str:
    """Describe dates of an attribute that reads as a verb: "created after 1 Jan 2024", or
    through a path "whose parent company was created after 1 Jan 2024"."""
    negated = len(phrases) == 1 and phrases[0].startswith("not ")
    joined = phrases[0][4:] if negated else " and ".join(phrases)
    action = f"{'not ' if negated else ''}{participle} {joined}"
    if len(words) == 1:
        return action
    return f"whose {_chain(words[:-1])} was {action}"


def _checkbox_verb(predicate: ast.Predicate, negated: bool) -> str:
    """Describe a checkbox condition. An `in` list may name both states, and then it
    matches both."""
    states = {value.text == "true" for value in predicate.values if isinstance(value, ast.Literal)}
    if len(states) == 2:
        return ("is neither checked nor unchecked" if negated
                else "is either checked or unchecked")
    (checked,) = states
    return "is checked" if checked != negated else "is not checked"


def _possessive(word: str) -> str:
    return f"{word}' " if word.endswith("s") else f"{word}'s "


def _or(values: Sequence[str]) -> str:
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " or " + values[-1]
