"""Bind a syntax tree to a workspace schema.

Binding resolves every path to attributes and properties, checks each operator against
the rules table, turns every value into the typed value Attio expects (titles to the
schema's spelling, names to member ids, dates to UTC instants or day ranges), and records
the Attio operators each condition compiles to. It reports every error it finds, up to
``MAX_REPORTED_ERRORS``, not only the first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from . import ast
from .dates import (
    DAY_WORDS,
    PERIOD_UNITS,
    UNIT_ABBREVIATIONS,
    UNITS,
    Clock,
    Instant,
    Period,
    ResolvedDate,
    TimeProblem,
)
from .errors import MAX_REPORTED_ERRORS, Diagnostic, ErrorCode
from .rules import (
    INTERACTION_TYPES,
    AttioOperator,
    PropertyRule,
    Rules,
    TypeRule,
)
from .schema import Attribute, Member, Schema, Target, fold

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_NUMBER = re.compile(r"[+-]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()\[\]]")
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_START = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]")


# Bound nodes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """One Attio operator and its JSON-ready value."""

    operator: AttioOperator
    value: Any


@dataclass(frozen=True)
class Part:
    """The clauses on one property of an attribute (``property`` is ``""`` for the
    attribute itself)."""

    property: str
    rule: PropertyRule
    clauses: tuple[Clause, ...]


@dataclass(frozen=True)
class BoundCondition:
    """A condition ready to compile: where it applies and what it requires."""

    path: tuple[tuple[str, str], ...]
    """(object or list slug, attribute slug) pairs; more than one means a path filter."""
    attribute: Attribute
    parts: tuple[Part, ...]
    target_object: str | None = None
    span: ast.Span = (0, 0)


@dataclass(frozen=True)
class BoundNot:
    operand: Bound


@dataclass(frozen=True)
class BoundAnd:
    operands: tuple[Bound, ...]


@dataclass(frozen=True)
class BoundOr:
    operands: tuple[Bound, ...]


Bound = BoundCondition | BoundNot | BoundAnd | BoundOr


# Errors ------------------------------------------------------------------------------


class BindProblem(Exception):
    """One error in one condition; binding records it and goes on with the next."""

    def __init__(self, code: ErrorCode, message: str, span: ast.Span,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(code, message, span, hint)


class _TooManyErrors(Exception):
    pass


@dataclass
class Options:
    """The schema, target, clock and rules that one compile resolves names against."""

    schema: Schema
    target: Target
    clock: Clock
    rules: Rules
    current_member: str | None = None


@dataclass
class _Resolved:
    """A path resolved to its final attribute (and property, if one was named)."""

    path: tuple[tuple[str, str], ...]
    attribute: Attribute
    type_rule: TypeRule
    property: str | None
    property_span: ast.Span
    target_object: str | None
    owner: Target


@dataclass
class Binder:
    options: Options
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    resolved_dates: list[ResolvedDate] = field(default_factory=list)

    # Entry points ----------------------------------------------------------------------

    def bind(self, node: ast.Filter | None) -> Bound | None:
        if node is None:
            return None
        try:
            return self._bind(node)
        except _TooManyErrors:
            return None

    def _record(self, problem: BindProblem) -> None:
        self.errors.append(problem.diagnostic)
        if len(self.errors) >= MAX_REPORTED_ERRORS:
            raise _TooManyErrors

    def _warn(self, code: ErrorCode, message: str, span: ast.Span, hint: str | None = None) -> None:
        self.warnings.append(Diagnostic(code, message, span, hint, "warning"))

    def _bind(self, node: ast.Filter) -> Bound:
        if isinstance(node, ast.And):
            return BoundAnd(tuple(self._bind(operand) for operand in node.operands))
        if isinstance(node, ast.Or):
            return BoundOr(tuple(self._bind(operand) for operand in node.operands))
        if isinstance(node, ast.Not):
            return BoundNot(self._bind(node.operand))
        try:
            if isinstance(node, ast.Group):
                return self._bind_group(node)
            return self._bind_condition(node.path, node.predicate, node.span)
        except BindProblem as problem:
            self._record(problem)
            return BoundAnd(())

    # Paths -----------------------------------------------------------------------------

    def resolve_path(self, path: ast.Path) -> _Resolved:
        """Walk a path: attributes, record references and `parent_record`, then a property."""
        schema = self.options.schema
        owner = self.options.target
        segments = list(path.segments)
        steps: list[tuple[str, str]] = []
        first = segments[0]

        if owner.kind == "lists" and first.name.strip().lower() in ("parent_record", "parent"):
            parent_attribute = Attribute("parent_record", "Parent record", "record-reference",
                                         owner.qualified, False, False, owner.parent_objects)
            attribute = parent_attribute
            segments.pop(0)
            span = first.span
        else:
            attribute = self._attribute(owner, first)
            segments.pop(0)
            span = first.span
        steps.append((owner.slug, attribute.slug))

        while True:
            type_rule = self._type_rule(attribute, span)
            if not segments:
                target_object = self._single_object(attribute, span, follow=False)
                return _Resolved(tuple(steps), attribute, type_rule, None, (0, 0),
                                 target_object, owner)
            segment = segments.pop(0)
            property_name = type_rule.resolve_property(segment.name.strip())
            if property_name is not None:
                if segments:
                    raise BindProblem(
                        "unknown.property",
                        f"`{segment.name}` is a property of `{attribute.slug}`, so the path "
                        "cannot go on after it.",
                        (segments[0].span[0], path.span[1]),
                        f"end the path at `{attribute.slug}.{segment.name}`",
                    )
                target_object = self._single_object(attribute, span, follow=False)
                return _Resolved(tuple(steps), attribute, type_rule, property_name,
                                 segment.span, target_object, owner)
            if attribute.type != "record-reference":
                raise self._unknown_property(attribute, type_rule, segment)
            object_slug = self._single_object(attribute, span, follow=True)
            assert object_slug is not None
            next_owner = schema.objects.get(object_slug)
            if next_owner is None or not schema.has_attributes(next_owner):
                raise BindProblem(
                    "unknown.object",
                    f"`{attribute.slug}` links to `{object_slug}`, whose attributes the "
                    "schema does not have.",
                    segment.span,
                    "load a workspace snapshot that includes that object",
                )
            owner = next_owner
            attribute = self._attribute(owner, segment)
            span = segment.span
            steps.append((owner.slug, attribute.slug))

    def _attribute(self, owner: Target, segment: ast.Segment) -> Attribute:
        schema = self.options.schema
        candidates = schema.attribute_candidates(owner, segment.name, segment.quoted)
        live = [candidate for candidate in candidates if not candidate.is_archived]
        if len(live) == 1:
            return live[0]
        if len(live) > 1:
            listed = ", ".join(f"`{c.slug}`" for c in live)
            raise BindProblem("ambiguous.attribute",
                              f"`{segment.name}` matches several attributes of "
                              f"`{owner.slug}`: {listed}.",
                              segment.span, "write the attribute's slug")
        if candidates:
            archived = candidates[0]
            raise BindProblem("unknown.archived_attribute",
                              f"`{archived.slug}` is an archived attribute of `{owner.slug}`.",
                              segment.span,
                              "archived attributes cannot be filtered; restore it in Attio first")
        names = [a.slug for a in owner.attributes.values() if not a.is_archived]
        titles = {fold(a.title): a.title for a in owner.attributes.values() if not a.is_archived}
        close = _close_names(segment.name, names + list(titles.values()))
        hint = f"did you mean {_or_list(close)}?" if close else (
            "the schema lists no attributes for it" if not names else None)
        raise BindProblem("unknown.attribute",
                          f"`{owner.slug}` has no attribute `{segment.name}`.",
                          segment.span, hint)

    def _type_rule(self, attribute: Attribute, span: ast.Span) -> TypeRule:
        rule = self.options.rules.get(attribute.type)
        if rule is None:
            raise BindProblem("operator.not_allowed",
                              f"`{attribute.slug}` is {article(attribute.type)} attribute, which "
                              "Attio does not document as filterable.",
                              span, "extend the rules table if your workspace accepts it")
        return rule

    def _single_object(self, attribute: Attribute, span: ast.Span, follow: bool) -> str | None:
        if attribute.type != "record-reference":
            return None
        allowed = attribute.allowed_objects
        if allowed is not None and len(allowed) == 1 and not attribute.unknown_object_ids:
            return allowed[0]
        if allowed is None:
            detail = "any object"
        else:
            detail = _and_list([f"`{slug}`" for slug in allowed] +
                               [f"an object with id {item}" for item in attribute.unknown_object_ids])
        action = "followed to one object's attributes" if follow else "compared with a record id"
        raise BindProblem("ambiguous.reference",
                          f"`{attribute.slug}` can link to {detail}, so it cannot be {action}.",
                          span, "filter on a reference that allows exactly one object")

    def _unknown_property(self, attribute: Attribute, type_rule: TypeRule,
                          segment: ast.Segment) -> BindProblem:
        valid = type_rule.named_properties + sorted(type_rule.aliases)
        if not valid:
            return BindProblem("unknown.property",
                               f"`{attribute.slug}` is {article(attribute.type)} attribute, which has "
                               f"no properties, so `.{segment.name}` cannot follow it.",
                               segment.span, f"compare `{attribute.slug}` itself")
        close = _close_names(segment.name, valid)
        hint = f"the properties are {_and_list([f'`{p}`' for p in valid])}"
        if close:
            hint = f"did you mean {_or_list(close)}? " + hint
        return BindProblem("unknown.property",
                           f"`{attribute.slug}` ({attribute.type}) has no property "
                           f"`{segment.name}`.", segment.span, hint)

    # Conditions ------------------------------------------------------------------------

    def _bind_condition(self, path: ast.Path, predicate: ast.Predicate,
                        span: ast.Span) -> Bound:
        if (self.options.target.kind == "lists" and len(path.segments) == 1
                and path.segments[0].name.strip().lower() in ("parent_record", "parent")):
            # A list entry query has no top-level key for the parent record, so the
            # comparison goes through a path to the parent's record_id.
            record_id = ast.Segment("record_id", False, path.segments[0].span)
            path = ast.Path((*path.segments, record_id), path.span)
        resolved = self.resolve_path(path)
        property_name = self._choose_property(resolved, predicate, path.span)
        rule = resolved.type_rule.properties[property_name]

        if predicate.operator == "in" and "$in" not in rule.operators:
            # `in` without a documented `$in` becomes an `$or` of equalities.
            alternatives = []
            for value in predicate.values:
                single = ast.Predicate("=", False, (value,), predicate.span, "=",
                                       predicate.operator_span)
                clauses = self._clauses(resolved, property_name, rule, single)
                alternatives.append(self._condition(resolved, property_name, rule, clauses, span))
            positive: Bound = (alternatives[0] if len(alternatives) == 1
                               else BoundOr(tuple(alternatives)))
        else:
            clauses = self._clauses(resolved, property_name, rule, predicate)
            positive = self._condition(resolved, property_name, rule, clauses, span)
        return BoundNot(positive) if predicate.negated else positive

    def _condition(self, resolved: _Resolved, property_name: str, rule: PropertyRule,
                   clauses: tuple[Clause, ...], span: ast.Span) -> BoundCondition:
        return BoundCondition(resolved.path, resolved.attribute,
                              (Part(property_name, rule, clauses),),
                              resolved.target_object, span)

    def _choose_property(self, resolved: _Resolved, predicate: ast.Predicate,
                         span: ast.Span) -> str:
        if resolved.property is not None:
            return resolved.property
        type_rule = resolved.type_rule
        attribute = resolved.attribute
        if predicate.operator == "not_empty" and type_rule.empty_property is not None:
            return type_rule.empty_property
        default = type_rule.default_property
        dates_only = default is not None and type_rule.default_for_dates_only
        if dates_only and not (predicate.values and all(_looks_like_time(v) for v in predicate.values)):
            default = None
        if default is None:
            properties = _and_list([f"`{attribute.slug}.{p}`" for p in type_rule.named_properties])
            raise BindProblem("operator.property_required",
                              f"`{attribute.slug}` is {article(attribute.type)} attribute, so the "
                              "condition must name one of its properties.",
                              span, f"write one of {properties}")
        return default

    def _clauses(self, resolved: _Resolved, property_name: str, rule: PropertyRule,
                 predicate: ast.Predicate) -> tuple[Clause, ...]:
        """Translate one predicate into Attio clauses and check them against the rules."""
        operator = predicate.operator
        kind = rule.value_kind

        def check(operators: Sequence[AttioOperator]) -> None:
            if any(op not in rule.operators for op in operators):
                raise self._operator_problem(resolved, property_name, rule, predicate)

        if operator == "not_empty":
            check(["$not_empty"])
            return (Clause("$not_empty", True),)
        if operator in ("contains", "starts_with", "ends_with"):
            attio: AttioOperator = f"${operator}"  # type: ignore[assignment]
            check([attio])
            return (Clause(attio, self._value(resolved, kind, predicate.values[0], attio)),)
        if operator == "in":
            check(["$in"])
            return (Clause("$in", [self._value(resolved, kind, value, "$in")
                                   for value in predicate.values]),)
        if kind in ("date", "timestamp"):
            clauses = tuple(self._time_clauses(resolved, property_name, rule, kind, predicate))
            if operator == "between":
                self._warn_if_empty(clauses, predicate)
            return clauses
        if operator == "between":
            check(["$gte", "$lte"])
            low, high = predicate.values
            clauses = (Clause("$gte", self._value(resolved, kind, low, "$gte")),
                       Clause("$lte", self._value(resolved, kind, high, "$lte")))
            self._warn_if_empty(clauses, predicate)
            return clauses
        attio = _COMPARISON[operator]
        check([attio])
        return (Clause(attio, self._value(resolved, kind, predicate.values[0], attio)),)

    def _warn_if_empty(self, clauses: Sequence[Clause], predicate: ast.Predicate) -> None:
        """Warn when `between a and b` has its bounds the wrong way round, which matches
        nothing. Numbers compare as numbers; dates and UTC timestamps as their ISO text."""
        low = next((c for c in clauses if c.operator in ("$gte", "$gt")), None)
        high = next((c for c in clauses if c.operator in ("$lte", "$lt")), None)
        if low is None or high is None or type(low.value) is not type(high.value):
            return
        try:
            empty = low.value > high.value or (
                low.value == high.value and (low.operator == "$gt" or high.operator == "$lt"))
        except TypeError:
            return
        if empty:
            first, second = predicate.values
            self._warn("value.empty_range",
                       f"`between {first.source} and {second.source}` matches nothing, because "
                       "the first bound is after the second.", predicate.span,
                       f"write `between {second.source} and {first.source}`")

    def _operator_problem(self, resolved: _Resolved, property_name: str, rule: PropertyRule,
                          predicate: ast.Predicate) -> BindProblem:
        attribute = resolved.attribute
        name = attribute.slug + (f".{property_name}" if property_name else "")
        allowed = dsl_operators(rule.operators)
        written = predicate.spelling or predicate.operator
        subject = (f"`{name}` is {article(attribute.type)} attribute" if not property_name
                   else f"`{name}` is a property of {article(attribute.type)} attribute")
        if rule.value_kind in ("date", "timestamp") and predicate.operator == "=" and "$eq" not in rule.operators:
            hint = "a date or period works here, because it becomes `>=` and `<`; " \
                   f"it supports {', '.join(f'`{op}`' for op in allowed)}"
        elif allowed:
            hint = f"use one of {', '.join(f'`{op}`' for op in allowed)}"
        else:
            hint = None
        return BindProblem("operator.not_allowed",
                           f"{subject}, which does not support `{written}` with this value."
                           if rule.value_kind in ("date", "timestamp") else
                           f"{subject}, which does not support `{written}`.",
                           predicate.operator_span, hint)

    # Groups ----------------------------------------------------------------------------

    def _bind_group(self, group: ast.Group) -> Bound:
        resolved = self.resolve_path(group.path)
        if resolved.property is not None:
            raise BindProblem("unknown.property",
                              f"A group applies to a whole attribute, not to the property "
                              f"`{resolved.property}`.", group.path.span,
                              f"write `{resolved.attribute.slug}(...)`")
        merged: dict[str, tuple[PropertyRule, list[Clause]]] = {}
        problems = 0
        for member in group.members:
            try:
                if member.path is None:
                    property_name = self._choose_property(resolved, member.predicate,
                                                          member.predicate.operator_span)
                else:
                    property_name = self._member_property(resolved, member.path)
                rule = resolved.type_rule.properties[property_name]
                if member.predicate.operator == "in" and "$in" not in rule.operators:
                    raise BindProblem(
                        "operator.not_allowed",
                        f"`in` on `{resolved.attribute.slug}` means several conditions joined "
                        "with `or`, which a group cannot hold.",
                        member.predicate.operator_span,
                        "move the `in` condition outside the group")
                clauses = self._clauses(resolved, property_name, rule, member.predicate)
                _, existing = merged.setdefault(property_name, (rule, []))
                for clause in clauses:
                    if existing and rule.style in ("record", "actor"):
                        raise BindProblem(
                            "value.repeated_operator",
                            f"The group compares `{resolved.attribute.slug}` twice, and one "
                            "Attio condition holds one record or member.",
                            member.span, "join the two conditions with `and` outside the group")
                    if any(old.operator == clause.operator for old in existing):
                        where = f"`{property_name}`" if property_name else f"`{resolved.attribute.slug}`"
                        raise BindProblem(
                            "value.repeated_operator",
                            f"The group uses `{clause.operator}` twice on {where}, and one "
                            "Attio condition can hold each operator once.",
                            member.span, "join the two conditions with `and` outside the group")
                    existing.append(clause)
            except BindProblem as problem:
                problems += 1
                self._record(problem)
        if problems:
            return BoundAnd(())
        parts = tuple(Part(name, rule, tuple(clauses)) for name, (rule, clauses) in merged.items())
        return BoundCondition(resolved.path, resolved.attribute, parts, resolved.target_object,
                              group.span)

    def _member_property(self, resolved: _Resolved, path: ast.Path) -> str:
        type_rule = resolved.type_rule
        if len(path.segments) > 1:
            raise BindProblem("unknown.property",
                              "Inside a group, a path names one property of the group's "
                              "attribute.", path.span,
                              f"write a property of `{resolved.attribute.slug}`")
        segment = path.segments[0]
        name = type_rule.resolve_property(segment.name.strip())
        if name is None:
            raise self._unknown_property(resolved.attribute, type_rule, segment)
        return name

    # Values ----------------------------------------------------------------------------

    def _value(self, resolved: _Resolved, kind: str, value: ast.Value,
               operator: AttioOperator) -> Any:
        if isinstance(value, ast.Literal) and value.kind == "null":
            raise BindProblem("value.null", "`null` is not a value.", value.span,
                              f"write `{resolved.attribute.slug} is empty` to find records "
                              "without a value")
        converter = _CONVERTERS[kind]
        return converter(self, resolved, value, operator)

    def _text(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        return value.source

    def _number(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        if isinstance(value, ast.Literal) and value.kind in ("number", "string"):
            text = value.text.strip()
            if _NUMBER.fullmatch(text):
                return _to_number(text)
        raise BindProblem("value.invalid_number",
                          f"`{resolved.attribute.slug}` is {article(resolved.attribute.type)} "
                          f"attribute, so `{value.source}` must be a number.",
                          value.span, "write a number such as 1000 or 12.5")

    def _rating(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        number = self._number(resolved, value, operator)
        problem = ("is not a whole number" if not isinstance(number, int)
                   else "is out of range" if not 0 <= number <= 5 else None)
        if problem:
            raise BindProblem("value.invalid_rating",
                              f"`{resolved.attribute.slug}` is a rating, a whole number from 0 "
                              f"to 5, so `{value.source}` {problem}.", value.span,
                              "write a whole number from 0 to 5")
        return number

    def _boolean(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        if isinstance(value, ast.Literal) and value.text.lower() in _BOOLEANS and value.kind in (
                "boolean", "string", "word"):
            return _BOOLEANS[value.text.lower()]
        raise BindProblem("value.invalid_boolean",
                          f"`{resolved.attribute.slug}` is a checkbox, so `{value.source}` "
                          "must be true or false.", value.span,
                          "write `true`, `false`, `yes` or `no`")

    def _record_id(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        if isinstance(value, ast.Literal) and value.kind in ("uuid", "string") and _UUID.fullmatch(value.text):
            return value.text.lower()
        objects = resolved.attribute.allowed_objects or ()
        example = (f'`{resolved.attribute.slug}.name = "{value.source}"`'
                   if objects else "an attribute of the linked record")
        raise BindProblem("value.invalid_record_id",
                          f"`{resolved.attribute.slug}` links to records, so it compares with a "
                          f"record id, and `{value.source}` is not one.",
                          value.span, f"to match the linked record by an attribute, write {example}")

    def _phone(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        source = value.source
        if source.lstrip().startswith("+"):
            # "+44 (0) 20 ..." marks a trunk 0 that international numbers drop.
            source = _TRUNK_ZERO.sub("", source)
        text = _PHONE_SEPARATORS.sub("", source)
        if not re.fullmatch(r"\+?\d+", text):
            raise BindProblem("value.invalid_phone_number",
                              f"`{value.source}` is not a phone number.", value.span,
                              'write digits with a leading + and the country code, such as "+44 20 7946 0958"')
        if operator in ("$eq", "$in") and not text.startswith("+"):
            example = ("+" + text[2:] if text.startswith("00")
                       else f"+44{text.lstrip('0')} for a UK number")
            raise BindProblem("value.invalid_phone_number",
                              f"`{value.source}` has no country code, and Attio stores phone "
                              "numbers in E.164 form.", value.span,
                              f"write it with a leading + and the country code, such as {example}")
        return text

    def _country_code(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        text = value.source.strip()
        prefix = operator == "$starts_with" and re.fullmatch(r"[A-Za-z]", text)
        if not re.fullmatch(r"[A-Za-z]{2}", text) and not prefix:
            raise BindProblem("value.invalid_country_code",
                              f"`{value.source}` is not a two-letter country code.", value.span,
                              "write an ISO 3166 code such as GB, US or DE")
        return text.upper()

    def _interaction_type(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        text = value.source.strip().lower()
        if text not in INTERACTION_TYPES:
            raise BindProblem("value.invalid_interaction_type",
                              f"`{value.source}` is not an interaction type.", value.span,
                              f"write one of {', '.join(INTERACTION_TYPES)}")
        return text

    def _domain(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        text = value.source.strip()
        stripped = _URL_SCHEME.sub("", text)
        stripped = re.split(r"[/?#]", stripped, maxsplit=1)[0]
        if stripped != text:
            self._warn("value.url_stripped",
                       f"`{text}` is a URL; attioql compares its domain `{stripped}`.",
                       value.span, f"write `{stripped}` to compare the domain")
        return stripped

    def _none(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        raise BindProblem("operator.not_allowed",
                          f"`{resolved.attribute.slug}` takes no value here.", value.span)

    def _option(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        attribute = resolved.attribute
        options = self.options.schema.options(resolved.owner, attribute)
        text = value.source.strip()
        if options is None:
            return text
        if _UUID.fullmatch(text):
            for option in options:
                if option.id.lower() == text.lower():
                    return option.id
        wanted = fold(text)
        exact = [option for option in options if option.title == text]
        matches = exact or [option for option in options if fold(option.title) == wanted]
        if len({option.title for option in matches}) > 1:
            noun = "status" if attribute.type == "status" else "option"
            listed = _and_list([f"`{option.title}`" for option in matches])
            raise BindProblem("ambiguous.option",
                              f"`{text}` matches the {noun}s {listed} of `{attribute.slug}`, "
                              "which differ only in case.", value.span,
                              f"write the {noun}'s title with its exact case, or its id")
        if matches:
            live = [option for option in matches if not option.is_archived]
            option = (live or matches)[0]
            if option.is_archived:
                noun = "status" if attribute.type == "status" else "option"
                self._warn("value.archived_option",
                           f"`{option.title}` is an archived {noun} of `{attribute.slug}`; "
                           "only older records can have it.", value.span)
            return option.title
        noun = "status" if attribute.type == "status" else "option"
        titles = [option.title for option in options if not option.is_archived]
        close = _close_names(text, titles)
        hint = (f"did you mean {_or_list(close)}?" if close
                else f"the {noun}es are {_and_list([f'`{t}`' for t in titles])}"
                if titles and noun == "status"
                else f"the {noun}s are {_and_list([f'`{t}`' for t in titles])}" if titles else None)
        raise BindProblem("unknown.status" if attribute.type == "status" else "unknown.option",
                          f"`{attribute.slug}` has no {noun} `{text}`.", value.span, hint)

    def _member(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        member = self.resolve_member(value.source.strip(), value.span, allow_me=True)
        return member

    def resolve_member(self, text: str, span: ast.Span, allow_me: bool) -> str:
        """Resolve a member value to a member id (rules: me, id, email, names)."""
        if allow_me and fold(text) == "me":
            current = self.options.current_member
            if current is None:
                raise BindProblem("value.current_member_missing",
                                  "`me` needs the current member, and none was given.", span,
                                  "pass current_member= (or --me on the command line), or "
                                  "write the member's name or email")
            return self.resolve_member(current, span, allow_me=False)
        members = self.options.schema.members
        if members is None:
            if _UUID.fullmatch(text):
                return text.lower()
            raise BindProblem("unknown.member",
                              f"The schema has no workspace members, so `{text}` cannot be "
                              "resolved to one.", span,
                              "load a workspace snapshot (--schema PATH), or write the member's id")
        wanted = fold(text)
        rules: Sequence[Callable[[Member], bool]] = (
            lambda m: m.id.lower() == wanted,
            lambda m: fold(m.email) == wanted,
            lambda m: fold(m.full_name) == wanted,
            lambda m: fold(m.first_name) == wanted,
            lambda m: fold(m.last_name) == wanted,
        )
        for rule in rules:
            found = [member for member in members if rule(member)]
            if len(found) == 1:
                member = found[0]
                if member.is_suspended:
                    self._warn("value.suspended_member",
                               f"{member.full_name} ({member.email}) is a suspended member.",
                               span)
                return member.id
            if len(found) > 1:
                listed = _and_list([f"{m.full_name} ({m.email})" for m in found])
                raise BindProblem("ambiguous.member",
                                  f"`{text}` matches {len(found)} members: {listed}.", span,
                                  "write the member's email or full name")
        close = _close_names(text, [m.full_name for m in members] + [m.email for m in members]
                             + [m.first_name for m in members])
        hint = f"did you mean {_or_list(close)}?" if close else "write a member's name, email or id"
        raise BindProblem("unknown.member", f"No workspace member matches `{text}`.", span, hint)

    # Time ------------------------------------------------------------------------------

    def _time_value(self, value: ast.Value, kind: str) -> Instant | Period:
        """Resolve a date, datetime or relative date; relative ones are also recorded in
        ``resolved_dates`` with their absolute value."""
        clock = self.options.clock
        try:
            if isinstance(value, ast.Relative):
                return self._record_relative(value, self._relative(value, kind), kind)
            if value.kind == "date" or (value.kind == "string" and _DATE.fullmatch(value.text)):
                return clock.day(clock.parse_date(value.text))
            if value.kind == "datetime" or (value.kind == "string"
                                            and _DATETIME_START.match(value.text)):
                if kind == "date":
                    raise BindProblem("value.datetime_on_date",
                                      f"`{value.text}` has a time of day, and this attribute is "
                                      "a date, so the time would be dropped.", value.span,
                                      f"write the date alone: {value.text[:10]}")
                return clock.parse_datetime(value.text)
            if value.kind == "word":
                named = clock.named(value.text)
                if named is not None:
                    return self._record_relative(value, named, kind)
            if value.kind == "duration":
                return self._record_relative(value, self._signed_duration(value, kind), kind)
        except TimeProblem as problem:
            raise BindProblem(problem.code, problem.message, value.span,  # type: ignore[arg-type]
                              problem.hint) from None
        noun = "a date" if kind == "date" else "a date or a datetime"
        raise BindProblem("value.invalid_date" if kind == "date" else "value.invalid_timestamp",
                          f"`{value.source}` is not {noun}.", value.span,
                          "write YYYY-MM-DD" + ("" if kind == "date" else ", YYYY-MM-DDTHH:MM")
                          + " or a relative date such as `today` or `-7d`")

    def _record_relative(self, value: ast.Value, resolved: Instant | Period,
                         kind: str) -> Instant | Period:
        clock = self.options.clock
        on_dates = kind == "date"
        shown = clock.as_days(resolved) if on_dates else resolved
        self.resolved_dates.append(ResolvedDate(value.source, value.span, shown, on_dates,
                                                clock.describe(shown, on_dates)))
        return resolved

    def _suggest(self, text: str, resolve: Callable[[], Instant | Period], kind: str) -> str:
        """Format a suggested relative date in backticks, followed by what it resolves to."""
        try:
            described = self.options.clock.describe(resolve(), kind == "date")
        except TimeProblem:
            return f"`{text}`"
        return f"`{text}` ({described})"

    def _signed_duration(self, value: ast.Literal, kind: str) -> Instant | Period:
        """`-7d` means `now - 7d` on a timestamp and `today - 7d` on a date."""
        amount, unit = _duration(value.text, value.span)
        clock = self.options.clock
        base = "today" if kind == "date" and unit not in ("minute", "hour") else "now"
        if value.text[0] not in "+-":
            past = self._suggest(f"-{value.text}", lambda: clock.offset(base, -amount, unit), kind)
            future = self._suggest(f"+{value.text}", lambda: clock.offset(base, amount, unit), kind)
            raise BindProblem("value.unsigned_duration",
                              f"`{value.text}` is a length of time, not a point in time.",
                              value.span,
                              f"write {past} for {value.text} ago or {future} for {value.text} "
                              "from now")
        return clock.offset(base, amount, unit)

    def _relative(self, value: ast.Relative, kind: str) -> Instant | Period:
        if value.form == "offset":
            return self._relative_offset(value, kind)
        if value.form == "ago":
            return self._relative_ago(value)
        if value.form == "period":
            return self._relative_period(value, kind)
        amount, unit = _duration(value.amount + value.unit, value.amount_span)
        clock = self.options.clock
        if amount == 0:
            which = value.base.lower()
            short = UNIT_ABBREVIATIONS[unit]
            one = self._suggest(f"{which} 1{short}", lambda: clock.rolling(which, 1, unit), kind)
            today = self._suggest("today", lambda: clock.day(clock.today), kind)
            raise BindProblem("value.invalid_relative_date",
                              f"`{value.text}` is an empty range of time, which matches nothing.",
                              value.span, f"write {one}, or {today}")
        return clock.rolling(value.base, amount, unit)

    def _relative_offset(self, value: ast.Relative, kind: str) -> Instant | Period:
        """`now ± duration` and `today|yesterday|tomorrow ± duration`."""
        clock = self.options.clock
        base = value.base.lower()
        digits = value.amount.lstrip("+-")
        sign = value.sign or value.amount[:1] if value.amount[:1] in "+-" else value.sign or "-"
        if not value.unit:
            whole = digits.split(".")[0].replace("_", "") or "1"
            suggestion = self._suggest(
                f"{base} {sign} {whole}d",
                lambda: clock.offset(base, int(whole) * (-1 if sign == "-" else 1), "day"), kind)
            problem = ("has no unit, and durations are whole numbers" if "." in digits
                       else "has no unit")
            raise BindProblem("value.invalid_relative_date",
                              f"`{value.amount}` in `{value.text}` {problem}.",
                              value.amount_span, f"write a unit, such as {suggestion}")
        amount, unit = _duration(value.amount + value.unit, value.amount_span)
        if value.sign and value.amount[:1] in "+-":
            total = -amount if value.sign == "-" else amount
            plain = "+" if total >= 0 else "-"
            suggestion = self._suggest(f"{base} {plain} {digits}{value.unit}",
                                       lambda: clock.offset(base, total, unit), kind)
            raise BindProblem("value.invalid_relative_date",
                              f"`{value.text}` has two signs before the duration.", value.span,
                              f"write {suggestion}")
        if not value.sign and value.amount[:1] not in "+-":
            before = self._suggest(f"{base} - {value.amount}{value.unit}",
                                   lambda: clock.offset(base, -amount, unit), kind)
            after = self._suggest(f"{base} + {value.amount}{value.unit}",
                                  lambda: clock.offset(base, amount, unit), kind)
            raise BindProblem("value.invalid_relative_date",
                              f"`{value.text}` needs a + or - between `{value.base}` and the "
                              "duration.", value.span, f"write {before} or {after}")
        if value.sign == "-":
            amount = -amount
        if base != "now" and unit in ("minute", "hour"):
            moment = self._suggest(f"now {sign} {digits}{value.unit}",
                                   lambda: clock.offset("now", amount, unit), kind)
            raise BindProblem("value.invalid_relative_date",
                              f"`{value.base}` is a whole day, so it moves by days, weeks, "
                              f"months or years, not by {unit}s.", value.span,
                              f"write {moment} for a moment")
        return clock.offset(base, amount, unit)

    def _relative_ago(self, value: ast.Relative) -> Instant:
        """`3 days ago` is the instant `now - 3d`."""
        clock = self.options.clock
        amount, unit = _duration(value.amount + value.unit, value.amount_span)
        if value.amount[:1] in "+-":
            raise BindProblem("value.invalid_relative_date",
                              f"`{value.text}` has a signed amount before `ago`.",
                              value.amount_span, f"write `{value.amount.lstrip('+-')}"
                              f"{value.unit} ago`")
        return Instant(clock.shift(clock.now, -amount, unit))

    def _relative_period(self, value: ast.Relative, kind: str) -> Period:
        """`this|last|next week|month|quarter|year`; other units get a hint."""
        clock = self.options.clock
        base = value.base.lower()
        unit = UNITS.get(value.unit.lower())
        if unit in PERIOD_UNITS and value.unit.lower() == unit:
            return clock.calendar_period(base, unit)
        if unit == "day":
            word = {"this": "today", "last": "yesterday", "next": "tomorrow"}[base]
            day = clock.day(clock.today + timedelta(days=DAY_WORDS[word]))
            hint = f"write {self._suggest(word, lambda: day, kind)}"
        elif unit in PERIOD_UNITS:
            calendar_unit = unit
            suggestion = self._suggest(f"{base} {unit}",
                                       lambda: clock.calendar_period(base, calendar_unit), kind)
            hint = f"write {suggestion}"
        elif unit is not None:
            short = "1h" if unit == "hour" else "1min"
            time_unit = unit
            offers = [
                self._suggest(f"{which} {short}",
                              partial(clock.rolling, which, 1, time_unit), kind)
                for which in ("last", "next") if base in (which, "this")
            ]
            hint = (f"the calendar periods are week, month, quarter and year; for a rolling "
                    f"range write {' or '.join(offers)}")
        else:
            hint = "the calendar periods are week, month, quarter and year"
        raise BindProblem("value.invalid_relative_date",
                          f"`{value.text}` is not a calendar period.", value.span, hint)

    def _time_clauses(self, resolved: _Resolved, property_name: str, rule: PropertyRule,
                      kind: str, predicate: ast.Predicate) -> tuple[Clause, ...]:
        """Apply the operator rules for dates and timestamps, then check the Attio operators
        they produce; an operator error's hint shows what each value resolved to."""
        values = [self._time_value(value, kind) for value in predicate.values]
        if kind == "date":
            clauses = _date_clauses(predicate.operator, [self._as_days(v) for v in values])
        else:
            clauses = _timestamp_clauses(predicate.operator, values)
        if all(clause.operator in rule.operators for clause in clauses):
            return tuple(clauses)
        problem = self._operator_problem(resolved, property_name, rule, predicate)
        clock = self.options.clock
        described = [f"`{value.source}` is {clock.describe(resolved_value, kind == 'date')}"
                     for value, resolved_value in zip(predicate.values, values, strict=True)
                     if _is_relative(value)]
        if described:
            diagnostic = problem.diagnostic
            hint = "; ".join(([diagnostic.hint] if diagnostic.hint else []) + described)
            problem = BindProblem(diagnostic.code, diagnostic.message, diagnostic.span, hint)
        raise problem

    def _as_days(self, value: Instant | Period) -> Period:
        """Turn a relative instant into its local day, because a date attribute compares days."""
        return self.options.clock.as_days(value)

    def _date_scalar(self, resolved: _Resolved, value: ast.Value, operator: AttioOperator) -> Any:
        return self._time_scalar(value, operator, "date")

    def _timestamp_scalar(self, resolved: _Resolved, value: ast.Value,
                          operator: AttioOperator) -> Any:
        return self._time_scalar(value, operator, "timestamp")

    def _time_scalar(self, value: ast.Value, operator: AttioOperator, kind: str) -> Any:
        """Convert a date or timestamp to one JSON value, for operators added to the rules
        table (such as `$in`), where a range cannot be expanded."""
        resolved_value = self._time_value(value, kind)
        if kind == "date":
            day = self._as_days(resolved_value)
            if day.first == day.last:
                return day.first.isoformat()
        elif isinstance(resolved_value, Instant):
            return resolved_value.iso()
        described = self.options.clock.describe(resolved_value, kind == "date")
        raise BindProblem("operator.not_allowed",
                          f"`{value.source}` is a range of time ({described}), which "
                          f"`{operator}` cannot take.",
                          value.span, "write a single date or datetime")


_COMPARISON: dict[str, AttioOperator] = {"=": "$eq", ">": "$gt", ">=": "$gte", "<": "$lt",
                                         "<=": "$lte"}

_CONVERTERS: dict[str, Callable[[Binder, _Resolved, ast.Value, AttioOperator], Any]] = {
    "text": Binder._text,
    "number": Binder._number,
    "rating": Binder._rating,
    "boolean": Binder._boolean,
    "option": Binder._option,
    "status": Binder._option,
    "member": Binder._member,
    "record_id": Binder._record_id,
    "phone_number": Binder._phone,
    "country_code": Binder._country_code,
    "interaction_type": Binder._interaction_type,
    "domain": Binder._domain,
    "none": Binder._none,
    "date": Binder._date_scalar,
    "timestamp": Binder._timestamp_scalar,
}


def _timestamp_clauses(operator: str, values: list[Instant | Period]) -> list[Clause]:
    """Build the clauses for a timestamp, where a period P = [start, end) widens or narrows
    each operator."""
    if operator == "between":
        low, high = values
        start = low.iso() if isinstance(low, Instant) else low.start_iso()
        if isinstance(high, Instant):
            return [Clause("$gte", start), Clause("$lte", high.iso())]
        return [Clause("$gte", start), Clause("$lt", high.end_iso())]
    (value,) = values
    if isinstance(value, Instant):
        return [Clause(_COMPARISON[operator], value.iso())]
    if operator == "=":
        return [Clause("$gte", value.start_iso()), Clause("$lt", value.end_iso())]
    return {
        ">": [Clause("$gte", value.end_iso())],
        ">=": [Clause("$gte", value.start_iso())],
        "<": [Clause("$lt", value.start_iso())],
        "<=": [Clause("$lt", value.end_iso())],
    }[operator]


def _date_clauses(operator: str, values: list[Period]) -> list[Clause]:
    """Build the clauses for a date attribute, where a period is the whole days [first, last]."""
    ranges = [(value.first, value.last) for value in values]
    if operator == "between":
        (first, _), (_, last) = ranges
        return [Clause("$gte", first.isoformat()), Clause("$lte", last.isoformat())]
    ((first, last),) = ranges
    if operator == "=":
        if first == last:
            return [Clause("$eq", first.isoformat())]
        return [Clause("$gte", first.isoformat()), Clause("$lte", last.isoformat())]
    return {
        ">": [Clause("$gt", last.isoformat())],
        ">=": [Clause("$gte", first.isoformat())],
        "<": [Clause("$lt", first.isoformat())],
        "<=": [Clause("$lte", last.isoformat())],
    }[operator]


def _duration(text: str, span: ast.Span) -> tuple[int, str]:
    match = re.fullmatch(r"([+-]?)([\d_]+)\s*([A-Za-z]+)", text)
    if match is None:
        raise BindProblem("value.invalid_relative_date", f"`{text}` is not a duration.", span,
                          "write a whole number and a unit, such as 7d or 3 months")
    unit = UNITS.get(match.group(3).lower())
    if unit is None:
        raise BindProblem("value.invalid_relative_date",
                          f"`{match.group(3)}` is not a unit of time.", span,
                          "the units are min, h, d, w, mo, y and the words minute, hour, day, "
                          "week, month, quarter, year")
    amount = int(match.group(2).replace("_", ""))
    return (-amount if match.group(1) == "-" else amount), unit


def _is_relative(value: ast.Value) -> bool:
    """Return whether a time value depends on `now` (a relative date, not a date or
    datetime)."""
    if isinstance(value, ast.Relative):
        return True
    return value.kind == "duration" or (
        value.kind == "word" and value.text.lower() in ("now", "today", "yesterday", "tomorrow"))


def _looks_like_time(value: ast.Value) -> bool:
    if isinstance(value, ast.Relative):
        return True
    if value.kind in ("date", "datetime", "duration"):
        return True
    return value.kind == "word" and value.text.lower() in ("now", "today", "yesterday", "tomorrow")


def _to_number(text: str) -> int | float:
    cleaned = text.replace("_", "")
    if "." in cleaned:
        return float(cleaned)
    return int(cleaned)


def article(noun: str) -> str:
    """Prefix ``noun`` with "a" or "an" by its first letter."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def dsl_operators(operators: frozenset[AttioOperator] | set[AttioOperator]) -> list[str]:
    """List the attioql operators that a set of Attio operators allows, in a fixed order."""
    result: list[str] = []
    if "$eq" in operators:
        result += ["=", "!=", "in", "not in"]
    elif "$in" in operators:
        result += ["in", "not in"]
    for attio, words in (("$gt", [">"]), ("$gte", [">="]), ("$lt", ["<"]), ("$lte", ["<="])):
        if attio in operators:
            result += words
    if "$gte" in operators and "$lte" in operators:
        result += ["between", "not between"]
    for attio, words in (("$contains", ["contains", "does not contain"]),
                         ("$starts_with", ["starts with", "does not start with"]),
                         ("$ends_with", ["ends with", "does not end with"]),
                         ("$not_empty", ["is empty", "is not empty"])):
        if attio in operators:
            result += words
    return result


def _close_names(name: str, candidates: Sequence[str]) -> list[str]:
    by_fold: dict[str, str] = {}
    for candidate in candidates:
        if candidate:
            by_fold.setdefault(fold(candidate), candidate)
    matches = difflib.get_close_matches(fold(name), list(by_fold), n=3, cutoff=0.6)
    return [f"`{by_fold[match]}`" for match in matches]


def _or_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _and_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
