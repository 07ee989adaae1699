"""The syntax tree that the parser builds: frozen nodes, each with a source span.

A span is a pair of character offsets ``(start, end)`` into the parsed text. Equality and
hashing ignore spans, so tests can compare structure by building nodes by hand.
Nodes hold what was written, not what it means: a value keeps its kind and source text,
and the binder decides what it means for the attribute it is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as TypingLiteral

Span = tuple[int, int]
NO_SPAN: Span = (0, 0)

LiteralKind = TypingLiteral[
    "string", "number", "uuid", "date", "datetime", "duration", "word", "boolean", "null"
]


@dataclass(frozen=True, slots=True)
class Literal:
    """A single-token value.

    ``text`` is the decoded content of a quoted string and the source text of anything else;
    ``boolean`` literals keep their spelling (`true`, `yes`, ...) in ``text``.
    """

    kind: LiteralKind
    text: str
    quoted: bool = False
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def source(self) -> str:
        """The literal as written, which is what a text attribute compares with."""
        return self.text


RelativeForm = TypingLiteral["offset", "ago", "period", "rolling"]


@dataclass(frozen=True, slots=True)
class Relative:
    """A relative date written with more than one token.

    ``offset``: `now - 7d`, `today + 1 week`, `now -7d` (``base`` is the word, ``sign`` is
    ``+``, ``-`` or empty when the duration carries its own sign).
    ``ago``: `3 days ago` (``amount`` and ``unit``).
    ``period``: `this week`, `last month` (``base`` is this/last/next, ``unit`` the unit word).
    ``rolling``: `last 30 days`, `next 2w` (``base`` is last/next).
    ``text`` is the source text, used when the attribute is text.
    """

    form: RelativeForm
    base: str
    sign: str
    amount: str
    unit: str
    text: str
    span: Span = field(default=NO_SPAN, compare=False)
    amount_span: Span = field(default=NO_SPAN, compare=False)

    @property
    def source(self) -> str:
        return self.text


Value = Literal | Relative


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of a path: a slug, or a title written in backticks."""

    name: str
    quoted: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Path:
    segments: tuple[Segment, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def text(self) -> str:
        return ".".join(segment.name for segment in self.segments)


# Operators as the parser records them. `negated` on a predicate covers `!=`, `<>`,
# `is not`, `not in`, `not between`, `not contains`, `does not ...` and `is empty`.
Operator = TypingLiteral[
    "=", ">", ">=", "<", "<=", "in", "between", "contains", "starts_with", "ends_with",
    "not_empty",
]


@dataclass(frozen=True, slots=True)
class Predicate:
    """An operator with its values, as written after a path (or alone inside a group).

    ``spelling`` is the operator as the user wrote it (`<>`, `does not start with`), kept
    for messages and ignored by equality.
    """

    operator: Operator
    negated: bool
    values: tuple[Value, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    spelling: str = field(default="", compare=False)
    operator_span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Condition:
    path: Path
    predicate: Predicate
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Member:
    """One condition inside a group; ``path`` is None for `created_at(>= x and < y)`."""

    path: Path | None
    predicate: Predicate
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Group:
    """`attr(cond and cond ...)`: several conditions that one value must satisfy together."""

    path: Path
    members: tuple[Member, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Filter
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Filter, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Filter, ...]
    span: Span = field(default=NO_SPAN, compare=False)


Filter = Condition | Group | Not | And | Or


@dataclass(frozen=True, slots=True)
class Sort:
    path: Path
    direction: TypingLiteral["asc", "desc"] = "asc"
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Target:
    """The object or list a query reads; ``kind`` is None when not written as `objects/x`."""

    name: str
    kind: TypingLiteral["objects", "lists"] | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Query:
    target: Target
    filter: Filter | None
    sorts: tuple[Sort, ...] = ()
    limit: Literal | None = None
    offset: Literal | None = None
    span: Span = field(default=NO_SPAN, compare=False)
