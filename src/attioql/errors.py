"""Diagnostics and the exception hierarchy.

Every problem a user can cause is a :class:`Diagnostic` with a stable dotted code, a span
of character offsets into the input, a one-sentence message and, where one helps, a hint.
Errors are raised as :class:`AttioQLError` (a ``ValueError``) carrying every error found;
warnings never stop compilation. ``ErrorCode`` lists every code; ``docs/errors.md`` documents
each one and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from .ast import Span

ErrorCode = Literal[
    # syntax: the text is not a filter
    "syntax.unexpected_token",
    "syntax.unexpected_end",
    "syntax.unexpected_character",
    "syntax.unterminated_string",
    "syntax.line_break_in_string",
    "syntax.invalid_escape",
    "syntax.empty_title",
    "syntax.invalid_literal",
    "syntax.fractional_duration",
    "syntax.ambiguous_unit",
    "syntax.unquoted_words",
    "syntax.or_in_group",
    "syntax.negation_in_group",
    # unknown: a name that the schema does not have
    "unknown.target",
    "unknown.attribute",
    "unknown.archived_attribute",
    "unknown.property",
    "unknown.option",
    "unknown.status",
    "unknown.member",
    "unknown.object",
    # operator: an operator the attribute's type does not support
    "operator.not_allowed",
    "operator.property_required",
    "operator.not_sortable",
    # value: a value that does not fit the attribute
    "value.null",
    "value.invalid_number",
    "value.invalid_rating",
    "value.invalid_boolean",
    "value.invalid_date",
    "value.datetime_on_date",
    "value.invalid_timestamp",
    "value.invalid_relative_date",
    "value.unsigned_duration",
    "value.current_member_missing",
    "value.invalid_record_id",
    "value.invalid_phone_number",
    "value.invalid_country_code",
    "value.invalid_interaction_type",
    "value.repeated_operator",
    "value.invalid_limit",
    "value.invalid_timezone",
    "value.invalid_option",
    "value.invalid_filter_json",
    "value.unknown_filter_operator",
    "value.unsupported_filter_operator",
    "value.invalid_schema",
    # warnings: compilation goes on, the output is unchanged
    "value.suspended_member",
    "value.archived_option",
    "value.url_stripped",
    "value.empty_range",
    # ambiguous: a name or value that matches more than one thing
    "ambiguous.target",
    "ambiguous.member",
    "ambiguous.option",
    "ambiguous.attribute",
    "ambiguous.reference",
    # limit: input past one of the size limits
    "limit.length",
    "limit.depth",
    "limit.list_size",
    "limit.conditions",
]

ERROR_CODES: tuple[str, ...] = get_args(ErrorCode)
CATEGORIES = ("syntax", "unknown", "operator", "value", "ambiguous", "limit")

Severity = Literal["error", "warning"]

MAX_REPORTED_ERRORS = 20
"""Binding stops collecting errors after this many; the first ones are the useful ones."""


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    return line, offset - line_start + 1


def render_snippet(text: str, span: Span) -> str:
    """Render the source line that contains the start of ``span`` with carets under it."""
    start, end = span
    start = max(0, min(start, len(text)))
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    if line_end == -1:
        line_end = len(text)
    line = text[line_start:line_end]
    width = max(1, min(end, line_end) - start)
    # Tabs keep their width in the caret line so the carets stay under the span.
    pad = "".join("\t" if char == "\t" else " " for char in line[: start - line_start])
    return f"  {line}\n  {pad}{'^' * width}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a filter."""

    code: ErrorCode
    message: str
    span: Span
    hint: str | None = None
    severity: Severity = "error"
    line: int = field(default=1, compare=False)
    column: int = field(default=1, compare=False)

    @property
    def category(self) -> str:
        return self.code.split(".", 1)[0]

    def located(self, text: str) -> Diagnostic:
        """Return a copy whose line and column are computed against ``text``."""
        line, column = line_and_column(text, self.span[0])
        return Diagnostic(self.code, self.message, self.span, self.hint, self.severity,
                          line, column)

    def render(self, text: str) -> str:
        """Format the message, the source line with carets, and the hint."""
        parts = [f"{self.severity}: {self.message}"]
        if text:
            parts.append(render_snippet(text, self.span))
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "span": list(self.span),
            "line": self.line,
            "column": self.column,
        }


class AttioQLError(ValueError):
    """Raised for any input that attioql rejects.

    The attributes describe the first error in source order; ``errors`` contains every error
    found (parsing stops at the first, binding collects up to ``MAX_REPORTED_ERRORS``).
    """

    def __init__(self, errors: list[Diagnostic], text: str = "") -> None:
        if not errors:
            raise ValueError("AttioQLError needs at least one diagnostic")
        located = sorted((error.located(text) for error in errors), key=lambda e: e.span)
        first = located[0]
        self.errors: list[Diagnostic] = located
        self.text = text
        self.code: str = first.code
        self.message: str = first.message
        self.hint: str | None = first.hint
        self.span: Span = first.span
        self.line: int = first.line
        self.column: int = first.column
        super().__init__(first.message)

    @property
    def category(self) -> str:
        return self.code.split(".", 1)[0]

    def __str__(self) -> str:
        first = self.errors[0]
        parts = [first.message]
        if self.text:
            parts.append(render_snippet(self.text, first.span))
        if first.hint:
            parts.append(f"  hint: {first.hint}")
        return "\n".join(parts)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.errors, self.text))


class ParseError(AttioQLError):
    """The text is not a well-formed filter, or it is past a size limit."""


class BindError(AttioQLError):
    """The filter is well formed but does not fit the schema or the operator rules."""


class DecompileError(AttioQLError):
    """Attio filter JSON that attioql cannot express; spans are empty, the JSON path is
    in the message."""


class SyntaxProblem(Exception):
    """Raised inside the parser's callbacks and turned into a :class:`ParseError`.

    Lark would otherwise wrap or swallow an ``AttioQLError`` raised mid-parse; this carries
    the diagnostic out unchanged.
    """

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic
