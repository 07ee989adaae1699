"""Parse attioql text into the syntax tree of :mod:`attioql.ast`.

The Lark LALR parser is built once per process, on first use, from ``attioql.lark`` (shipped
inside the package) and reuses Lark's grammar cache, so ``import attioql`` stays cheap.
The tree is built by callbacks that Lark calls as it reduces each rule, so no intermediate
parse tree exists and nothing walks the input recursively. The size limits are checked in
the same callbacks: a 5,000-deep input stops at the 65th level with a ``limit`` error.

Lark's exceptions never leave this module; they become a :class:`ParseError` whose message
names what was expected in words.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path as FilePath
from typing import Any

from lark import Lark, Token
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from . import ast
from .dates import UNITS
from .errors import Diagnostic, ErrorCode, ParseError, SyntaxProblem


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits, each checked before the input can cost more than linear time."""

    max_length: int = 10_000
    max_depth: int = 64
    max_list_size: int = 1_000
    max_conditions: int = 500


DEFAULT_LIMITS = Limits()

KEYWORDS = frozenset({
    "and", "or", "not", "in", "is", "empty", "contains", "contain", "starts", "start", "ends",
    "end", "with", "does", "between", "true", "false", "yes", "no", "null", "where", "order",
    "by", "asc", "desc", "limit", "offset",
})

VALUE_TERMINALS = frozenset({
    "STRING", "NUMBER", "UUID", "DATE", "DATETIME", "DURATION", "WORD", "BAD_LITERAL", "TRUE",
    "FALSE", "YES", "NO", "NULL",
})
OPERATOR_TERMINALS = frozenset({
    "COMPARATOR", "IS", "IN", "BETWEEN", "CONTAINS", "CONTAIN", "STARTS", "START", "ENDS", "END",
    "DOES",
})

# The words an error message uses for each group of terminals, in the order listed.
_EXPECTED_WORDS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"NAME", "TITLE"}), "an attribute name"),
    (VALUE_TERMINALS, "a value such as a number, a date or a quoted text"),
    (OPERATOR_TERMINALS, "an operator such as `=`, `contains` or `in`"),
    (frozenset({"EMPTY"}), "`empty`"),
    (frozenset({"WITH"}), "`with`"),
    (frozenset({"NOT"}), "`not`"),
    (frozenset({"AND"}), "`and`"),
    (frozenset({"OR"}), "`or`"),
    (frozenset({"LPAR"}), "`(`"),
    (frozenset({"LBRACKET"}), "`[`"),
    (frozenset({"RPAR"}), "`)`"),
    (frozenset({"RBRACKET"}), "`]`"),
    (frozenset({"_COMMA"}), "`,`"),
    (frozenset({"WHERE"}), "`where`"),
    (frozenset({"ORDER"}), "`order by`"),
    (frozenset({"_BY"}), "`by`"),
    (frozenset({"ASC", "DESC"}), "`asc` or `desc`"),
    (frozenset({"LIMIT"}), "`limit`"),
    (frozenset({"OFFSET"}), "`offset`"),
    (frozenset({"SLASH"}), "`/`"),
    (frozenset({"$END"}), "the end of the filter"),
)

_TEXT_VERBS = {
    "contains": "contains", "contain": "contains",
    "starts": "starts_with", "start": "starts_with",
    "ends": "ends_with", "end": "ends_with",
}
_COMPARATORS: dict[str, tuple[ast.Operator, bool]] = {
    "=": ("=", False), "!=": ("=", True), "<>": ("=", True),
    ">": (">", False), ">=": (">=", False), "<": ("<", False), "<=": ("<=", False),
}
_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "r": "\r"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_SHORT_UNIT_MINUTES = {"min": 1, "h": 60}
_DURATION_SPLIT = re.compile(r"([+-]?)([\d_]+)\s*([A-Za-z]+)")
_DIGITS_AND_UNIT = re.compile(r"^[+-]?(\d+)\.(\d+)\s*([a-z]+)$", re.IGNORECASE)


def _span(token: Token) -> ast.Span:
    return (token.start_pos or 0, token.end_pos or 0)


def _problem(code: ErrorCode, message: str, span: ast.Span, hint: str | None = None) -> SyntaxProblem:
    return SyntaxProblem(Diagnostic(code, message, span, hint))


def decode_string(quoted: str) -> str:
    """Decode a quoted string token; the grammar has already rejected invalid escapes."""
    body = quoted[1:-1]
    if "\\" not in body:
        return body

    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] == "u" and len(escape) == 5:
            return chr(int(escape[1:], 16))
        return _ESCAPES[escape]

    return _ESCAPE_RE.sub(replace, body)


# Each unit with the next smaller one and how many of those it holds. A month has no
# exact number of days, so it converts to weeks only as an estimate.
_SMALLER_UNITS = {
    "h": ("min", 60), "hour": ("min", 60), "hours": ("min", 60),
    "d": ("h", 24), "day": ("h", 24), "days": ("h", 24),
    "w": ("d", 7), "week": ("d", 7), "weeks": ("d", 7),
    "mo": ("w", 4), "month": ("w", 4), "months": ("w", 4),
    "quarter": ("mo", 3), "quarters": ("mo", 3),
    "y": ("mo", 12), "year": ("mo", 12), "years": ("mo", 12),
}


def _smaller_unit_hint(text: str, fraction: re.Match[str]) -> str:
    unit = fraction.group(3).lower()
    if unit not in _SMALLER_UNITS:
        return "write a whole number of a smaller unit, such as `90min` for 1.5h"
    sign = "-" if text.startswith("-") else ""
    amount = float(f"{fraction.group(1)}.{fraction.group(2)}")
    about = "about " if unit.startswith("mo") else ""
    # Step down through smaller units until the amount is whole (minutes at the latest).
    while unit in _SMALLER_UNITS:
        unit, factor = _SMALLER_UNITS[unit]
        amount *= factor
        if abs(amount - round(amount)) < 1e-9:
            break
    return f"write a whole number of a smaller unit, such as {about}`{sign}{round(amount)}{unit}`"


def _bad_literal(token: Token) -> SyntaxProblem:
    text = str(token)
    span = _span(token)
    fraction = _DIGITS_AND_UNIT.match(text)
    if fraction:
        return _problem("syntax.fractional_duration",
                        f"`{text}` is a fractional duration, and durations are whole numbers.",
                        span, _smaller_unit_hint(text, fraction))
    if re.fullmatch(r"[+-]?\d+m", text, re.IGNORECASE):
        return _problem("syntax.ambiguous_unit",
                        f"`{text}` has the unit `m`, which could mean minutes or months.",
                        span, f"write `{text[:-1]}min` for minutes or `{text[:-1]}mo` for months")
    return _problem("syntax.invalid_literal",
                    f"`{text}` starts with a digit but is not a number, a date or a duration.",
                    span, f'write a date as YYYY-MM-DD, or quote the text: "{text}"')


def literal_from_token(token: Token) -> ast.Literal:
    """Turn a single value token into a literal, or raise for a malformed one."""
    kind = token.type
    span = _span(token)
    text = str(token)
    if kind == "STRING":
        return ast.Literal("string", decode_string(text), True, span)
    if kind == "WORD":
        return ast.Literal("word", text, False, span)
    if kind == "NUMBER":
        return ast.Literal("number", text, False, span)
    if kind == "UUID":
        return ast.Literal("uuid", text, False, span)
    if kind == "DATE":
        return ast.Literal("date", text, False, span)
    if kind == "DATETIME":
        return ast.Literal("datetime", text, False, span)
    if kind == "DURATION":
        return ast.Literal("duration", text, False, span)
    if kind in ("TRUE", "FALSE", "YES", "NO"):
        return ast.Literal("boolean", text, False, span)
    if kind == "NULL":
        return ast.Literal("null", text, False, span)
    if kind == "BAD_LITERAL":
        raise _bad_literal(token)
    raise _problem("syntax.unexpected_token", f"unexpected `{text}` where a value belongs.", span)


def _value(item: Any) -> ast.Value:
    if isinstance(item, Token):
        return literal_from_token(item)
    assert isinstance(item, (ast.Literal, ast.Relative))
    return item


def _node_span(item: Any) -> ast.Span:
    if isinstance(item, Token):
        return _span(item)
    span: ast.Span = item.span
    return span


def _cover(first: Any, last: Any) -> ast.Span:
    return (_node_span(first)[0], _node_span(last)[1])


class _ParseState(threading.local):
    """Per-thread bookkeeping for one parse: the limits, the nesting depth of each node,
    and the number of conditions seen so far."""

    def __init__(self) -> None:
        self.limits = DEFAULT_LIMITS
        self.text = ""
        self.depths: dict[int, int] = {}
        self.conditions = 0

    def reset(self, limits: Limits, text: str) -> None:
        self.limits = limits
        self.text = text
        self.depths = {}
        self.conditions = 0


_state = _ParseState()


def _depth(node: Any) -> int:
    return _state.depths.get(id(node), 0)


def _nest(node: Any, inner: int, span: ast.Span | None = None) -> Any:
    """Record that ``node`` is one level deeper than ``inner``, or raise past the limit."""
    depth = inner + 1
    if depth > _state.limits.max_depth:
        raise _problem(
            "limit.depth",
            f"The filter nests deeper than {_state.limits.max_depth} "
            f"{'level' if _state.limits.max_depth == 1 else 'levels'} of parentheses, groups "
            "and `not`.",
            span or node.span,
            "flatten the filter: `a and (b and c)` is the same as `a and b and c`",
        )
    _state.depths[id(node)] = depth
    return node


def _outside_group_hint(path: ast.Path, member: ast.Member) -> str:
    start, end = member.span
    condition = _state.text[start:end]
    written = f"{path.text}.{condition}" if member.path else f"{path.text} {condition}"
    if member.predicate.spelling == "not":
        written = f"not {written}"
    return f"move it outside the group: `{path.text}(...) and {written}`"


def _count_condition(span: ast.Span) -> None:
    _state.conditions += 1
    if _state.conditions > _state.limits.max_conditions:
        raise _problem(
            "limit.conditions",
            f"The filter has more than {_state.limits.max_conditions} conditions.",
            span,
            "split the filter, or use `in [...]` for many values of one attribute",
        )


class _Values(list[Any]):
    """The values of a list literal, with the end offset of its closing bracket."""

    end: int = 0


class _Builder:
    """Lark callbacks, one per alias in the grammar, that build :mod:`attioql.ast` nodes."""

    # Logical structure -------------------------------------------------------------

    def filter(self, children: list[Any]) -> ast.Filter | None:
        return children[0] if children else None

    def or_expr(self, children: list[Any]) -> Any:
        return self._chain(children, ast.Or)

    def and_expr(self, children: list[Any]) -> Any:
        return self._chain(children, ast.And)

    @staticmethod
    def _chain(children: list[Any], kind: type[ast.And] | type[ast.Or]) -> Any:
        operands = [child for child in children if not isinstance(child, Token)]
        if len(operands) == 1:
            return operands[0]
        node = kind(tuple(operands), _cover(operands[0], operands[-1]))
        _state.depths[id(node)] = max(_depth(operand) for operand in operands)
        return node

    def not_expr(self, children: list[Any]) -> ast.Not:
        keyword, operand = children
        node = ast.Not(operand, (_span(keyword)[0], operand.span[1]))
        return _nest(node, _depth(operand), _span(keyword))  # type: ignore[no-any-return]

    def paren(self, children: list[Any]) -> Any:
        left, inner, _right = children
        return _nest(inner, _depth(inner), _span(left))

    def condition(self, children: list[Any]) -> ast.Condition:
        path, predicate = children
        span = (path.span[0], predicate.span[1])
        _count_condition(span)
        return ast.Condition(path, predicate, span)

    def group(self, children: list[Any]) -> ast.Group:
        path = children[0]
        right = children[-1]
        members: list[ast.Member] = []
        for child in children[2:-1]:
            if isinstance(child, Token):
                if child.type == "OR":
                    raise _problem(
                        "syntax.or_in_group",
                        "A group joins its conditions with `and` only.",
                        _span(child),
                        f"write `{path.text}(...) or {path.text}(...)` to match either",
                    )
                continue
            members.append(child)
        for member in members:
            predicate = member.predicate
            if predicate.negated:
                raise _problem(
                    "syntax.negation_in_group",
                    f"`{predicate.spelling}` cannot be used inside a group, because every "
                    "condition in a group must hold for the same value.",
                    predicate.operator_span,
                    _outside_group_hint(path, member),
                )
        node = ast.Group(path, tuple(members), (path.span[0], _span(right)[1]))
        return _nest(node, 0)  # type: ignore[no-any-return]

    def group_joiner(self, children: list[Any]) -> Token:
        token: Token = children[0]
        return token

    def member_with_path(self, children: list[Any]) -> ast.Member:
        path, predicate = children
        span = (path.span[0], predicate.span[1])
        _count_condition(span)
        return ast.Member(path, predicate, span)

    def member_negated(self, children: list[Any]) -> ast.Member:
        """`attr(not prop = x)`: parsed only so that the group can explain the fix."""
        keyword, path, predicate = children
        negated = replace(predicate, negated=True, spelling="not", operator_span=_span(keyword))
        _count_condition(predicate.span)
        return ast.Member(path, negated, (path.span[0], predicate.span[1]))

    def member_without_path(self, children: list[Any]) -> ast.Member:
        (predicate,) = children
        _count_condition(predicate.span)
        return ast.Member(None, predicate, predicate.span)

    # Paths -------------------------------------------------------------------------

    def path(self, children: list[Any]) -> ast.Path:
        return ast.Path(tuple(children), (children[0].span[0], children[-1].span[1]))

    def segment_name(self, children: list[Any]) -> ast.Segment:
        (token,) = children
        return ast.Segment(str(token), False, _span(token))

    def segment_title(self, children: list[Any]) -> ast.Segment:
        (token,) = children
        return ast.Segment(str(token)[1:-1], True, _span(token))

    # Predicates --------------------------------------------------------------------

    @staticmethod
    def _predicate(
        operator: ast.Operator, negated: bool, values: list[Any], first: Token,
        operator_tokens: list[Token],
    ) -> ast.Predicate:
        converted = tuple(_value(value) for value in values)
        end = _node_span(values[-1])[1] if values else _span(operator_tokens[-1])[1]
        if isinstance(values, _Values):
            end = values.end
        spelling = " ".join(str(token).lower() for token in operator_tokens)
        operator_span = (_span(operator_tokens[0])[0], _span(operator_tokens[-1])[1])
        return ast.Predicate(operator, negated, converted, (_span(first)[0], end), spelling,
                             operator_span)

    def compare(self, children: list[Any]) -> ast.Predicate:
        token, value = children
        operator, negated = _COMPARATORS[str(token)]
        return self._predicate(operator, negated, [value], token, [token])

    def is_value(self, children: list[Any]) -> ast.Predicate:
        keyword, value = children
        return self._predicate("=", False, [value], keyword, [keyword])

    def is_not_value(self, children: list[Any]) -> ast.Predicate:
        keyword, negation, value = children
        return self._predicate("=", True, [value], keyword, [keyword, negation])

    def is_empty(self, children: list[Any]) -> ast.Predicate:
        keyword, empty = children
        return self._predicate("not_empty", True, [], keyword, [keyword, empty])

    def is_not_empty(self, children: list[Any]) -> ast.Predicate:
        keyword, negation, empty = children
        return self._predicate("not_empty", False, [], keyword, [keyword, negation, empty])

    def in_list(self, children: list[Any]) -> ast.Predicate:
        keyword, values = children
        return self._predicate("in", False, values, keyword, [keyword])

    def not_in_list(self, children: list[Any]) -> ast.Predicate:
        negation, keyword, values = children
        return self._predicate("in", True, values, negation, [negation, keyword])

    def between(self, children: list[Any]) -> ast.Predicate:
        keyword, low, _and, high = children
        return self._predicate("between", False, [low, high], keyword, [keyword])

    def not_between(self, children: list[Any]) -> ast.Predicate:
        negation, keyword, low, _and, high = children
        return self._predicate("between", True, [low, high], negation, [negation, keyword])

    def text_match(self, children: list[Any]) -> ast.Predicate:
        (operator, negated, tokens), value = children
        return self._predicate(operator, negated, [value], tokens[0], tokens)

    def text_operator(self, children: list[Any]) -> tuple[ast.Operator, bool, list[Token]]:
        verb_tokens: list[Token] = children[-1]
        prefix = [child for child in children[:-1] if isinstance(child, Token)]
        operator: ast.Operator = _TEXT_VERBS[str(verb_tokens[0]).lower()]  # type: ignore[assignment]
        return operator, bool(prefix), prefix + verb_tokens

    def text_verb(self, children: list[Any]) -> list[Token]:
        return list(children)

    def value_list(self, children: list[Any]) -> _Values:
        values = _Values(children[1:-1])
        values.end = _span(children[-1])[1]
        if len(values) > _state.limits.max_list_size:
            extra = values[_state.limits.max_list_size]
            raise _problem(
                "limit.list_size",
                f"The list has more than {_state.limits.max_list_size} values.",
                (_node_span(extra)[0], _span(children[-1])[1]),
                "split the list into several conditions joined with `or`",
            )
        return values

    # Relative dates and other multi-token values -----------------------------------

    def word_offset(self, children: list[Any]) -> ast.Relative:
        word = children[0]
        amount = children[-1]
        sign = str(children[1]) if len(children) == 3 else ""
        span = _cover(word, amount)
        text = _source_between(word, amount, children)
        if amount.type == "NUMBER" and str(word).lower() not in _INSTANT_BASES:
            date_form = (f"{word} {amount} days" if str(word).lower() in _PERIOD_BASES and not sign
                         else None)
            raise _unquoted(span, text, date_form)
        if amount.type == "DURATION" and not sign and str(word).lower() in _PERIOD_BASES:
            if str(amount)[:1] in "+-":
                raise _unquoted(span, text)
            return ast.Relative("rolling", str(word), "", *_split_duration(amount), text,
                                span, _span(amount))
        if str(word).lower() not in _INSTANT_BASES:
            raise _unquoted(span, text)
        return ast.Relative("offset", str(word), sign, *_split_duration(amount), text, span,
                            _span(amount))

    def ago(self, children: list[Any]) -> ast.Relative:
        amount, word = children
        span = _cover(amount, word)
        text = _source_between(amount, word, children)
        if str(word).lower() != "ago":
            date_form = f"{amount} ago" if "ago".startswith(str(word).lower()) else None
            raise _spaced_unit(amount, word) or _unquoted(span, text, date_form)
        return ast.Relative("ago", "ago", "", *_split_duration(amount), text, span,
                            _span(amount))

    def word_pair(self, children: list[Any]) -> ast.Relative:
        first, second = children
        span = _cover(first, second)
        text = _source_between(first, second, children)
        if str(first).lower() not in _PERIOD_BASES:
            raise _unquoted(span, text)
        return ast.Relative("period", str(first), "", "", str(second), text, span,
                            _span(second))

    # Queries -----------------------------------------------------------------------

    def query(self, children: list[Any]) -> ast.Query:
        target: ast.Target = children[0]
        where: ast.Filter | None = None
        sorts: tuple[ast.Sort, ...] = ()
        limit = offset = None
        end = target.span[1]
        for clause, value, span in children[1:]:
            end = span[1]
            if clause == "where":
                where = value
            elif clause == "order":
                sorts = value
            elif clause == "limit":
                limit = value
            else:
                offset = value
        return ast.Query(target, where, sorts, limit, offset, (target.span[0], end))

    def target_plain(self, children: list[Any]) -> ast.Target:
        (name,) = children
        return ast.Target(str(name), None, _span(name))

    def target_qualified(self, children: list[Any]) -> ast.Target:
        kind, _slash, name = children
        if str(kind).lower() not in ("objects", "lists"):
            raise _problem("syntax.unexpected_token",
                           f"`{kind}/` is not a target kind.", _span(kind),
                           f"write `objects/{name}` or `lists/{name}`")
        return ast.Target(str(name), str(kind).lower(), _cover(kind, name))  # type: ignore[arg-type]

    def where_clause(self, children: list[Any]) -> tuple[str, Any, ast.Span]:
        keyword = children[0]
        inner = children[1] if len(children) > 1 else None
        end = inner.span[1] if inner is not None else _span(keyword)[1]
        return "where", inner, (_span(keyword)[0], end)

    def order_clause(self, children: list[Any]) -> tuple[str, Any, ast.Span]:
        sorts = tuple(children[1:])
        return "order", sorts, (_span(children[0])[0], sorts[-1].span[1])

    def sort(self, children: list[Any]) -> ast.Sort:
        path = children[0]
        if len(children) == 1:
            return ast.Sort(path, "asc", path.span)
        direction = str(children[1]).lower()
        return ast.Sort(path, direction, _cover(path, children[1]))  # type: ignore[arg-type]

    def limit_clause(self, children: list[Any]) -> tuple[str, Any, ast.Span]:
        keyword, number = children
        return "limit", literal_from_token(number), _cover(keyword, number)

    def offset_clause(self, children: list[Any]) -> tuple[str, Any, ast.Span]:
        keyword, number = children
        return "offset", literal_from_token(number), _cover(keyword, number)


_INSTANT_BASES = frozenset({"now", "today", "yesterday", "tomorrow"})
_PERIOD_BASES = frozenset({"this", "last", "next"})


def _spaced_unit(number: Token, word: Token) -> SyntaxProblem | None:
    """Report a number, a space and a unit that no duration is written as: `1.5 days` (a
    fraction) or `3 mo` (an abbreviation takes no space). Return ``None`` for other words."""
    if number.type != "NUMBER" or str(word).lower() not in _UNIT_WORDS:
        return None
    joined = Token("BAD_LITERAL", f"{number}{word}", start_pos=number.start_pos,
                   end_pos=word.end_pos)
    if "." in str(number):
        return _bad_literal(Token("BAD_LITERAL", f"{number} {word}", start_pos=number.start_pos,
                                  end_pos=word.end_pos))
    if str(word).lower() == "m":
        return _bad_literal(joined)
    return _problem("syntax.invalid_literal",
                    f"`{number} {word}` has a space before the unit `{word}`.", _span(joined),
                    f"write `{number}{word}`; only the unit words, such as `3 months`, may "
                    "follow a space")


def _unit_problem_before(error: UnexpectedToken) -> SyntaxProblem | None:
    """Find the malformed duration that stopped the parse when it sits just before the
    unexpected token: `3m ago`, `now + 3 mo`, `1.5 days ago`."""
    stack = getattr(error.interactive_parser.parser_state, "value_stack", [])
    tokens = [item for item in stack[-2:] if isinstance(item, Token)]
    if tokens and tokens[-1].type == "BAD_LITERAL":
        return _bad_literal(tokens[-1])
    if tokens and tokens[-1].type == "NUMBER" and error.token.type == "WORD":
        return _spaced_unit(tokens[-1], error.token)
    if len(tokens) == 2 and tokens[0].type == "NUMBER" and tokens[1].type == "WORD":
        return _spaced_unit(tokens[0], tokens[1])
    return None


_UNIT_WORDS = frozenset(UNITS) | {"m"}


def _split_duration(token: Token) -> tuple[str, str]:
    """Split `-7d` / `30 days` into amount (with sign) and unit."""
    match = _DURATION_SPLIT.fullmatch(str(token))
    if match is None:  # a NUMBER: `now - 2` has no unit; the binder explains
        return str(token), ""
    return match.group(1) + match.group(2), match.group(3)


def _source_between(first: Any, last: Any, children: list[Any]) -> str:
    """Rebuild the source text of a multi-token value with single spaces between tokens,
    except where the tokens touched in the input."""
    parts: list[str] = []
    previous_end: int | None = None
    for child in children:
        start, end = _node_span(child)
        if previous_end is not None and start > previous_end:
            parts.append(" ")
        parts.append(str(child))
        previous_end = end
    return "".join(parts)


def _unquoted(span: ast.Span, text: str, date_form: str | None = None) -> SyntaxProblem:
    """A value of several bare words; ``date_form`` is the relative date it may have meant."""
    hint = f'write "{text}"'
    if date_form:
        hint += f" for the text, or `{date_form}` for a date"
    return _problem(
        "syntax.unquoted_words",
        f"`{text}` is several words, and a value with spaces needs quotes.",
        span,
        hint,
    )


# Building the parser -------------------------------------------------------------------

_parser: Lark | None = None
_parser_lock = threading.Lock()


def _grammar_text() -> str:
    packaged = resources.files("attioql").joinpath("attioql.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # An editable install runs from the source tree, where the grammar sits at the root.
    source = FilePath(__file__).resolve().parents[2] / "grammar" / "attioql.lark"
    return source.read_text(encoding="utf-8")


def get_parser() -> Lark:
    """Return the process-wide parser, building it on first use."""
    global _parser
    if _parser is None:
        with _parser_lock:
            if _parser is None:
                _parser = Lark(
                    _grammar_text(),
                    parser="lalr",
                    lexer="contextual",
                    start=["filter", "query"],
                    transformer=_Builder(),
                    maybe_placeholders=False,
                    cache=True,
                )
    return _parser


# Running it ----------------------------------------------------------------------------


def parse_filter(text: str, limits: Limits = DEFAULT_LIMITS) -> ast.Filter | None:
    """Parse a filter; an empty or blank text gives ``None``."""
    result = _run(text, "filter", limits)
    return result  # type: ignore[no-any-return]


def parse_query(text: str, limits: Limits = DEFAULT_LIMITS) -> ast.Query:
    result = _run(text, "query", limits)
    return result  # type: ignore[no-any-return]


def _run(text: str, start: str, limits: Limits) -> Any:
    if not isinstance(text, str):
        raise TypeError(f"expected the filter as str, got {type(text).__name__}")
    if len(text) > limits.max_length:
        raise ParseError([Diagnostic(
            "limit.length",
            f"The filter is {len(text):,} characters long; the limit is {limits.max_length:,}.",
            (limits.max_length, len(text)),
            "shorten the filter, or raise max_length if the caller allows it",
        )], text)
    _check_characters(text)
    parser = get_parser()
    _state.reset(limits, text)
    try:
        return parser.parse(text, start=start)
    except SyntaxProblem as problem:
        raise ParseError([problem.diagnostic], text) from None
    except UnexpectedInput as error:
        raise ParseError([_translate(text, error, start)], text) from None
    except LarkError as error:  # pragma: no cover - any other Lark failure is a defect
        raise ParseError([Diagnostic("syntax.unexpected_token",
                                     "The filter could not be parsed.", (0, len(text)))],
                         text) from error
    finally:
        _state.depths = {}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_characters(text: str) -> None:
    """Reject lone surrogates up front: they cannot be encoded, so no message could show them."""
    surrogate = _SURROGATE.search(text)
    if surrogate is None:
        return
    index = surrogate.start()
    raise ParseError([Diagnostic(
        "syntax.unexpected_character",
        f"Character U+{ord(surrogate.group()):04X} at column {index + 1} is not valid text.",
        (index, index + 1),
        "remove the character; it is half of a broken UTF-16 pair",
    )], text)


# Translating Lark's errors -------------------------------------------------------------


def _describe_expected(expected: set[str] | frozenset[str]) -> str:
    phrases = [phrase for names, phrase in _EXPECTED_WORDS if expected & names]
    if not phrases:
        return "something else"
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _previous_text(error: UnexpectedToken) -> str | None:
    """Return the source text parsed just before the error, if it is a token or a path."""
    try:
        stack = error.interactive_parser.parser_state.value_stack
    except AttributeError:  # pragma: no cover - Lark always provides it for LALR
        return None
    if not stack:
        return None
    top = stack[-1]
    if isinstance(top, Token):
        return str(top)
    if isinstance(top, ast.Path):
        return top.text
    return None


def _previous_word(error: UnexpectedToken) -> Token | None:
    try:
        stack = error.interactive_parser.parser_state.value_stack
    except AttributeError:  # pragma: no cover
        return None
    if stack and isinstance(stack[-1], Token) and stack[-1].type == "WORD":
        token: Token = stack[-1]
        return token
    return None


_RUN_OF_WORDS = re.compile(
    r"[^\s()\[\],\"'`]+(?:[ \t]+(?!(?:and|or)(?![\w\-.@+']))[^\s()\[\],\"'`=<>!]+)*",
    re.IGNORECASE,
)


def _translate(text: str, error: UnexpectedInput, start: str) -> Diagnostic:
    if isinstance(error, UnexpectedToken):
        return _translate_token(text, error, start)
    if isinstance(error, UnexpectedCharacters):
        return _translate_character(text, error, start)
    position = getattr(error, "pos_in_stream", None) or len(text)
    return Diagnostic("syntax.unexpected_end", "The filter ends too early.",
                      (position, position))


_QUERY_TERMINALS = frozenset({"WHERE", "ORDER", "ASC", "DESC", "LIMIT", "OFFSET", "SLASH"})


def _acceptable(error: UnexpectedInput, start: str) -> set[str]:
    """The terminals that could really come next.

    Lark's ``expected`` comes from LALR lookahead sets, which merge states and so list
    tokens that cannot follow here; asking the parser to try each one is exact. Trying
    runs the tree callbacks on a copy of the parser state, so any failure there falls back
    to Lark's set.
    """
    expected: set[str]
    try:
        expected = set(error.interactive_parser.accepts())  # type: ignore[no-untyped-call]
    except Exception:
        expected = set(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())
    if start == "filter":
        expected -= _QUERY_TERMINALS
    previous = _previous_token(error)
    if previous is not None and previous.type in ("WORD", "DURATION", "NUMBER"):
        # Only relative dates continue a value (`now - 7d`, `this week`); listing "a value"
        # after a complete value would mislead.
        expected -= VALUE_TERMINALS | {"PLUS", "MINUS"}
    return expected


def _previous_token(error: UnexpectedInput) -> Token | None:
    try:
        stack = error.interactive_parser.parser_state.value_stack
    except AttributeError:  # pragma: no cover
        return None
    if stack and isinstance(stack[-1], Token):
        token: Token = stack[-1]
        return token
    return None


def _translate_token(text: str, error: UnexpectedToken, start: str) -> Diagnostic:
    token = error.token
    acceptable = _acceptable(error, start)
    expected = _describe_expected(acceptable)
    if start == "query":
        expected = expected.replace("the end of the filter", "the end of the query")
    previous = _previous_text(error)
    if token.type == "$END":
        end = len(text.rstrip())
        after = f" after `{previous}`" if previous else ""
        if start == "query":
            if previous is None:
                expected = "the name of an object or list"
            return Diagnostic("syntax.unexpected_end",
                              f"The query ends too early: expected {expected}{after}.", (end, end))
        return Diagnostic("syntax.unexpected_end",
                          f"The filter ends too early: expected {expected}{after}.",
                          (end, end))

    if token.type == "BAD_LITERAL":
        return _bad_literal(token).diagnostic
    unit_problem = _unit_problem_before(error)
    if unit_problem is not None:
        return unit_problem.diagnostic

    span = _span(token)
    value = str(token)
    word = _previous_word(error)
    if word is not None and (token.type in ("WORD", "NAME") or value.lower() in KEYWORDS):
        run = _RUN_OF_WORDS.match(text, word.start_pos or 0)
        quoted = run.group(0) if run else f"{word} {value}"
        return Diagnostic("syntax.unquoted_words",
                          f"`{quoted}` is several words, and a value with spaces needs quotes.",
                          ((word.start_pos or 0), (word.start_pos or 0) + len(quoted)),
                          f'write "{quoted}"')

    hint: str | None = None
    stack = getattr(error.interactive_parser.parser_state, "value_stack", [])
    glued = stack[-1] if stack else None
    if isinstance(glued, Token) and glued.type == "NAME":
        glued = ast.Segment(str(glued), False, _span(glued))
    if (token.type in ("WORD", "NAME") and isinstance(glued, (ast.Path, ast.Segment))
            and glued.span[1] == span[0]):
        before = glued.text if isinstance(glued, ast.Path) else glued.name
        name = f"{before}{value}"
        return Diagnostic("syntax.unexpected_character",
                          f"`{name}` is not a valid attribute name.",
                          (glued.span[0], span[1]),
                          f"a slug uses the letters A-Z, digits and `_`; write a title in "
                          f"backticks: `{name}`")

    if value.lower() in KEYWORDS and acceptable & VALUE_TERMINALS:
        run = _RUN_OF_WORDS.match(text, span[0])
        quoted = run.group(0) if run else value
        hint = (f'`{value.lower()}` is a keyword; to compare with the text, quote it: "{quoted}"')
        if value.lower() == "null":
            hint = "write `is empty` to find records without a value"
    elif value.lower() in KEYWORDS and acceptable & {"NAME", "TITLE"}:
        hint = f"`{value.lower()}` is a keyword; write an attribute with that name in backticks: `{value}`"
    elif token.type in ("WORD", "NAME") and acceptable & OPERATOR_TERMINALS:
        hint = "put an operator such as `=` between the attribute and the value"
        operator_follows = re.match(r"\s*(?:[=!<>]|(?:contains|in|is|starts|ends|not)\b)",
                                    text[span[1]:], re.IGNORECASE)
        if isinstance(glued, (ast.Path, ast.Segment)) and operator_follows:
            before = glued.text if isinstance(glued, ast.Path) else glued.name
            hint += f", or write a title with spaces in backticks: `{before} {value}`"
    elif token.type == "COMPARATOR" and previous is not None and previous.lower() == "not":
        hint = "write `!=` for not equal, or put `not` before the condition"
    elif token.type == "COMPARATOR" and previous is not None and previous.lower() in KEYWORDS:
        hint = (f"`{previous.lower()}` is a keyword; write an attribute with that name in "
                f"backticks: `{previous}`")
    elif start == "query" and token.type in ("WHERE", "ORDER", "LIMIT", "OFFSET"):
        hint = "a query's clauses come in this order: where, order by, limit, offset"
    elif start == "filter" and token.type in ("WHERE", "ORDER", "LIMIT", "OFFSET"):
        hint = ("this looks like a query; compile it with compile_query() or "
                "`attioql query`, or drop the clause")
    elif token.type in ("_DOT", "SLASH", "PLUS", "MINUS") and acceptable & VALUE_TERMINALS:
        run_start, run_end = _run_around(text, span[0])
        hint = f'quote the value: "{text[run_start:run_end]}"'
    elif token.type == "LPAR" and acceptable & OPERATOR_TERMINALS:
        hint = "a group `attr(...)` needs a path before the parenthesis"
    return Diagnostic("syntax.unexpected_token",
                      f"Unexpected `{value}`: expected {expected}.", span, hint)


_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u00ab\u00bb"
_RUN_BREAKS = " \t\r\n()[],\"'`"


def _run_around(text: str, position: int) -> tuple[int, int]:
    """Return the span around ``position`` that runs up to a space, bracket or comma."""
    start = position
    while start > 0 and text[start - 1] not in _RUN_BREAKS:
        start -= 1
    end = position
    while end < len(text) and text[end] not in _RUN_BREAKS:
        end += 1
    return start, end


def _translate_character(text: str, error: UnexpectedCharacters, start: str) -> Diagnostic:
    position: int = error.pos_in_stream or 0
    char = text[position] if position < len(text) else ""
    if char in "\"'":
        return _string_problem(text, position)
    if char == "`":
        closing = text.find("`", position + 1)
        newline = text.find("\n", position + 1)
        if closing == position + 1:
            return Diagnostic("syntax.empty_title", "A title in backticks cannot be empty.",
                              (position, position + 2), "write the attribute's title or slug")
        if closing == -1 or (newline != -1 and newline < closing):
            return Diagnostic("syntax.unterminated_string",
                              "The title in backticks has no closing backtick.",
                              (position, position + 1), "close the title with a backtick")
    allowed = _acceptable(error, start)
    expected = _describe_expected(allowed)
    printable = char
    if not char:
        printable = "end"
    elif not char.isprintable():
        printable = f"U+{ord(char):04X}"
    hint = None
    run_start, run_end = _run_around(text, position)
    glued = run_start < position and char not in ";"
    if char in _CURLY_QUOTES:
        hint = 'write straight quotes: "..." or \'...\''
    elif allowed & VALUE_TERMINALS or (glued and allowed & {"AND", "OR"}):
        hint = f'quote the value: "{text[run_start:run_end]}"'
    elif char.isalpha() and error.allowed and error.allowed & {"NAME", "TITLE"}:
        hint = "an attribute slug uses the letters A-Z, digits and `_`; write a title in backticks"
    elif char.isspace():
        hint = "only spaces, tabs and line breaks separate words"
    return Diagnostic("syntax.unexpected_character",
                      f"Unexpected character `{printable}`: expected {expected}.",
                      (position, position + 1), hint)


def _string_problem(text: str, start: int) -> Diagnostic:
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            escape = text[index + 1: index + 6]
            if escape[:1] in _ESCAPES:
                index += 2
                continue
            if re.match(r"u[0-9a-fA-F]{4}", escape):
                index += 6
                continue
            shown = escape[:1] or "end of text"
            return Diagnostic(
                "syntax.invalid_escape",
                f"The quoted text has an invalid escape `\\{shown}`.",
                (start, start + 1),
                "the escapes are \\\\ \\\" \\' \\n \\t \\r and \\uXXXX; write \\\\ for a backslash",
            )
        if char in "\r\n":
            return Diagnostic("syntax.line_break_in_string",
                              "The quoted text has a line break before its closing quote.",
                              (start, start + 1), f"close the text with {quote} on the same line, "
                              "or write \\n for a line break")
        if char == quote:
            break
        index += 1
    return Diagnostic("syntax.unterminated_string",
                      f"The quoted text has no closing {quote}.",
                      (start, start + 1), f"add {quote} at the end of the text")
