"""Turn Attio filter JSON back into canonical attioql text.

Every filter shape that Attio documents is read: the shorthand (``{"name": "Ada"}``, several
keys ANDed), operators on the attribute or on a property, implicit equality on a property,
several operators or properties in one object, ``$and``/``$or``/``$not`` and
``path``/``constraints``. The result is a syntax tree printed by :mod:`.formatter`, so the
text is canonical and compiling it gives the canonical JSON for the same meaning.

Choices that make the text read well without changing the JSON it compiles to:

* member ids become full names (or emails, where a name is not unique), option and status
  ids become titles;
* an ``$or`` of equalities on one attribute becomes `in`, and ``$not`` around one condition
  becomes its negated operator (`!=`, `not in`, `is empty`);
* a timestamp range that is whole days in ``timezone`` becomes dates (`created_at =
  2024-01-17`), ``$gte`` plus ``$lte`` becomes `between`, and any other object with several
  operators or properties becomes a group (`created_at(>= ... and < ...)`).

Every condition is compiled once more before it is returned, so a value that attioql would
reject (a rating of 7, a phone number without a country code) is reported here.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from . import ast
from .binder import _URL_SCHEME, BindProblem, _close_names, _or_list, article
from .core import Context, SchemaSource, compile_with_warnings, make_context, resolve_limits
from .dates import Clock
from .errors import AttioQLError, DecompileError, Diagnostic, ErrorCode
from .formatter import render_filter
from .parser import Limits
from .rules import ATTIO_OPERATORS, VALUE, AttioOperator, PropertyRule, Rules, TypeRule
from .schema import Attribute, Target, fold

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?",
    re.IGNORECASE,
)
_DSL_OPERATORS: dict[str, ast.Operator] = {
    "$eq": "=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<=", "$in": "in",
    "$contains": "contains", "$starts_with": "starts_with", "$ends_with": "ends_with",
    "$not_empty": "not_empty",
}
# Operators that have a negated spelling, so `$not` around them reads as one condition.
_NEGATABLE = frozenset({"=", "in", "between", "contains", "starts_with", "ends_with",
                        "not_empty"})
# The keys of a query body, beside `filter`.
_QUERY_BODY_KEYS = frozenset({"filter", "sorts", "limit", "offset"})
_WRONG_OPERATORS = {
    "$ne": "negate with `$not`", "$neq": "negate with `$not`", "$nin": "negate `$in` with `$not`",
    "$is_empty": "write `{\"$not\": {... \"$not_empty\": true}}`",
    "$equals": "write `$eq`", "$exists": "write `$not_empty`",
}


def decompile(filter_json: Any, *, target: str, schema: SchemaSource = None,
              timezone: str = "UTC", rules: Rules | None = None, limits: Limits | None = None,
              max_length: int | None = None, max_depth: int | None = None,
              max_list_size: int | None = None, max_conditions: int | None = None) -> str:
    """Return canonical attioql text for Attio filter JSON.

    ``target``, ``schema``, ``rules``, ``limits`` and the ``max_*`` overrides are as for
    :func:`attioql.compile_filter`. The limits apply to the text the JSON reads as, so JSON
    that a compile within the limits produced is accepted: an ``$or`` of 600 equalities
    that reads as one `in` list is one condition. ``timezone`` only chooses how time ranges
    read: a range of whole days in that zone is written as dates, which compile back to the
    same JSON in the same zone only. Raises :class:`DecompileError` (an
    :class:`AttioQLError`) for JSON that attioql cannot express; its message starts with
    the JSON path of the offending part, such as ``$.$and[1].stage``.
    """
    resolved_limits = resolve_limits(limits, max_length, max_depth, max_list_size,
                                     max_conditions)
    context = make_context(target, schema, None, timezone, None, rules, resolved_limits)
    reader = _Reader(context)
    node = reader.filter(filter_json, "$", 0)
    reader.check_text_conditions()
    for leaf, where in reader.leaves:
        reader.verify(leaf, where)
    return render_filter(node)


def trusted_limits(limits: Limits) -> Limits:
    """Return limits for reading JSON that a compile within ``limits`` produced.

    Such JSON may hold many more conditions than its text, because an `in` list becomes an
    ``$or`` of equalities, which also adds a level of nesting."""
    return Limits(max_length=sys.maxsize, max_depth=limits.max_depth + 1,
                  max_list_size=sys.maxsize, max_conditions=sys.maxsize)


# Errors --------------------------------------------------------------------------------


def _error(code: ErrorCode, where: str, message: str, hint: str | None = None) -> DecompileError:
    return DecompileError([Diagnostic(code, f"{where}: {message}", (0, 0), hint)])


def _shape(where: str, message: str, hint: str | None = None) -> DecompileError:
    return _error("value.invalid_filter_json", where, message, hint)


def _child(where: str, key: str) -> str:
    return f"{where}.{key}"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


# Reading JSON --------------------------------------------------------------------------


@dataclass
class _Attribute:
    """An attribute reached from the target, directly or through a path."""

    segments: tuple[str, ...]
    attribute: Attribute
    owner: Target
    rule: TypeRule


class _Reader:
    def __init__(self, context: Context, limits: Limits | None = None) -> None:
        self.context = context
        self.limits = limits or context.limits
        self.schema = context.schema
        self.target = context.target
        self.clock = Clock(datetime(2000, 1, 1, tzinfo=timezone.utc), context.clock.zone)
        self.leaves: list[tuple[ast.Filter, str]] = []
        # Conditions whose `in` would compile to an `$or` of equalities, by id().
        self.in_means_or: set[int] = set()
        # JSON conditions read so far, and how many fewer the text has because an `$or`
        # of equalities reads as one `in` condition.
        self.conditions = 0
        self.merged_conditions = 0

    # Logic -----------------------------------------------------------------------------

    def filter(self, value: Any, where: str, depth: int) -> ast.Filter | None:
        """Read the filter at ``where``; return ``None`` only for an empty object at the top."""
        # `in` compiles to an `$or` one level below the condition, so JSON a compile
        # produced may nest one level deeper than its text.
        if depth > self.limits.max_depth + 1:
            raise _error("limit.depth", where,
                         f"The filter nests deeper than {self.limits.max_depth} levels of "
                         "`$and`, `$or` and `$not`.",
                         f"flatten the filter: the limit is {self.limits.max_depth} levels, "
                         "and one more for an `$or` that reads as an `in` list")
        if not isinstance(value, dict):
            raise _shape(where, f"A filter must be an object, not {_describe(value)}.")
        if depth == 0:
            self._reject_request(value)
        if not value:
            if depth == 0:
                return None
            raise _shape(where, "An empty object is not a condition.",
                         "remove it, or put a condition in it")
        parts: list[ast.Filter] = []
        keys = list(value)
        if "constraints" in value and "path" not in value:
            raise _shape(_child(where, "constraints"), "`constraints` needs a `path` beside it.")
        for key in keys:
            if not isinstance(key, str):
                raise _shape(where, "Filter keys must be strings.")
            inner = _child(where, key)
            if key == "constraints":
                continue
            if key == "path":
                parts.append(self._path(value["path"], value.get("constraints"), where))
            elif key in ("$and", "$or"):
                parts.append(self._chain(key, value[key], inner, depth))
            elif key == "$not":
                parts.append(self._not(value[key], inner, depth))
            elif key.startswith("$"):
                raise self._unknown_operator(key, inner, logical=True)
            else:
                parts.append(self._attribute_condition(key, value[key], inner))
        return parts[0] if len(parts) == 1 else ast.And(tuple(parts))

    def _chain(self, key: str, value: Any, where: str, depth: int) -> ast.Filter:
        if not isinstance(value, list):
            raise _shape(where, f"`{key}` takes a list of filters, not {_describe(value)}.")
        if not value:
            raise _shape(where, f"`{key}` has an empty list.", "give it at least one filter")
        operands = []
        for index, item in enumerate(value):
            operand = self.filter(item, f"{where}[{index}]", depth + 1)
            assert operand is not None
            operands.append(operand)
        if len(operands) == 1:
            return operands[0]
        if key == "$and":
            return ast.And(tuple(operands))
        as_in = _as_in_list(operands, self.in_means_or)
        if as_in is not None:
            if len(as_in.predicate.values) > self.limits.max_list_size:
                raise _error("limit.list_size", where,
                             f"The `{key}` reads as a list of more than "
                             f"{self.limits.max_list_size} values.",
                             "split the list into several filters")
            self.merged_conditions += len(operands) - 1
            self.leaves.append((as_in, where))
            return as_in
        return ast.Or(tuple(operands))

    def _not(self, value: Any, where: str, depth: int) -> ast.Filter:
        if isinstance(value, list):
            raise _shape(where, "`$not` takes one filter, not a list.",
                         "wrap the list in `$and` or `$or`")
        operand = self.filter(value, where, depth + 1)
        assert operand is not None
        if not isinstance(operand, ast.Condition) or operand.predicate.operator not in _NEGATABLE:
            return ast.Not(operand)
        predicate = operand.predicate
        if predicate.negated:
            # `not not x` reads better than `not x != y`.
            positive = ast.Predicate(predicate.operator, False, predicate.values)
            return ast.Not(ast.Not(ast.Condition(operand.path, positive)))
        return ast.Condition(operand.path, ast.Predicate(predicate.operator, True,
                                                         predicate.values))

    def _reject_request(self, value: dict[Any, Any]) -> None:
        """Raise for a query request or body passed where its filter belongs."""
        if "body" in value and isinstance(value.get("path"), str):
            body = value["body"]
            hint = ("pass the value of `body.filter`"
                    if isinstance(body, dict) and "filter" in body
                    else "this query has no filter; pass `{}`")
            raise _shape("$", "This is a whole query request ({method, path, body}), not a "
                         "filter.", hint)
        keys = [key for key in value if isinstance(key, str)]
        query_keys = [key for key in keys if key in _QUERY_BODY_KEYS
                      and key not in self.target.attributes]
        if not query_keys or len(query_keys) != len(value):
            return
        hint = ("pass the value of `filter`" if "filter" in value
                else "this query body has no filter; pass `{}`")
        listed = ", ".join(f"`{key}`" for key in query_keys)
        raise _shape("$", f"This is a query body ({listed}), not a filter.", hint)

    def check_text_conditions(self) -> None:
        """Raise when the text the JSON reads as has more conditions than the limit."""
        if self.conditions - self.merged_conditions > self.limits.max_conditions:
            raise self._too_many_conditions("$")

    def _too_many_conditions(self, where: str) -> DecompileError:
        return _error("limit.conditions", where,
                      f"The filter has more than {self.limits.max_conditions} conditions.",
                      "split it into several queries")

    def _unknown_operator(self, key: str, where: str, logical: bool = False) -> DecompileError:
        hint = _WRONG_OPERATORS.get(key.lower())
        if hint is None:
            allowed = "`$and`, `$or`, `$not`" if logical else ", ".join(
                f"`{op}`" for op in ATTIO_OPERATORS)
            hint = f"Attio's operators are {allowed}"
        return _error("value.unknown_filter_operator", where,
                      f"`{key}` is not an Attio filter operator.", hint)

    # Attributes and paths ----------------------------------------------------------------

    def _attribute(self, owner: Target, slug: str, where: str) -> Attribute:
        attribute = owner.attributes.get(slug)
        if attribute is None:
            names = [a.slug for a in owner.attributes.values() if not a.is_archived]
            close = _close_names(slug, names)
            hint = f"did you mean {_or_list(close)}?" if close else None
            raise _error("unknown.attribute", where,
                         f"`{owner.slug}` has no attribute `{slug}`.", hint)
        if attribute.is_archived:
            raise _error("unknown.archived_attribute", where,
                         f"`{slug}` is an archived attribute of `{owner.slug}`.",
                         "archived attributes cannot be filtered")
        return attribute

    def _rule(self, attribute: Attribute, where: str) -> TypeRule:
        rule = self.context.rules.get(attribute.type)
        if rule is None:
            raise _error("value.unsupported_filter_operator", where,
                         f"`{attribute.slug}` is {article(attribute.type)} attribute, which attioql "
                         "cannot filter.", "extend the rules table if your workspace accepts it")
        return rule

    def _attribute_condition(self, slug: str, body: Any, where: str) -> ast.Filter:
        attribute = self._attribute(self.target, slug, where)
        reached = _Attribute((slug,), attribute, self.target, self._rule(attribute, where))
        return self._condition(reached, body, where, in_path=False)

    def _path(self, steps: Any, constraints: Any, where: str) -> ast.Filter:
        path_where = _child(where, "path")
        if not isinstance(steps, list) or not steps:
            raise _shape(path_where, "`path` must be a non-empty list of [object, attribute] "
                         "pairs.")
        owner = self.target
        segments: list[str] = []
        attribute: Attribute | None = None
        for index, step in enumerate(steps):
            step_where = f"{path_where}[{index}]"
            if (not isinstance(step, list) or len(step) != 2
                    or not all(isinstance(part, str) for part in step)):
                raise _shape(step_where, "Each path step must be a pair of strings "
                             "[object or list slug, attribute slug].")
            object_slug, slug = step
            if attribute is not None:
                owner = self._follow(attribute, object_slug, step_where)
            elif object_slug != self.target.slug:
                raise _error("unknown.target", step_where,
                             f"The path starts at `{object_slug}`, but the filter is on "
                             f"`{self.target.slug}`.", f"start the path with `{self.target.slug}`")
            if (owner.kind == "lists" and slug == "parent_record"):
                attribute = Attribute("parent_record", "Parent record", "record-reference",
                                      owner.qualified, False, False, owner.parent_objects)
            else:
                attribute = self._attribute(owner, slug, step_where)
            segments.append(slug)
        assert attribute is not None
        if constraints is None:
            raise _shape(where, "A `path` needs `constraints` beside it.")
        reached = _Attribute(tuple(segments), attribute, owner, self._rule(attribute, where))
        return self._condition(reached, constraints, _child(where, "constraints"),
                               in_path=len(segments) > 1)

    def _follow(self, attribute: Attribute, object_slug: str, where: str) -> Target:
        if attribute.type != "record-reference":
            raise _shape(where, f"`{attribute.slug}` is {article(attribute.type)} attribute, so a "
                         "path cannot go on after it.")
        allowed = attribute.allowed_objects
        if allowed is not None and object_slug not in allowed:
            raise _error("unknown.object", where,
                         f"`{attribute.slug}` links to {_or_list([f'`{s}`' for s in allowed])}, "
                         f"not `{object_slug}`.")
        owner = self.schema.objects.get(object_slug)
        if owner is None or not self.schema.has_attributes(owner):
            raise _error("unknown.object", where,
                         f"The schema has no attributes for the object `{object_slug}`.",
                         "load a workspace snapshot that includes that object")
        return owner

    # Condition bodies --------------------------------------------------------------------

    def _condition(self, reached: _Attribute, body: Any, where: str,
                   in_path: bool) -> ast.Filter:
        self.conditions += 1
        # Each condition takes at least two characters of text (`a in [1,2]`), so JSON
        # with more conditions than `max_length` cannot read as text within the limits.
        if self.conditions > max(self.limits.max_length, self.limits.max_conditions):
            raise self._too_many_conditions(where)
        rule = reached.rule
        if rule.type == "record-reference":
            node: ast.Filter = self._record(reached, body, where)
        elif rule.type == "actor-reference":
            node = self._actor(reached, body, where)
            self.in_means_or.add(id(node))
        else:
            node = self._parts(reached, self._read_parts(reached, body, where), where)
        self.leaves.append((node, where))
        return node

    def _read_parts(self, reached: _Attribute, body: Any,
                    where: str) -> dict[str, list[tuple[AttioOperator, Any, str]]]:
        """Read a condition body into ``{property: [(operator, value, json path)]}``."""
        rule = reached.rule
        attribute = reached.attribute
        if not isinstance(body, dict):
            return {self._shorthand_property(reached, body, where): [("$eq", body, where)]}
        if not body:
            raise _shape(where, f"The condition on `{attribute.slug}` is an empty object.")
        parts: dict[str, list[tuple[AttioOperator, Any, str]]] = {}
        for key, value in body.items():
            inner = _child(where, key)
            if key.startswith("$"):
                operator = self._operator(key, inner)
                if VALUE not in rule.properties:
                    named = ", ".join(f"`{p}`" for p in rule.named_properties)
                    raise _shape(inner, f"`{attribute.slug}` is {article(attribute.type)} attribute, "
                                 f"so an operator must be put on one of its properties: {named}.")
                parts.setdefault(VALUE, []).append((operator, value, inner))
                continue
            property_name = self._property(reached, key, inner)
            entries = parts.setdefault(property_name, [])
            if isinstance(value, dict):
                if not value:
                    raise _shape(inner, f"The condition on `{key}` is an empty object.")
                for operator_key, operand in value.items():
                    operator_where = _child(inner, operator_key)
                    if not operator_key.startswith("$"):
                        raise _shape(operator_where, f"`{operator_key}` is not an operator; "
                                     f"`{key}` is a property, so it takes an operator such as "
                                     "`$eq` or a plain value.")
                    entries.append((self._operator(operator_key, operator_where), operand,
                                    operator_where))
            else:
                entries.append(("$eq", value, inner))
        for property_name, entries in parts.items():
            self._check_operators(reached, property_name, entries)
        return parts

    def _shorthand_property(self, reached: _Attribute, body: Any, where: str) -> str:
        rule = reached.rule
        default = rule.default_property
        if rule.default_for_dates_only or default is None:
            named = ", ".join(f"`{p}`" for p in rule.named_properties)
            raise _shape(where, f"`{reached.attribute.slug}` is {article(rule.type)} attribute, so the "
                         f"condition must name one of its properties: {named}.")
        if isinstance(body, (list, dict)) or body is None:
            hint = None
            if isinstance(body, list):
                hint = ("filter values are single values, not lists; use `{\"$in\": [...]}`"
                        if "$in" in rule.properties[default].operators else
                        "filter values are single values, not lists; use an `$or` with one "
                        "condition per value")
            raise _shape(where, f"`{reached.attribute.slug}` cannot equal "
                         f"{_describe(body)}.", hint)
        return default

    def _property(self, reached: _Attribute, key: str, where: str) -> str:
        rule = reached.rule
        explicit = rule.properties.get(VALUE)
        if explicit is not None and explicit.explicit_key == key:
            return VALUE
        if key in rule.properties and key != VALUE:
            return key
        valid = rule.named_properties + (
            [explicit.explicit_key] if explicit is not None and explicit.explicit_key else [])
        attribute = reached.attribute
        if not valid:
            raise _error("unknown.property", where,
                         f"`{attribute.slug}` is {article(attribute.type)} attribute, which has no "
                         f"property `{key}`.", "put the operator directly on the attribute")
        close = _close_names(key, valid)
        hint = f"the properties are {', '.join(f'`{p}`' for p in valid)}"
        if close:
            hint = f"did you mean {_or_list(close)}? {hint}"
        raise _error("unknown.property", where,
                     f"`{attribute.slug}` ({attribute.type}) has no property `{key}`.", hint)

    def _operator(self, key: str, where: str) -> AttioOperator:
        if key not in ATTIO_OPERATORS:
            raise self._unknown_operator(key, where)
        return key

    def _check_operators(self, reached: _Attribute, property_name: str,
                         entries: list[tuple[AttioOperator, Any, str]]) -> None:
        rule = reached.rule.properties[property_name]
        name = reached.attribute.slug + (f".{property_name}" if property_name else "")
        for operator, value, where in entries:
            if operator not in rule.operators:
                allowed = ", ".join(f"`{op}`" for op in sorted(rule.operators))
                raise _error("value.unsupported_filter_operator", where,
                             f"`{name}` ({reached.attribute.type}) does not support `{operator}`.",
                             f"it supports {allowed}" if allowed else None)
            if operator == "$not_empty" and value is not True:
                raise _shape(where, "`$not_empty` takes `true`.",
                             "for records without a value, wrap `$not_empty: true` in `$not`")

    # Record and actor references ---------------------------------------------------------

    def _record(self, reached: _Attribute, body: Any, where: str) -> ast.Condition:
        attribute = reached.attribute
        if not isinstance(body, dict):
            raise _shape(where, f"`{attribute.slug}` is a record reference, so it takes "
                         "{\"target_object\": ..., \"target_record_id\": ...}.")
        unknown = [key for key in body if key not in ("target_object", "target_record_id")]
        if unknown:
            raise _error("unknown.property", _child(where, unknown[0]),
                         f"`{attribute.slug}` is a record reference, whose properties are "
                         "`target_object` and `target_record_id`.")
        if "target_record_id" not in body:
            raise _shape(where, f"The condition on `{attribute.slug}` has no `target_record_id`.")
        target_object = body.get("target_object")
        allowed = attribute.allowed_objects
        if target_object is not None and (
                not isinstance(target_object, str)
                or (allowed is not None and target_object not in allowed)):
            expected = _or_list([f"`{slug}`" for slug in allowed or ()]) or "an object slug"
            raise _error("unknown.object", _child(where, "target_object"),
                         f"`{attribute.slug}` links to {expected}, not `{target_object}`.")
        record_where = _child(where, "target_record_id")
        record = body["target_record_id"]
        if isinstance(record, dict):
            if len(record) != 1:
                raise _shape(record_where, "`target_record_id` takes a record id, `$eq` or `$in`.")
            ((operator, operand),) = record.items()
            operator_where = _child(record_where, operator)
            if operator == "$eq":
                return self._record_condition(reached, "=", [operand], operator_where)
            if operator == "$in":
                if not isinstance(operand, list) or not operand:
                    raise _shape(operator_where, "`$in` takes a non-empty list of record ids.")
                return self._record_condition(reached, "in", operand, operator_where)
            self._operator(operator, operator_where)
            raise _error("value.unsupported_filter_operator", operator_where,
                         f"`{attribute.slug}` (record-reference) does not support `{operator}`.",
                         "it supports `$eq` and `$in`")
        return self._record_condition(reached, "=", [record], record_where)

    def _record_condition(self, reached: _Attribute, operator: ast.Operator,
                          ids: Sequence[Any], where: str) -> ast.Condition:
        values = []
        for index, item in enumerate(ids):
            item_where = where if operator == "=" else f"{where}[{index}]"
            if not isinstance(item, str) or not _UUID.fullmatch(item):
                raise _error("value.invalid_record_id", item_where,
                             f"`{_spell(item)}` is not a record id.", "record ids are UUIDs")
            values.append(ast.Literal("uuid", item.lower()))
        return ast.Condition(_path(reached.segments), ast.Predicate(operator, False, tuple(values)))

    def _actor(self, reached: _Attribute, body: Any, where: str) -> ast.Condition:
        attribute = reached.attribute
        if not isinstance(body, dict) or "referenced_actor_id" not in body:
            raise _shape(where, f"`{attribute.slug}` is an actor reference, so it takes "
                         "{\"referenced_actor_type\": \"workspace-member\", "
                         "\"referenced_actor_id\": ...}.")
        unknown = [key for key in body
                   if key not in ("referenced_actor_type", "referenced_actor_id")]
        if unknown:
            raise _error("unknown.property", _child(where, unknown[0]),
                         f"`{attribute.slug}` is an actor reference, whose properties are "
                         "`referenced_actor_type` and `referenced_actor_id`.")
        actor_type = body.get("referenced_actor_type", "workspace-member")
        if actor_type != "workspace-member":
            raise _shape(_child(where, "referenced_actor_type"),
                         f"attioql filters actor references by workspace member only, not "
                         f"by `{actor_type}`.")
        member = self._member(body["referenced_actor_id"], _child(where, "referenced_actor_id"))
        return ast.Condition(_path(reached.segments), ast.Predicate("=", False, (member,)))

    # Attributes with operators -----------------------------------------------------------

    def _parts(self, reached: _Attribute,
               parts: dict[str, list[tuple[AttioOperator, Any, str]]],
               where: str) -> ast.Filter:
        if len(parts) == 1:
            ((property_name, entries),) = parts.items()
            simple = self._simple(reached, property_name, entries)
            if simple is not None:
                return simple
        members: list[ast.Member] = []
        for property_name, entries in parts.items():
            member_path = (None if property_name == VALUE
                           else ast.Path((ast.Segment(property_name),)))
            for operator, value, value_where in entries:
                predicate = self._predicate(reached, property_name, operator, value, value_where)
                members.append(ast.Member(member_path, predicate))
        return ast.Group(_path(reached.segments), tuple(members))

    def _simple(self, reached: _Attribute, property_name: str,
                entries: list[tuple[AttioOperator, Any, str]]) -> ast.Condition | None:
        """Build one condition for the clauses on one property, when a plain form exists."""
        path = _path(reached.segments + self._written_property(reached, property_name, entries))
        property_rule = reached.rule.properties[property_name]
        operators = [operator for operator, _value, _where in entries]
        if len(entries) == 1:
            operator, value, value_where = entries[0]
            condition = ast.Condition(path, self._predicate(reached, property_name, operator,
                                                            value, value_where))
            if operator == "$eq" and "$in" not in property_rule.operators:
                self.in_means_or.add(id(condition))
            return condition
        if len(entries) != 2:
            return None
        values = {operator: (value, value_where) for operator, value, value_where in entries}
        kind = property_rule.value_kind
        if kind == "timestamp":
            return self._timestamp_range(path, values)
        if sorted(operators) == ["$gte", "$lte"] and "$gte" in property_rule.operators \
                and "$lte" in property_rule.operators:
            low = self._value(reached, property_name, "$gte", *values["$gte"])
            high = self._value(reached, property_name, "$lte", *values["$lte"])
            return ast.Condition(path, ast.Predicate("between", False, (low, high)))
        return None

    def _written_property(self, reached: _Attribute, property_name: str,
                          entries: list[tuple[AttioOperator, Any, str]]) -> tuple[str, ...]:
        """Return the property segment, or nothing where the bare attribute means it."""
        if property_name == VALUE:
            return ()
        rule = reached.rule
        operators = {operator for operator, _value, _where in entries}
        if operators == {"$not_empty"} and rule.empty_property is not None:
            return () if rule.empty_property == property_name else (property_name,)
        if "$not_empty" in operators:
            return (property_name,)
        if rule.default_property == property_name:
            return ()
        return (property_name,)

    def _timestamp_range(self, path: ast.Path,
                         values: Mapping[AttioOperator, tuple[Any, str]]) -> ast.Condition | None:
        if set(values) == {"$gte", "$lt"}:
            start = self._instant(*values["$gte"])
            end = self._instant(*values["$lt"])
            first = self._midnight_day(start)
            after = self._midnight_day(end)
            if first is not None and after is not None and first < after:
                last = after - timedelta(days=1)
                if first == last:
                    return ast.Condition(path, ast.Predicate("=", False, (_date(first),)))
                return ast.Condition(path, ast.Predicate("between", False,
                                                         (_date(first), _date(last))))
            if after is not None:
                low = _date(first) if first is not None else _datetime(start)
                high = _date(after - timedelta(days=1))
                return ast.Condition(path, ast.Predicate("between", False, (low, high)))
            return None
        if set(values) == {"$gte", "$lte"}:
            start = self._instant(*values["$gte"])
            end = self._instant(*values["$lte"])
            first = self._midnight_day(start)
            low = _date(first) if first is not None else _datetime(start)
            return ast.Condition(path, ast.Predicate("between", False, (low, _datetime(end))))
        return None

    def _predicate(self, reached: _Attribute, property_name: str, operator: AttioOperator,
                   value: Any, where: str) -> ast.Predicate:
        dsl = _DSL_OPERATORS[operator]
        if operator == "$not_empty":
            return ast.Predicate("not_empty", False, ())
        if operator == "$in":
            if not isinstance(value, list) or not value:
                raise _shape(where, "`$in` takes a non-empty list.")
            items = tuple(self._value(reached, property_name, "$eq", item, f"{where}[{index}]")
                          for index, item in enumerate(value))
            return ast.Predicate("in", False, items)
        kind = reached.rule.properties[property_name].value_kind
        if kind == "timestamp" and operator in ("$gte", "$lt"):
            instant = self._instant(value, where)
            day = self._midnight_day(instant)
            if day is not None:
                return ast.Predicate(dsl, False, (_date(day),))
        return ast.Predicate(dsl, False, (self._value(reached, property_name, operator, value,
                                                      where),))

    # Values ------------------------------------------------------------------------------

    def _value(self, reached: _Attribute, property_name: str, operator: AttioOperator,
               value: Any, where: str) -> ast.Value:
        rule: PropertyRule = reached.rule.properties[property_name]
        kind = rule.value_kind
        if kind in ("number", "rating"):
            return _number(value, where)
        if kind == "boolean":
            if not isinstance(value, bool):
                raise _error("value.invalid_boolean", where,
                             f"A checkbox compares with true or false, not {_describe(value)}.")
            return ast.Literal("boolean", "true" if value else "false")
        if kind == "date":
            if not isinstance(value, str) or not _DATE.fullmatch(value):
                raise _error("value.invalid_date", where,
                             f"`{_spell(value)}` is not a date.", "dates are written YYYY-MM-DD")
            return ast.Literal("date", value)
        if kind == "timestamp":
            return _datetime(self._instant(value, where))
        if kind in ("option", "status"):
            return self._option(reached, value, where)
        if kind == "member":
            return self._member(value, where)
        if not isinstance(value, str):
            raise _shape(where, f"`{reached.attribute.slug}` compares with text, not "
                         f"{_describe(value)}.")
        if kind == "record_id":
            return ast.Literal("uuid", value)
        if kind == "domain":
            _check_domain(value, where)
        return ast.Literal("string", value, True)

    def _instant(self, value: Any, where: str) -> tuple[datetime, str]:
        """Parse an ISO 8601 timestamp into a UTC moment and its fractional digits."""
        match = _TIMESTAMP.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            hint = ("a timestamp needs a time too, such as 2024-01-10T00:00:00.000Z"
                    if isinstance(value, str) and _DATE.fullmatch(value) else
                    "write an ISO 8601 timestamp such as 2024-01-10T09:30:00.000Z")
            raise _error("value.invalid_timestamp", where, f"`{_spell(value)}` is not a timestamp.", hint)
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        if fraction and len(fraction) > 9:
            raise _error("value.invalid_timestamp", where,
                         f"`{value}` has more than nine fractional digits.")
        try:
            moment = datetime(int(year), int(month), int(day), int(hour), int(minute),
                              int(second or 0), tzinfo=timezone.utc)
            if offset and offset.upper() != "Z":
                sign = 1 if offset[0] == "+" else -1
                moment -= sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
        except (ValueError, OverflowError):
            raise _error("value.invalid_timestamp", where,
                         f"`{value}` is not a valid timestamp.") from None
        digits = fraction or ""
        # The compiler writes 3, 6 or 9 fractional digits, whichever fits the literal.
        width = 3
        if len(digits) > 6:
            width = 9
        elif len(digits) > 3:
            width = 6
        return moment, digits.ljust(width, "0")

    def _midnight_day(self, instant: tuple[datetime, str]) -> date | None:
        """Return the local day that starts at ``instant``, or ``None`` if no day starts there."""
        moment, fraction = instant
        if fraction != "000":
            return None
        day = moment.astimezone(self.clock.zone).date()
        try:
            return day if self.clock.midnight(day) == moment else None
        except (OverflowError, ValueError):
            return None

    def _option(self, reached: _Attribute, value: Any, where: str) -> ast.Value:
        attribute = reached.attribute
        noun = "status" if attribute.type == "status" else "option"
        if not isinstance(value, str):
            raise _shape(where, f"A {noun} is a title or an id, not {_describe(value)}.")
        options = self.schema.options(reached.owner, attribute)
        if options is None:
            return ast.Literal("uuid" if _UUID.fullmatch(value) else "string", value,
                               not _UUID.fullmatch(value))
        if _UUID.fullmatch(value):
            for option in options:
                if option.id.lower() == value.lower():
                    return ast.Literal("string", option.title, True)
        for option in options:
            if fold(option.title) == fold(value):
                return ast.Literal("string", option.title, True)
        titles = [option.title for option in options if not option.is_archived]
        close = _close_names(value, titles)
        hint = f"did you mean {_or_list(close)}?" if close else None
        code: ErrorCode = "unknown.status" if noun == "status" else "unknown.option"
        raise _error(code, where, f"`{attribute.slug}` has no {noun} `{value}`.", hint)

    def _member(self, value: Any, where: str) -> ast.Value:
        if not isinstance(value, str) or not _UUID.fullmatch(value):
            raise _error("value.invalid_filter_json", where,
                         f"`{_spell(value)}` is not a workspace member id.",
                         "Attio filters members by id; attioql writes them as names")
        members = self.schema.members
        if members is None:
            return ast.Literal("uuid", value.lower())
        member = next((m for m in members if m.id.lower() == value.lower()), None)
        if member is None:
            raise _error("unknown.member", where, f"No workspace member has the id `{value}`.")
        binder = self.context.binder()
        for candidate in (member.full_name, member.email):
            if not candidate or fold(candidate) == "me":
                continue
            try:
                if binder.resolve_member(candidate, (0, 0), allow_me=True) == member.id:
                    return ast.Literal("string", candidate, True)
            except BindProblem:
                continue
        return ast.Literal("uuid", member.id)

    # Checking ------------------------------------------------------------------------------

    def verify(self, leaf: ast.Filter, where: str) -> None:
        """Compile one condition, so that a value attioql rejects is reported here."""
        text = render_filter(leaf)
        # The JSON passed the limits already; its text may be longer than the JSON.
        context = dataclasses.replace(self.context, limits=trusted_limits(self.limits))
        try:
            compile_with_warnings(text, context)
        except AttioQLError as error:
            first = error.errors[0]
            raise DecompileError([Diagnostic(first.code, f"{where}: {first.message}", (0, 0),
                                             first.hint)]) from None


def _as_in_list(operands: list[ast.Filter], in_means_or: set[int]) -> ast.Condition | None:
    """`a = x or a = y` on a property without `$in` reads as `a in [x, y]`, which compiles
    to the same `$or`."""
    first = operands[0]
    if not isinstance(first, ast.Condition):
        return None
    values: list[ast.Value] = []
    for operand in operands:
        if (not isinstance(operand, ast.Condition) or id(operand) not in in_means_or
                or operand.path != first.path
                or operand.predicate.operator != "=" or operand.predicate.negated):
            return None
        values.extend(operand.predicate.values)
    return ast.Condition(first.path, ast.Predicate("in", False, tuple(values)))


def _path(segments: Sequence[str]) -> ast.Path:
    return ast.Path(tuple(ast.Segment(segment) for segment in segments))


def _date(day: date) -> ast.Literal:
    return ast.Literal("date", day.isoformat())


def _datetime(instant: tuple[datetime, str]) -> ast.Literal:
    """Write the shortest datetime literal that compiles to this instant and fraction."""
    moment, fraction = instant
    text = moment.strftime("%Y-%m-%dT%H:%M")
    if fraction.strip("0") or len(fraction) > 3:
        text += moment.strftime(":%S") + "." + fraction
    elif moment.second:
        text += moment.strftime(":%S")
    return ast.Literal("datetime", text + "Z")


def _spell(value: Any) -> str:
    """Write a JSON value as the user wrote it: `true`, `null`, `[1, 2]`; a string as is."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _check_domain(value: str, where: str) -> None:
    """Raise for a domain that attioql text cannot compare as written.

    Attio compares the stored domain with the exact string in the filter. attioql text
    compares only the domain of a URL (`https://acme.com/path` compiles to `acme.com`) and
    trims spaces, so such a value has no attioql text with the same meaning."""
    stripped = value.strip()
    domain = re.split(r"[/?#]", _URL_SCHEME.sub("", stripped), maxsplit=1)[0]
    if domain == value:
        return
    if stripped != value:
        what = "has spaces around it"
    elif _URL_SCHEME.match(stripped):
        what = "is a URL"
    else:
        what = "has a path after the domain"
    raise _error("value.invalid_filter_json", where,
                 f"`{value}` {what}; Attio compares it as written, but attioql text compares "
                 f"the domain `{domain}`, so this filter has no attioql text.",
                 f"compare the domain `{domain}` if that is what you mean")


def _number(value: Any, where: str) -> ast.Literal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _error("value.invalid_number", where, f"`{_spell(value)}` is not a number.")
    if isinstance(value, str):
        if not re.fullmatch(r"[+-]?\d+(?:\.\d+)?", value.strip()):
            raise _error("value.invalid_number", where, f"`{_spell(value)}` is not a number.")
        return ast.Literal("number", value.strip())
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _error("value.invalid_number", where, f"`{_spell(value)}` is not a finite number.")
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
            if "." not in text:
                text += ".0"
        return ast.Literal("number", text)
    return ast.Literal("number", str(value))
