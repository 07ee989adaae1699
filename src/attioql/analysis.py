"""Analyze filter text as a search bar receives it: half typed, one keystroke at a time.

:func:`analyze` returns the tokens (to colour the text), every diagnostic (to underline
it), the completions at the cursor and, when the text is a complete and valid filter, the
compiled JSON. It raises for no text: only a bad option (an unknown target or schema, an
invalid time zone) raises :class:`~attioql.errors.AttioQLError`, as ``compile_filter``
does.

The diagnostics are the compiler's own: the text is parsed by the compiler's parser and
bound by its binder, so the bar and ``compile_filter`` never disagree about the first
error. Parsing stops at the first syntax error, so the conditions around it are then
checked one by one: each condition between `and` and `or` is parsed and bound alone,
which reports an unknown attribute or a later syntax error even while the text is
unfinished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import ast
from .binder import BindProblem
from .compiler import compile_bound
from .completion import Completer, Completion, Scan, Scanner, Token
from .core import Context, SchemaSource, make_context
from .errors import Diagnostic, ParseError
from .parser import Limits, parse_filter
from .rules import Rules

__all__ = ["Analysis", "Completion", "Token", "analyze", "analyze_in_context"]

MAX_RECOVERED_CONDITIONS = 64
"""After a syntax error, at most this many conditions are checked one by one."""


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyze` for one text; :meth:`to_dict` converts it to JSON data."""

    text: str
    cursor: int
    tokens: tuple[Token, ...]
    diagnostics: tuple[Diagnostic, ...]
    completions: tuple[Completion, ...]
    result: dict[str, Any] | None
    """The compiled filter, or ``None`` while the text has an error."""
    complete: bool
    """True when the text is a whole filter in the grammar (it may still have errors
    that binding finds)."""

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "cursor": self.cursor,
            "complete": self.complete,
            "result": self.result,
            "tokens": [token.to_dict() for token in self.tokens],
            "diagnostics": [diagnostic.to_dict() for diagnostic in self.diagnostics],
            "completions": [completion.to_dict() for completion in self.completions],
        }


def analyze(
    text: str,
    cursor: int | None = None,
    *,
    target: str,
    schema: SchemaSource = None,
    now: datetime | None = None,
    timezone: str = "UTC",
    current_member: str | None = None,
    rules: Rules | None = None,
    limits: Limits | None = None,
    week_start: int = 0,
) -> Analysis:
    """Analyze ``text`` with the cursor at ``cursor`` (a character offset; default: the end).

    The keyword options are those of :func:`attioql.compile_filter`. A search bar that
    analyzes every keystroke should load the schema once (:func:`attioql.load_schema`) and
    pass the loaded object, or build a context once and call :func:`analyze_in_context`.
    """
    context = make_context(target, schema, now, timezone, current_member, rules, limits,
                           week_start)
    return analyze_in_context(context, text, cursor)


def analyze_in_context(context: Context, text: str, cursor: int | None = None) -> Analysis:
    """Analyze ``text`` against a prepared context (see :func:`attioql.core.make_context`)."""
    if not isinstance(text, str):
        raise TypeError(f"expected the filter as str, got {type(text).__name__}")
    position = len(text) if cursor is None else max(0, min(int(cursor), len(text)))
    scan = Scanner(text, position, context.binder()).run()
    diagnostics, result = _diagnose(text, context, scan)
    completions = Completer(text, position, scan.anchor, context.binder(),
                            context.limits).completions()
    if not completions and scan.fallback is not None and text[position:].strip():
        completions = Completer(text, position, scan.fallback, context.binder(),
                                context.limits).completions()
    return Analysis(text, position, tuple(scan.tokens), tuple(diagnostics),
                    tuple(completions), result, scan.complete)


# Diagnostics -----------------------------------------------------------------------------


def _diagnose(text: str, context: Context,
              scan: Scan) -> tuple[list[Diagnostic], dict[str, Any] | None]:
    """Compile as ``compile_filter`` does; after a syntax error, check each condition alone."""
    try:
        node = parse_filter(text, context.limits)
    except ParseError as error:
        found = list(error.errors)
        first = found[0]
        if first.category != "limit" and len(text) <= context.limits.max_length:
            found += _recover(text, context, scan, first)
        return _ordered(found, text), None

    binder = context.binder()
    bound = binder.bind(node)
    found = binder.errors + binder.warnings
    result = None if binder.errors else compile_bound(bound)
    return _ordered(found, text), result


def _recover(text: str, context: Context, scan: Scan, first: Diagnostic) -> list[Diagnostic]:
    """Parse and bind each condition between the joining `and`s and `or`s on its own.

    Parentheses that only group conditions and `not` are blanked out, so a piece such as
    `(tier = smb` still parses; spaces keep every span where it was in the text. A piece
    that is not a whole condition reports its syntax error only when it lies past the
    first one.
    """
    found: list[Diagnostic] = []
    for start, end in _pieces(text, scan.joints)[:MAX_RECOVERED_CONDITIONS]:
        piece = _blank(text, start, end, scan.blanks)
        if not piece.strip():
            continue
        try:
            node = parse_filter(piece, context.limits)
        except ParseError as error:
            later = [d for d in error.errors if d.span[0] > first.span[1]]
            found += later
            if end == len(text) and error.errors[0].code == "syntax.unexpected_end":
                found += _unfinished_path_errors(text, context, scan, start)
            continue
        binder = context.binder()
        binder.bind(node)
        found += binder.errors + binder.warnings
    return found


def _unfinished_path_errors(text: str, context: Context, scan: Scan,
                            piece_start: int) -> list[Diagnostic]:
    """Bind the path of the unfinished condition at the end of the text on its own.

    The path counts once something follows it (`nme `, `nme =`), so an unknown attribute
    is reported while the rest of the condition is still missing; a path still being
    typed (`nme`, `company.`) is left alone. Only name errors are reported: an operator
    error needs the operator, which may not be typed yet. A member of a group is skipped,
    because its path names a property of the group's attribute.
    """
    walk = scan.walk
    path = walk.path
    if (not path or path[0].span[0] < piece_start or walk.previous == "_DOT"
            or walk.path_end >= len(text) or any(f.kind == "group" for f in walk.frames)):
        return []
    binder = context.binder()
    try:
        binder.resolve_path(ast.Path(tuple(path), (path[0].span[0], walk.path_end)))
    except BindProblem as problem:
        if problem.diagnostic.category in ("unknown", "ambiguous"):
            return [problem.diagnostic]
    return []


def _pieces(text: str, joints: list[ast.Span]) -> list[ast.Span]:
    pieces: list[ast.Span] = []
    start = 0
    for joint_start, joint_end in sorted(joints):
        pieces.append((start, joint_start))
        start = joint_end
    pieces.append((start, len(text)))
    return pieces


def _blank(text: str, start: int, end: int, blanks: list[ast.Span]) -> str:
    """Return the text of one piece, with spaces before it and over each blanked span."""
    chars = list(text[start:end])
    for blank_start, blank_end in blanks:
        for index in range(max(blank_start, start), min(blank_end, end)):
            chars[index - start] = " "
    return " " * start + "".join(chars)


def _ordered(diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
    unique: dict[tuple[str, ast.Span, str], Diagnostic] = {}
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.span, diagnostic.message)
        unique.setdefault(key, diagnostic.located(text))
    return sorted(unique.values(), key=lambda d: (d.span, d.severity))
