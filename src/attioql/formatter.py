"""Print syntax trees as canonical attioql text, and format filter text.

Canonical text has lower-case keywords and one space around operators. A value is quoted
only where a bare token would not give back the same value. Attribute slugs replace titles,
Attio's property names replace aliases, and parentheses appear only where precedence needs
them. Relative dates stay relative. The printer here is shared with :mod:`.decompiler`,
which builds syntax trees from Attio filter JSON.
"""

from __future__ import annotations

import functools
import re
from typing import Literal as TypingLiteral

from . import ast
from .binder import Binder
from .core import SchemaSource, make_context, resolve_limits
from .errors import AttioQLError, BindError
from .parser import KEYWORDS, Limits, parse_filter
from .rules import VALUE, Rules, ValueKind

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHORT_UNITS = frozenset({"min", "h", "d", "w", "mo", "y"})
_DURATION = re.compile(r"([+-]?)([\d_]+)\s*([A-Za-z]+)")
_TIME_KINDS = frozenset({"date", "timestamp"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_PLACEHOLDER_MEMBER = "00000000-0000-4000-8000-000000000000"


# Values --------------------------------------------------------------------------------


def quote(text: str) -> str:
    """Return ``text`` as a double-quoted attioql string."""
    parts = []
    for char in text:
        if char in _ESCAPES:
            parts.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            parts.append(f"\\u{ord(char):04x}")
        else:
            parts.append(char)
    return '"' + "".join(parts) + '"'


@functools.lru_cache(maxsize=8192)
def can_stand_bare(text: str) -> bool:
    """Check whether ``text`` written without quotes is one value token with the same text.

    The check parses ``x = <text>`` with the real grammar, so it follows every lexer rule
    (keywords, a keyword that starts a word, `now-7d`, literals that start with a digit).
    Words, numbers, UUIDs, dates and datetimes qualify; keywords and durations do not,
    because they mean something else on some attribute types.
    """
    if not text or text != text.strip():
        return False
    try:
        node = parse_filter(f"x = {text}")
    except AttioQLError:
        return False
    if not isinstance(node, ast.Condition) or len(node.predicate.values) != 1:
        return False
    value = node.predicate.values[0]
    return (isinstance(value, ast.Literal)
            and value.kind in ("word", "number", "uuid", "date", "datetime")
            and value.text == text)


def render_value(value: ast.Value) -> str:
    """Print one value; string literals go bare when :func:`can_stand_bare` allows it."""
    if isinstance(value, ast.Relative):
        return _render_relative(value)
    if value.kind == "string":
        return value.text if can_stand_bare(value.text) else quote(value.text)
    if value.kind in ("boolean", "null"):
        return value.text.lower()
    return value.text


def _duration_text(amount: int, unit: str) -> str:
    unit = unit.lower()
    if unit in _SHORT_UNITS:
        return f"{amount}{unit}"
    return f"{amount} {unit}"


def _canonical_duration(text: str) -> str:
    """Spell a signed duration such as `-7 Days` the way relative dates print: `-7 days`."""
    match = _DURATION.fullmatch(text)
    if match is None:
        return text
    sign, amount, unit = match.groups()
    return sign + _duration_text(int(amount.replace("_", "")), unit)


def _render_relative(value: ast.Relative) -> str:
    base = value.base.lower()
    if value.form == "offset":
        amount = int(value.amount.replace("_", ""))
        if value.sign == "-":
            amount = -amount
        sign = "-" if amount < 0 else "+"
        return f"{base} {sign} {_duration_text(abs(amount), value.unit)}"
    if value.form == "ago":
        return f"{_duration_text(int(value.amount.replace('_', '')), value.unit)} ago"
    if value.form == "period":
        return f"{base} {value.unit.lower()}"
    return f"{base} {_duration_text(int(value.amount.replace('_', '')), value.unit)}"


# Paths and predicates -------------------------------------------------------------------


def render_segment(segment: ast.Segment) -> str:
    """Print a slug bare, and a title or a slug spelled like a keyword in backticks."""
    if (not segment.quoted and _NAME.fullmatch(segment.name)
            and segment.name.lower() not in KEYWORDS):
        return segment.name
    return f"`{segment.name}`"


def render_path(path: ast.Path) -> str:
    return ".".join(render_segment(segment) for segment in path.segments)


_TEXT_OPERATORS = {
    "contains": ("contains", "does not contain"),
    "starts_with": ("starts with", "does not start with"),
    "ends_with": ("ends with", "does not end with"),
}


def render_predicate(predicate: ast.Predicate) -> str:
    operator = predicate.operator
    negated = predicate.negated
    values = [render_value(value) for value in predicate.values]
    if operator == "not_empty":
        return "is empty" if negated else "is not empty"
    if operator == "in":
        return f"{'not in' if negated else 'in'} [{', '.join(values)}]"
    if operator == "between":
        return f"{'not between' if negated else 'between'} {values[0]} and {values[1]}"
    if operator in _TEXT_OPERATORS:
        positive, negative = _TEXT_OPERATORS[operator]
        return f"{negative if negated else positive} {values[0]}"
    if operator == "=" and negated:
        return f"!= {values[0]}"
    return f"{operator} {values[0]}"


def render_filter(node: ast.Filter | None) -> str:
    """Print a filter with the fewest parentheses that keep its structure."""
    if node is None:
        return ""
    if isinstance(node, ast.Condition):
        return f"{render_path(node.path)} {render_predicate(node.predicate)}"
    if isinstance(node, ast.Group):
        members = " and ".join(
            (f"{render_path(member.path)} " if member.path is not None else "")
            + render_predicate(member.predicate)
            for member in node.members
        )
        return f"{render_path(node.path)}({members})"
    if isinstance(node, ast.Not):
        operand = node.operand
        inner = render_filter(operand)
        if isinstance(operand, (ast.And, ast.Or)):
            inner = f"({inner})"
        return f"not {inner}"
    if isinstance(node, ast.And):
        return " and ".join(
            f"({render_filter(operand)})" if isinstance(operand, ast.Or)
            else render_filter(operand)
            for operand in node.operands
        )
    return " or ".join(render_filter(operand) for operand in node.operands)


# Formatting text -----------------------------------------------------------------------


def format(text: str, *, target: str, schema: SchemaSource = None, rules: Rules | None = None,
           limits: Limits | None = None, max_length: int | None = None,
           max_depth: int | None = None, max_list_size: int | None = None,
           max_conditions: int | None = None) -> str:
    """Print the filter ``text`` as canonical attioql text.

    The text must compile against ``target``, ``schema`` and ``rules`` within ``limits``
    and the ``max_*`` overrides (all as for :func:`attioql.compile_filter`); otherwise
    the :class:`AttioQLError` of the compile is raised. The result compiles to the same
    JSON as ``text`` at any `now`, and formatting it again returns it unchanged.
    """
    resolved_limits = resolve_limits(limits, max_length, max_depth, max_list_size,
                                     max_conditions)
    context = make_context(target, schema, None, "UTC", None, rules, resolved_limits)
    members = context.schema.members
    # `me` needs a current member to compile; any member checks the text equally well.
    context.current_member = members[0].id if members else _PLACEHOLDER_MEMBER
    node = parse_filter(text, context.limits)
    binder = context.binder()
    binder.bind(node)
    if binder.errors:
        raise BindError(binder.errors, text)
    if node is None:
        return ""
    return render_filter(_Normalizer(binder).filter(node))


Kind = ValueKind | TypingLiteral["unknown"]


class _Normalizer:
    """Rewrite a syntax tree that is known to compile into its canonical spelling."""

    def __init__(self, binder: Binder) -> None:
        self.binder = binder

    def filter(self, node: ast.Filter) -> ast.Filter:
        if isinstance(node, ast.And):
            return ast.And(tuple(self.filter(operand) for operand in node.operands))
        if isinstance(node, ast.Or):
            return ast.Or(tuple(self.filter(operand) for operand in node.operands))
        if isinstance(node, ast.Not):
            return ast.Not(self.filter(node.operand))
        if isinstance(node, ast.Group):
            return self._group(node)
        return self._condition(node)

    def _condition(self, node: ast.Condition) -> ast.Condition:
        resolved = self.binder.resolve_path(node.path)
        property_name = self.binder._choose_property(resolved, node.predicate, node.path.span)
        kind = resolved.type_rule.properties[property_name].value_kind
        path = _canonical_path(resolved.path, resolved.property)
        return ast.Condition(path, _predicate(node.predicate, kind))

    def _group(self, node: ast.Group) -> ast.Group:
        resolved = self.binder.resolve_path(node.path)
        members = []
        for member in node.members:
            if member.path is None:
                property_name = self.binder._choose_property(resolved, member.predicate,
                                                             member.predicate.operator_span)
                member_path = None
            else:
                property_name = self.binder._member_property(resolved, member.path)
                member_path = ast.Path((ast.Segment(property_name),))
            kind = resolved.type_rule.properties[property_name].value_kind
            members.append(ast.Member(member_path, _predicate(member.predicate, kind)))
        return ast.Group(_canonical_path(resolved.path, None), tuple(members))


def _canonical_path(steps: tuple[tuple[str, str], ...], property_name: str | None) -> ast.Path:
    segments = [ast.Segment(attribute) for _owner, attribute in steps]
    if property_name is not None and property_name != VALUE:
        segments.append(ast.Segment(property_name))
    return ast.Path(tuple(segments))


def _predicate(predicate: ast.Predicate, kind: Kind) -> ast.Predicate:
    values = tuple(_value(value, kind) for value in predicate.values)
    return ast.Predicate(predicate.operator, predicate.negated, values)


def _value(value: ast.Value, kind: Kind) -> ast.Value:
    """Return the canonical spelling of one value for a property of the given kind."""
    if kind in _TIME_KINDS:
        if isinstance(value, ast.Relative):
            return value
        if value.kind == "word":
            return ast.Literal("word", value.text.lower())
        if value.kind == "datetime":
            return ast.Literal("datetime", value.text.upper())
        if value.kind == "duration":
            return ast.Literal("duration", _canonical_duration(value.text))
        return value
    # Elsewhere a relative date or a keyword is plain text, which a quoted string keeps.
    if isinstance(value, ast.Relative):
        return ast.Literal("string", value.text, True)
    if value.kind == "boolean" and kind != "boolean":
        return ast.Literal("string", value.text, True)
    if value.kind == "boolean":
        return ast.Literal("boolean", "true" if value.text.lower() in ("true", "yes") else "false")
    return value
