"""The completion engine behind :func:`attioql.analyze`: a tolerant scan of the text that
names every token, and the items that can come next at the cursor.

The scan drives a second Lark parser built from the same grammar file as the compiler's,
through Lark's interactive interface: the contextual lexer reads each token in the state
the parser is in, so the tokens are exactly the compiler's. This parser has no tree
callbacks (the compiler's parser builds the syntax tree and checks limits while it reduces),
so it can be copied and asked which terminals it accepts at any point. When a token does
not fit, the scan skips it and goes on in the same state (after a stray `and`, `or` or
`not` it starts a fresh filter), so one typo does not hide the rest of the text.

Completions come from the terminals the parser accepts where the word under the cursor
starts, narrowed by the schema and the rules table: attribute names where a path starts,
properties after a dot, the operators :func:`~attioql.binder.dsl_operators` allows for the
attribute, and the values its type takes.
"""

from __future__ import annotations

import contextlib
import copy
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from lark import Lark
from lark import Token as LarkToken
from lark.exceptions import UnexpectedCharacters, UnexpectedToken
from lark.lexer import LexerState, LexerThread, LineCounter
from lark.parsers.lalr_interactive_parser import InteractiveParser
from lark.utils import TextSlice

from . import ast
from .binder import Binder, BindProblem, dsl_operators
from .dates import Clock, TimeProblem, TimeValue
from .errors import ParseError
from .parser import (
    DEFAULT_LIMITS,
    KEYWORDS,
    VALUE_TERMINALS,
    Limits,
    _grammar_text,
    decode_string,
    parse_filter,
)
from .rules import INTERACTION_TYPES, PropertyRule, TypeRule
from .schema import Attribute, Target, fold

TokenKind = Literal[
    "attribute", "property", "operator", "keyword", "string", "number", "date",
    "relative-date", "member", "option", "punctuation", "unknown",
]
CompletionKind = Literal[
    "attribute", "property", "operator", "keyword", "option", "member", "relative-date",
    "value", "punctuation",
]

MAX_SCAN_ERRORS = 50
"""After this many tokens that do not fit, the rest of the text is only split into words."""

MAX_COMPLETIONS = 100

_PUNCTUATION = frozenset({"LPAR", "RPAR", "LBRACKET", "RBRACKET", "_COMMA", "_DOT", "SLASH"})
_OPERATOR_WORDS = frozenset({
    "COMPARATOR", "IS", "IN", "BETWEEN", "CONTAINS", "CONTAIN", "STARTS", "START", "ENDS",
    "END", "WITH", "DOES", "EMPTY",
})
_PATH = frozenset({"NAME", "TITLE"})
_SYMBOLS = _PUNCTUATION | {"COMPARATOR", "PLUS", "MINUS"}
"""Tokens that end where the next one may start: a cursor right after one completes what
follows it, not the symbol itself."""
_INSERT_BEFORE = _PUNCTUATION | {"PLUS", "MINUS"}
"""Tokens that a cursor at their start completes in front of, rather than replaces."""
_QUERY_ONLY = frozenset({"WHERE", "ORDER", "_BY", "ASC", "DESC", "LIMIT", "OFFSET", "SLASH"})
_VALUE_LIKE = VALUE_TERMINALS | {"PLUS", "MINUS"}
_RESTART_AFTER = frozenset({"AND", "OR", "NOT"})

# The first terminal of each word that can start or continue an operator phrase.
_WORD_TERMINALS = {
    "=": "COMPARATOR", "!=": "COMPARATOR", ">": "COMPARATOR", ">=": "COMPARATOR",
    "<": "COMPARATOR", "<=": "COMPARATOR", "is": "IS", "not": "NOT", "empty": "EMPTY",
    "in": "IN", "between": "BETWEEN", "contains": "CONTAINS", "starts": "STARTS",
    "ends": "ENDS", "with": "WITH", "does": "DOES", "start": "START", "end": "END",
}
_NEGATED_PHRASES = frozenset({
    "!=", "not in", "not between", "does not contain", "does not start with",
    "does not end with", "is empty",
})
_OPERATOR_DETAILS = {
    "=": "equals", "!=": "does not equal", "in": "equals one of a list",
    "not in": "equals none of a list", ">": "greater than", ">=": "greater than or equal",
    "<": "less than", "<=": "less than or equal", "between": "from one value to another",
    "not between": "outside a range", "contains": "contains the text",
    "does not contain": "does not contain the text", "starts with": "starts with the text",
    "does not start with": "does not start with the text", "ends with": "ends with the text",
    "does not end with": "does not end with the text", "is empty": "has no value",
    "is not empty": "has a value",
}

_RELATIVE_WORDS = frozenset({
    "now", "today", "yesterday", "tomorrow", "this", "last", "next", "ago", "minute",
    "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "quarter",
    "quarters", "year", "years",
})
_PERIOD_UNITS = ("week", "month", "quarter", "year")
_BARE_WORD = re.compile(r"[^\W\d_][\w\-.@+']*")
_UNKNOWN_RUN = re.compile(r"[^\w\s()\[\],.\"'`]+")
_WORD_RUN = re.compile(r"[^ \t\r\n]+")


# Results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One token of the input: its kind for colouring, its span and its text."""

    kind: TokenKind
    span: ast.Span
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "span": list(self.span), "text": self.text}


@dataclass(frozen=True, slots=True)
class Completion:
    """One item that can be inserted at the cursor.

    Applying it replaces the text in ``replace`` (character offsets) with ``insert_text``.
    """

    label: str
    insert_text: str
    kind: CompletionKind
    detail: str
    replace: ast.Span

    def apply(self, text: str) -> str:
        """Return ``text`` with this completion applied."""
        start, end = self.replace
        return text[:start] + self.insert_text + text[end:]

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "insert_text": self.insert_text, "kind": self.kind,
                "detail": self.detail, "replace": list(self.replace)}


# The parser without callbacks ----------------------------------------------------------


def _discard(children: Any) -> None:
    return None


_scan_parser: Lark | None = None
_scan_conf: Any = None
_scan_parser_lock = threading.Lock()


def get_scan_parser() -> Lark:
    """Return the process-wide parser of the scan, building it on first use.

    It is a second Lark instance from the compiler's grammar file, without the compiler's
    tree callbacks: the scan needs parser states, not trees, and its reductions must run
    no limit checks. Its reductions build nothing at all (see :func:`_start`), so a
    5,000-deep input leaves no 5,000-deep tree behind.
    """
    global _scan_parser, _scan_conf
    if _scan_parser is None:
        with _scan_parser_lock:
            if _scan_parser is None:
                parser = Lark(_grammar_text(), parser="lalr", lexer="contextual",
                              start="filter", maybe_placeholders=False, cache=True)
                conf = copy.copy(parser.parse_interactive("", start="filter")
                                 .parser_state.parse_conf)
                conf.callbacks = {rule: _discard for rule in conf.callbacks}
                _scan_conf = conf
                _scan_parser = parser
    return _scan_parser


def _start(text: str) -> InteractiveParser:
    """Start an interactive parse of ``text`` whose reductions discard their children."""
    interactive = get_scan_parser().parse_interactive(text, start="filter")
    interactive.parser_state.parse_conf = _scan_conf
    return interactive


# The scan --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The attribute, property and rule that a predicate compares."""

    attribute: Attribute
    type_rule: TypeRule
    property: str | None
    owner: Target

    def value_rule(self) -> PropertyRule | None:
        """Return the rule of the property that a value is compared with, if one applies."""
        name = self.property if self.property is not None else self.type_rule.default_property
        if name is None:
            return None
        return self.type_rule.properties.get(name)


@dataclass
class _Frame:
    kind: Literal["paren", "group", "list"]
    group_path: tuple[ast.Segment, ...] = ()
    values: list[tuple[ast.Span, str]] = field(default_factory=list)
    """The values of a list so far, decoded. The anchor's walk shares its frames with the
    scan, so a list's frame ends up holding the values after the cursor too."""


@dataclass
class _Walk:
    """The scan's state at a position: the path being written, the subject of the
    predicate, the operator words typed since, and the open brackets."""

    path: list[ast.Segment] = field(default_factory=list)
    path_end: int = 0
    subject: Subject | None = None
    op_words: list[str] = field(default_factory=list)
    frames: list[_Frame] = field(default_factory=list)
    previous: str | None = None
    previous_text: str = ""
    between: bool = False
    earlier_text: str = ""
    """The text of the token before the previous one (`last` in `last 30`)."""

    def copy(self) -> _Walk:
        return _Walk(list(self.path), self.path_end, self.subject, list(self.op_words),
                     list(self.frames), self.previous, self.previous_text, self.between,
                     self.earlier_text)

    @property
    def group(self) -> _Frame | None:
        return self.frames[-1] if self.frames and self.frames[-1].kind == "group" else None

    @property
    def at_member_start(self) -> bool:
        """True where a member of a group starts: after its `(` or a joiner."""
        return self.group is not None and self.previous in ("LPAR", "AND", "OR")


@dataclass
class Anchor:
    """The place where completions apply: the token under or touching the cursor (if any)
    and the parser state just before it.

    ``replace`` covers that token, or the whole operator phrase when the token starts one
    (`is not empty`). It is empty, at the cursor, when no token is replaced.
    """

    start: int
    replace: ast.Span
    parser: InteractiveParser
    walk: _Walk
    phrase: bool = False
    """True when the replaced token starts an operator phrase."""
    ranked_by_typed: bool = True
    """False when the text before the cursor is a whole symbol rather than a prefix."""


@dataclass
class Scan:
    tokens: list[Token]
    anchor: Anchor
    complete: bool
    joints: list[ast.Span]
    blanks: list[ast.Span]
    walk: _Walk
    """The walk at the end of the text: the last condition, perhaps unfinished."""
    fallback: Anchor | None = None
    """An anchor on the comparison just before the cursor, to use when no item fits at
    :attr:`anchor`."""


class Scanner:
    """Scan one text against a schema; :meth:`run` returns the tokens and the anchor."""

    def __init__(self, text: str, cursor: int, binder: Binder) -> None:
        self.text = text
        self.cursor = cursor
        self.binder = binder
        self.walk = _Walk()
        self.tokens: list[Token] = []
        self.anchor: Anchor | None = None
        self.fallback: Anchor | None = None
        """The comparison that ends at the cursor, for when nothing fits after it."""
        self.errors = 0
        self.joints: list[ast.Span] = []
        """Spans of `and` and `or` that join conditions outside any group."""
        self.blanks: list[ast.Span] = []
        """Spans of `not` and of parentheses that only group conditions."""

    # Driving Lark ----------------------------------------------------------------------

    def run(self) -> Scan:
        interactive = _start(self.text)
        lexer = interactive.lexer_thread.lexer
        position = 0
        complete = False
        while True:
            fed: LarkToken | None = None
            saved = self.walk
            try:
                for token in interactive.iter_parse():
                    fed = token
                    self._before(token, interactive)
                    saved = self.walk.copy()
                    self.walk_token(token)
                    position = token.end_pos or position
                complete = self._accepts_end(interactive)
                break
            except UnexpectedCharacters as error:
                position = self._skip_characters(error.pos_in_stream or 0, interactive)
            except UnexpectedToken as error:
                token = error.token
                if token.type == "$END":  # pragma: no cover - iter_parse never feeds $END
                    break
                if fed is not token:
                    self._before(token, interactive)
                    self._add(token, _plain_kind(token.type))
                else:
                    # The walk already took the token in, but the parser rejected it: undo
                    # that and mark the token by its terminal alone.
                    self.walk = saved
                    last = self.tokens[-1]
                    self.tokens[-1] = Token(_plain_kind(token.type), last.span, last.text)
                position = token.end_pos or position + 1
                if token.type in _RESTART_AFTER:
                    span = (token.start_pos or 0, position)
                    (self.blanks if token.type == "NOT" else self.joints).append(span)
                    interactive = _start(self.text)
                    self.walk = _Walk()
            self.errors += 1
            if self.errors > MAX_SCAN_ERRORS:
                self._split_rest(position, interactive)
                break
            interactive.lexer_thread = _lexer_from(lexer, self.text, position)
        if self.anchor is None:
            self._set_anchor(self.cursor, (self.cursor, self.cursor), interactive)
        assert self.anchor is not None
        if self.anchor.phrase:
            self._extend_to_phrase(self.anchor)
        if self.fallback is not None:
            self._extend_to_phrase(self.fallback)
        return Scan(self.tokens, self.anchor, complete, self.joints, self.blanks,
                    self.walk, self.fallback)

    def _accepts_end(self, interactive: InteractiveParser) -> bool:
        trial = interactive.copy(deepcopy_values=False)  # type: ignore[no-untyped-call]
        try:
            trial.feed_eof()
        except UnexpectedToken:
            return False
        return True

    def _before(self, token: LarkToken, interactive: InteractiveParser) -> None:
        """Record the anchor when ``token`` is the first one under, touching or past the
        cursor.

        As in editors' word completion, a token that starts or ends at the cursor is
        replaced, so an item never glues onto it. A symbol that ends at the cursor is the
        exception (after `=` the value comes next), and so is a bracket, comma or dot that
        starts there: items go in front of it.
        """
        if self.anchor is not None:
            return
        start, end = token.start_pos or 0, token.end_pos or 0
        if start > self.cursor or (start == self.cursor and token.type in _INSERT_BEFORE):
            self._set_anchor(self.cursor, (self.cursor, self.cursor), interactive)
        elif end >= self.cursor and (token.type not in _SYMBOLS or end > self.cursor):
            walk = self.walk
            anchor = self._set_anchor(start, (start, end), interactive)
            anchor.phrase = ((token.type in _OPERATOR_WORDS or token.type == "NOT")
                             and (walk.previous in _PATH or walk.at_member_start))
        elif end == self.cursor and token.type == "COMPARATOR":
            # With a value already after `tier =| smb`, nothing fits after the `=`; the
            # comparison itself can still be swapped.
            snapshot = interactive.copy(deepcopy_values=False)  # type: ignore[no-untyped-call]
            self.fallback = Anchor(start, (start, end), snapshot, self.walk.copy(),
                                   phrase=True, ranked_by_typed=False)

    def _set_anchor(self, start: int, replace: ast.Span,
                    interactive: InteractiveParser) -> Anchor:
        snapshot = interactive.copy(deepcopy_values=False)  # type: ignore[no-untyped-call]
        self.anchor = Anchor(start, replace, snapshot, self.walk.copy())
        return self.anchor

    def _extend_to_phrase(self, anchor: Anchor) -> None:
        """Widen the replaced span over the rest of the operator phrase that starts there,
        so that picking `=` at `|is not empty` replaces all three words."""
        end = anchor.replace[1]
        index = next((i for i, t in enumerate(self.tokens) if t.span == anchor.replace), None)
        if index is None:
            return
        for token in self.tokens[index + 1:]:
            if token.kind != "operator" or token.text.lower() == "and":
                break
            end = token.span[1]
        anchor.replace = (anchor.replace[0], end)

    def _skip_characters(self, position: int, interactive: InteractiveParser) -> int:
        """Make a token of text that no terminal matches and return where to go on."""
        char = self.text[position]
        if char in "\"'`":
            end = _quoted_end(self.text, position)
            kind: TokenKind = "attribute" if char == "`" else "string"
        else:
            match = _UNKNOWN_RUN.match(self.text, position)
            end = match.end() if match else position + 1
            kind = "unknown"
        if self.anchor is None and end >= self.cursor:
            if position > self.cursor:
                self._set_anchor(self.cursor, (self.cursor, self.cursor), interactive)
            else:
                self._set_anchor(position, (position, end), interactive)
        self.tokens.append(Token(kind, (position, end), self.text[position:end]))
        return end

    def _split_rest(self, position: int, interactive: InteractiveParser) -> None:
        for match in _WORD_RUN.finditer(self.text, position):
            if self.anchor is None and match.end() >= self.cursor:
                self._set_anchor(self.cursor, (self.cursor, self.cursor), interactive)
            self.tokens.append(Token("unknown", match.span(), match.group(0)))

    def _add(self, token: LarkToken, kind: TokenKind) -> None:
        span = (token.start_pos or 0, token.end_pos or 0)
        self.tokens.append(Token(kind, span, str(token)))

    # Following the structure -----------------------------------------------------------

    def walk_token(self, token: LarkToken) -> None:
        """Update the walk for a token the parser is about to shift, and record its kind."""
        walk = self.walk
        kind_name = token.type
        text = str(token)
        span = (token.start_pos or 0, token.end_pos or 0)
        kind: TokenKind

        if kind_name in _PATH:
            segment = ast.Segment(text[1:-1] if kind_name == "TITLE" else text,
                                  kind_name == "TITLE", span)
            if walk.previous == "_DOT":
                kind = self._segment_kind(walk.path, segment)
                walk.path.append(segment)
            else:
                walk.path = [segment]
                kind = "property" if walk.at_member_start else "attribute"
            walk.path_end = span[1]
        elif kind_name == "_DOT" or kind_name in ("RBRACKET", "_COMMA", "SLASH"):
            kind = "punctuation"
            if kind_name == "RBRACKET" and walk.frames:
                walk.frames.pop()
        elif kind_name in _OPERATOR_WORDS or (kind_name == "NOT" and self._predicate_not()):
            if walk.previous in _PATH or walk.at_member_start:
                walk.subject = self._subject()
                walk.op_words = []
            walk.op_words.append(text.lower())
            walk.between = walk.between or kind_name == "BETWEEN"
            kind = "operator"
        elif kind_name == "LPAR":
            if walk.previous in _PATH:
                walk.frames.append(_Frame("group", self._group_path() + tuple(walk.path)))
            elif walk.previous == "IN":
                walk.frames.append(_Frame("list"))
            else:
                walk.frames.append(_Frame("paren"))
                self.blanks.append(span)
            kind = "punctuation"
        elif kind_name == "LBRACKET":
            walk.frames.append(_Frame("list"))
            kind = "punctuation"
        elif kind_name == "RPAR":
            if walk.frames and walk.frames.pop().kind == "paren":
                self.blanks.append(span)
            kind = "punctuation"
        elif kind_name == "AND" and walk.between:
            walk.between = False
            kind = "operator"
        elif kind_name in ("AND", "OR", "NOT"):
            if not any(frame.kind == "group" for frame in walk.frames):
                (self.blanks if kind_name == "NOT" else self.joints).append(span)
            kind = "keyword"
        elif kind_name in _VALUE_LIKE:
            kind = self._value_kind(token)
            if walk.frames and walk.frames[-1].kind == "list":
                value = decode_string(text) if kind_name == "STRING" else text
                walk.frames[-1].values.append((span, value))
        else:
            kind = _plain_kind(kind_name)
        walk.earlier_text = walk.previous_text
        walk.previous = kind_name
        walk.previous_text = text
        self._add(token, kind)

    def _predicate_not(self) -> bool:
        walk = self.walk
        return walk.previous in _PATH or walk.previous in ("IS", "DOES") or walk.at_member_start

    def _group_path(self) -> tuple[ast.Segment, ...]:
        group = self.walk.group
        return group.group_path if group is not None else ()

    def _subject(self) -> Subject | None:
        walk = self.walk
        group = walk.group
        if group is not None:
            member = walk.path if walk.previous in _PATH else []
            return resolve_member_subject(self.binder, group.group_path, member)
        return resolve_subject(self.binder, walk.path)

    def _segment_kind(self, path: list[ast.Segment], segment: ast.Segment) -> TokenKind:
        subject = resolve_subject(self.binder, path) if path else None
        if (subject is not None and subject.property is None and not segment.quoted
                and subject.type_rule.resolve_property(segment.name) is not None):
            return "property"
        return "attribute"

    def _value_kind(self, token: LarkToken) -> TokenKind:
        subject = self.walk.subject
        rule = subject.value_rule() if subject is not None else None
        value_kind = rule.value_kind if rule is not None else None
        name = token.type
        if subject is not None and subject.type_rule.default_for_dates_only and subject.property is None:
            value_kind = "timestamp"
        if value_kind == "member" and name in ("WORD", "STRING", "UUID"):
            return "member"
        if value_kind in ("option", "status") and name in ("WORD", "STRING", "UUID"):
            return "option"
        if value_kind in ("date", "timestamp"):
            if name in ("DATE", "DATETIME"):
                return "date"
            if name in ("DURATION", "PLUS", "MINUS") or (
                    name == "WORD" and str(token).lower() in _RELATIVE_WORDS):
                return "relative-date"
        return _plain_kind(name)


def _plain_kind(name: str) -> TokenKind:
    """Return a token's kind from its terminal alone, without the structure around it."""
    if name in _PATH:
        return "attribute"
    if name in _PUNCTUATION:
        return "punctuation"
    if name in _OPERATOR_WORDS:
        return "operator"
    if name in ("STRING", "WORD", "UUID"):
        return "string"
    if name == "NUMBER":
        return "number"
    if name in ("DATE", "DATETIME"):
        return "date"
    if name in ("DURATION", "PLUS", "MINUS"):
        return "relative-date"
    if name == "BAD_LITERAL":
        return "unknown"
    if name.lower() in KEYWORDS or name.lstrip("_").lower() in KEYWORDS:
        return "keyword"
    return "unknown"


def _quoted_end(text: str, start: int) -> int:
    """Return the end of the quoted text or title that starts at ``start``. That is after
    its closing quote, or at the end of the line when it has none."""
    quote = text[start]
    index = start + 1
    while index < len(text):
        char = text[index]
        if char in "\r\n":
            return index
        if char == "\\" and quote != "`":
            index += 2
            continue
        if char == quote:
            return index + 1
        index += 1
    return len(text)


def _is_closed(text: str, start: int) -> bool:
    """True when the quoted text that starts at ``start`` has its closing quote."""
    end = _quoted_end(text, start)
    if end - start < 2 or text[end - 1] != text[start]:
        return False
    backslashes = len(text[start + 1:end - 1]) - len(text[start + 1:end - 1].rstrip("\\"))
    return text[start] == "`" or backslashes % 2 == 0


def _lexer_from(lexer: Any, text: str, position: int) -> LexerThread:
    """Make a lexer thread that reads ``text`` from ``position`` on, with absolute spans."""
    counter = LineCounter("\n")  # type: ignore[no-untyped-call]
    counter.char_pos = position
    return LexerThread(lexer, LexerState(TextSlice(text, position, len(text)), counter))


# Resolving paths -------------------------------------------------------------------------


def resolve_subject(binder: Binder, segments: Iterable[ast.Segment]) -> Subject | None:
    """Resolve a path the way the binder does; ``None`` when the binder would reject it."""
    parts = tuple(segments)
    if not parts:
        return None
    try:
        resolved = binder.resolve_path(ast.Path(parts, (parts[0].span[0], parts[-1].span[1])))
    except BindProblem:
        return None
    return Subject(resolved.attribute, resolved.type_rule, resolved.property, resolved.owner)


def resolve_member_subject(binder: Binder, group_path: tuple[ast.Segment, ...],
                           member: list[ast.Segment]) -> Subject | None:
    """Resolve a member of a group: its path (if any) is one property of the group's attribute."""
    group = resolve_subject(binder, group_path)
    if group is None or group.property is not None:
        return None
    if not member:
        return group
    if len(member) > 1 or member[0].quoted:
        return None
    name = group.type_rule.resolve_property(member[0].name)
    if name is None:
        return None
    return Subject(group.attribute, group.type_rule, name, group.owner)


# Candidates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    label: str
    insert_text: str
    kind: CompletionKind
    detail: str
    keys: tuple[str, ...] = ()
    glue: bool = False
    """Punctuation that attaches to the previous token without a space."""
    identity: str = ""
    """For a value: what it resolves to (an option or member id, or the folded word), to
    leave out values already in the same list."""
    opens: bool = False
    """A word that goes in front of a condition (`not`, `(`): at the start of a token it
    is inserted before the token, never in its place."""


class Completer:
    """Build the completions for one anchor."""

    def __init__(self, text: str, cursor: int, anchor: Anchor, binder: Binder,
                 limits: Limits = DEFAULT_LIMITS) -> None:
        self.text = text
        self.limits = limits
        self.cursor = cursor
        self.anchor = anchor
        self.binder = binder
        self.walk = anchor.walk
        self.options = binder.options
        self.accepted = _accepted(anchor.parser)

    def completions(self) -> list[Completion]:
        typed = self.text[self.anchor.start:self.cursor] if self.anchor.ranked_by_typed else ""
        quote = typed[:1] if typed[:1] in ("\"", "'", "`") else ""
        candidates = list(self._candidates(quote))
        ranked = rank(candidates, typed[1:] if quote else typed)
        if not self.text[self.cursor:].strip():
            return [self._completion(candidate, self.anchor.replace)
                    for candidate in ranked[:MAX_COMPLETIONS]]
        return list(self._fitting(ranked))

    def _fitting(self, ranked: list[_Candidate]) -> Iterator[Completion]:
        """Yield the items that keep the text after the cursor parsing as before.

        Each item first replaces the token under the cursor. When the text then no longer
        parses, the item is tried in front of that token (`not` before a condition), and it
        is left out when neither fits. A text that already had a syntax error before the
        cursor is not checked, because the compiler stops at that error anyway.
        """
        trial = _Trial(self.text, self.anchor.start, self.limits)
        at_token_start = self.anchor.start == self.cursor < self.anchor.replace[1]
        in_front: ast.Span = (self.cursor, self.cursor)
        count = 0
        for candidate in ranked:
            if count == MAX_COMPLETIONS:
                return
            if not at_token_start:
                spans = [self.anchor.replace]
            elif candidate.opens:
                spans = [in_front]
            else:
                spans = [self.anchor.replace, in_front]
            for span in spans:
                completion = self._completion(candidate, span)
                if trial.fits(completion, _shape(candidate, completion), candidate.opens):
                    count += 1
                    yield completion
                    break

    def _completion(self, candidate: _Candidate, span: ast.Span) -> Completion:
        start, end = span
        insert = candidate.insert_text
        before = self.text[start - 1] if start > 0 else " "
        after = self.text[end:end + 1]
        if start == end:
            space_before = not before.isspace() and before not in "([." and not candidate.glue
        else:
            space_before = _joins(before, insert[0])
        if space_before:
            insert = " " + insert
        if after and _joins(insert[-1], after):
            insert = insert + " "
        return Completion(candidate.label, insert, candidate.kind, candidate.detail, span)

    def _candidates(self, quote: str) -> Iterator[_Candidate]:
        accepted = self.accepted
        walk = self.walk
        previous = walk.previous

        if accepted & _PATH and quote in ("", "`"):
            yield from self._path_items(quote == "`")
        if quote == "`":
            return
        after_path = previous in _PATH or walk.at_member_start
        inside_operator = bool(walk.op_words) and previous in _OPERATOR_WORDS | {"NOT"}
        if (after_path or inside_operator) and not quote:
            yield from self._operator_items()
        awaiting_unit = False
        amount = list(self._amount_items()) if not quote else []
        if amount:
            # A number on a date waits for its unit, and a length of time for `ago`:
            # `and` after `last 30` or `3 days` would only lead into an error.
            awaiting_unit = True
            yield from amount
        elif accepted & VALUE_TERMINALS and quote in ("", "\"", "'"):
            if previous not in _VALUE_LIKE:
                yield from self._value_items(quote)
            elif previous == "WORD" and walk.previous_text.lower() in ("this", "last", "next"):
                # On a date, `this` alone is no value, so only a unit can follow it.
                units = list(self._unit_items())
                awaiting_unit = bool(units)
                yield from units
        if quote:
            return
        if accepted & {"LPAR", "LBRACKET"} and walk.op_words[-1:] == ["in"] \
                and previous == "IN":
            if "LBRACKET" in accepted:
                yield _Candidate("[", "[", "punctuation", "a list of values")
            if "LPAR" in accepted:
                yield _Candidate("(", "(", "punctuation", "a list of values")
        if (previous not in _PATH and not walk.at_member_start
                and previous not in _OPERATOR_WORDS and not awaiting_unit):
            yield from self._joiner_items()

    # Paths

    def _path_items(self, titles: bool) -> Iterator[_Candidate]:
        walk = self.walk
        if walk.previous == "_DOT":
            yield from self._continuations(titles)
            return
        if walk.at_member_start:
            group = walk.group
            subject = resolve_subject(self.binder, group.group_path) if group else None
            if subject is not None and not titles:
                yield from _property_items(subject.type_rule)
            return
        if walk.previous in _PATH:
            return
        yield from self._attribute_items(self.options.target, titles)

    def _attribute_items(self, owner: Target, titles: bool) -> Iterator[_Candidate]:
        if owner.kind == "lists" and not titles:
            parents = ", ".join(owner.parent_objects) or "its parent object"
            yield _Candidate("parent_record", "parent_record", "attribute",
                             f"record-reference to {parents}", ("parent",))
        for attribute in owner.attributes.values():
            if attribute.is_archived or self.options.rules.get(attribute.type) is None:
                continue
            if titles:
                yield _Candidate(attribute.title, f"`{attribute.title}`", "attribute",
                                 attribute.type, (attribute.slug,))
            else:
                yield _Candidate(attribute.slug, attribute.slug, "attribute", attribute.type,
                                 (attribute.title,))

    def _continuations(self, titles: bool) -> Iterator[_Candidate]:
        walk = self.walk
        if walk.group is not None and len(walk.path) and walk.previous == "_DOT":
            return
        subject = resolve_subject(self.binder, walk.path)
        if subject is None or subject.property is not None:
            return
        if not titles:
            yield from _property_items(subject.type_rule)
        if subject.attribute.type != "record-reference":
            return
        allowed = subject.attribute.allowed_objects
        if allowed is None or len(allowed) != 1 or subject.attribute.unknown_object_ids:
            return
        linked = self.options.schema.objects.get(allowed[0])
        if linked is not None:
            yield from self._attribute_items(linked, titles)

    # Operators

    def _operator_items(self) -> Iterator[_Candidate]:
        walk = self.walk
        continuing = walk.op_words and not (walk.previous in _PATH or walk.at_member_start)
        subject = walk.subject if continuing else self._pending_subject()
        if subject is None:
            return
        phrases = operator_phrases(subject)
        if walk.group is not None:
            phrases = [p for p in phrases if p not in _NEGATED_PHRASES and p != "not in"
                       and not (p == "in" and not _has_in(subject))]
        typed = [] if walk.previous in _PATH or walk.at_member_start else walk.op_words
        seen: set[str] = set()
        for phrase in phrases:
            words = phrase.split()
            if words[:len(typed)] != typed or len(words) <= len(typed):
                continue
            rest = words[len(typed):]
            if _WORD_TERMINALS.get(rest[0]) not in self.accepted:
                continue
            label = " ".join(rest)
            if label in seen:
                continue
            seen.add(label)
            yield _Candidate(label, label, "operator", _OPERATOR_DETAILS.get(phrase, phrase))
        if not phrases and subject.property is None:
            # A location names no default property, so only a property can follow.
            for name in subject.type_rule.named_properties:
                yield _Candidate(f".{name}", f".{name}", "property",
                                 f"{subject.attribute.type} property", glue=True)

    def _pending_subject(self) -> Subject | None:
        walk = self.walk
        if walk.group is not None:
            member = walk.path if walk.previous in _PATH else []
            return resolve_member_subject(self.binder, walk.group.group_path, member)
        return resolve_subject(self.binder, walk.path)

    # Values

    def _value_items(self, quote: str) -> Iterator[_Candidate]:
        """Yield the values the subject takes, except those already in the same list."""
        listed = self._listed_values()
        for candidate in self._all_value_items(quote):
            if not (candidate.identity and candidate.identity in listed):
                yield candidate

    def _listed_values(self) -> set[str]:
        """Return the identities of the other values in the list around the cursor: each
        value folded, and the option or member id it resolves to."""
        walk = self.walk
        subject = walk.subject
        if subject is None or not walk.frames or walk.frames[-1].kind != "list":
            return set()
        start, end = self.anchor.replace
        found: set[str] = set()
        options = self.options.schema.options(subject.owner, subject.attribute) or ()
        for span, value in walk.frames[-1].values:
            if span[0] < end and span[1] > start:
                continue  # the value being replaced
            found.add(fold(value))
            found.update(option.id for option in options
                         if fold(option.title) == fold(value) or option.id.lower() == value.lower())
            with contextlib.suppress(BindProblem):
                found.add(self.binder.resolve_member(value, span, allow_me=True))
        return found

    def _all_value_items(self, quote: str) -> Iterator[_Candidate]:
        subject = self.walk.subject
        if subject is None or not takes_values(subject, self.walk.op_words):
            return
        rule = subject.value_rule()
        kind = rule.value_kind if rule is not None else None
        if subject.type_rule.default_for_dates_only and subject.property is None:
            kind = "timestamp"
        found = False
        if kind in ("option", "status"):
            options = self.options.schema.options(subject.owner, subject.attribute)
            for option in options or ():
                if not option.is_archived:
                    found = True
                    yield _Candidate(option.title, quote_value(option.title), "option",
                                     f"{kind} of {subject.attribute.slug}",
                                     identity=option.id)
            if options is None:
                found = False
        elif kind == "member":
            yield from self._member_items()
            found = self.options.schema.members is not None
        elif kind == "boolean":
            found = True
            for word in ("true", "false"):
                yield _Candidate(word, word, "keyword", "checkbox value", identity=word)
        elif kind in ("date", "timestamp"):
            # `=` with an instant is `$eq`; where the rules lack it (`active_from`), only a
            # period works, because it becomes `$gte` and `$lt`.
            equality = bool({"=", "!=", "<>", "is", "in"} & set(self.walk.op_words))
            instants = not (kind == "timestamp" and equality and rule is not None
                            and "$eq" not in rule.operators)
            if not quote:
                yield from self._relative_items(kind, instants)
        elif kind == "interaction_type":
            found = True
            for name in INTERACTION_TYPES:
                yield _Candidate(name, name, "value", "interaction type", identity=name)
        if quote and not found and not _is_closed(self.text, self.anchor.start):
            typed = self.text[self.anchor.start + 1:self.cursor]
            if "\\" not in typed and quote not in typed:
                closed = f"{quote}{typed}{quote}"
                yield _Candidate(closed, closed, "value", "close the quoted text",
                                 (typed,))

    def _member_items(self) -> Iterator[_Candidate]:
        schema = self.options.schema
        members = schema.members or ()
        if self.options.current_member is not None:
            try:
                identity = self.binder.resolve_member("me", (0, 0), allow_me=True)
            except BindProblem:
                identity = "me"
            yield _Candidate("me", "me", "member", f"the current member: "
                             f"{self.options.current_member}", identity=identity)
        full_names: dict[str, int] = {}
        for member in members:
            full_names[fold(member.full_name)] = full_names.get(fold(member.full_name), 0) + 1
        for member in members:
            if member.is_suspended:
                continue
            label = member.full_name or member.email
            unique = member.full_name and full_names[fold(member.full_name)] == 1
            insert = quote_value(member.full_name) if unique else quote_value(member.email)
            yield _Candidate(label, insert, "member", member.email,
                             (member.email, member.first_name, member.last_name),
                             identity=member.id)

    def _relative_items(self, kind: str, instants: bool) -> Iterator[_Candidate]:
        clock = self.options.clock
        on_dates = kind == "date"
        phrases: list[tuple[str, Any]] = []
        if kind == "timestamp" and instants:
            phrases.append(("now", lambda: clock.named("now")))
        for word in ("today", "yesterday", "tomorrow"):
            phrases.append((word, lambda word=word: clock.named(word)))
        for which, unit in (("this", "week"), ("last", "week"), ("next", "week"),
                            ("this", "month"), ("last", "month"), ("next", "month"),
                            ("this", "quarter"), ("last", "quarter"), ("this", "year"),
                            ("last", "year")):
            phrases.append((f"{which} {unit}",
                            lambda which=which, unit=unit: clock.calendar_period(which, unit)))
        for which, amount in (("last", 7), ("last", 30), ("next", 7), ("next", 30)):
            phrases.append((f"{which} {amount} days",
                            lambda which=which, amount=amount: clock.rolling(which, amount, "day")))
        base = "today" if on_dates else "now"
        for amount in (7, 30) if instants else ():
            phrases.append((f"-{amount}d",
                            lambda amount=amount: clock.offset(base, -amount, "day")))
        for label, resolve in phrases:
            yield _Candidate(label, label, "relative-date", _describe(clock, resolve, on_dates))

    def _date_kind(self) -> str | None:
        """Return `date` or `timestamp` when the subject's values are dates, else None."""
        subject = self.walk.subject
        if subject is None:
            return None
        if subject.type_rule.default_for_dates_only and subject.property is None:
            return "timestamp"
        rule = subject.value_rule()
        if rule is not None and rule.value_kind in ("date", "timestamp"):
            return rule.value_kind
        return None

    def _amount_items(self) -> Iterator[_Candidate]:
        """Yield what completes an amount of time in a date value: the unit after a number
        (`last 3` to `last 3 days` or `last 3d`), and `ago` after a length of time."""
        walk = self.walk
        kind = self._date_kind()
        if kind is None or not walk.op_words:
            return
        start, end = self.anchor.replace
        token = self.text[start:end]
        touching = start < self.cursor and end == self.cursor
        if touching and re.fullmatch(r"\d[\d_]*", token):
            yield from _unit_candidates(token, kind, short=True)
            return
        if walk.previous == "NUMBER" and self.text[start - 1:start].isspace():
            yield from _unit_candidates("", kind, short=False)
            return
        followed = walk.previous_text.lower() if touching else walk.earlier_text.lower()
        if followed in ("last", "next", "+", "-"):
            return
        if touching and _DURATION.fullmatch(token):
            yield _Candidate("ago", f"{token} ago", "relative-date", "that long before now",
                             (f"{token} ago",))
        elif walk.previous == "DURATION" and start == self.cursor == end:
            yield _Candidate("ago", "ago", "relative-date", "that long before now")

    def _unit_items(self) -> Iterator[_Candidate]:
        subject = self.walk.subject
        rule = subject.value_rule() if subject is not None else None
        dates = (rule is not None and rule.value_kind in ("date", "timestamp")) or (
            subject is not None and subject.type_rule.default_for_dates_only)
        if not dates:
            return
        which = self.walk.previous_text.lower()
        clock = self.options.clock
        for unit in _PERIOD_UNITS:
            yield _Candidate(unit, unit, "relative-date",
                             _describe(clock, lambda unit=unit: clock.calendar_period(which, unit),
                                       rule is not None and rule.value_kind == "date"))

    # Joiners and brackets

    def _joiner_items(self) -> Iterator[_Candidate]:
        accepted = self.accepted
        walk = self.walk
        in_list = bool(walk.frames) and walk.frames[-1].kind == "list"
        at_start = walk.previous in (None, "AND", "OR", "NOT", "LPAR") and not in_list \
            and not walk.between
        if "AND" in accepted and not at_start:
            detail = "the second bound of between" if walk.between else "both conditions hold"
            yield _Candidate("and", "and", "keyword", detail)
        if "OR" in accepted and not at_start and walk.group is None and not walk.between:
            yield _Candidate("or", "or", "keyword", "either condition holds")
        if at_start and "NOT" in accepted:
            yield _Candidate("not", "not", "keyword", "the next condition does not hold",
                             opens=True)
        if at_start and "LPAR" in accepted and walk.group is None:
            yield _Candidate("(", "(", "punctuation", "start a group of conditions",
                             opens=True)
        if "_COMMA" in accepted and in_list:
            yield _Candidate(",", ",", "punctuation", "another value", glue=True)
        if "RPAR" in accepted:
            detail = "close the parenthesis"
            if in_list:
                detail = "end the list"
            elif walk.group:
                detail = "end the group"
            yield _Candidate(")", ")", "punctuation", detail, glue=in_list)
        if "RBRACKET" in accepted:
            yield _Candidate("]", "]", "punctuation", "end the list", glue=True)


_DURATION = re.compile(r"\d[\d_]*\s*[A-Za-z]+")
_UNITS = (("minutes", "min"), ("hours", "h"), ("days", "d"), ("weeks", "w"),
          ("months", "mo"), ("quarters", ""), ("years", "y"))


def _unit_candidates(number: str, kind: str, short: bool) -> Iterator[_Candidate]:
    """Yield the units of time for an amount: after ``number`` when it is being typed
    (the items then replace it, so they carry it), else on their own after a space."""
    units = _UNITS if kind == "timestamp" else _UNITS[2:]
    one = number.lstrip("+-").replace("_", "") == "1"
    for word, _ in units:
        unit = word[:-1] if one else word
        insert = f"{number} {unit}" if number else unit
        yield _Candidate(unit, insert, "relative-date", f"{number or 'a number of'} {unit}",
                         (insert,))
    if not short:
        return
    for word, abbreviation in units:
        if abbreviation:
            yield _Candidate(abbreviation, f"{number}{abbreviation}", "relative-date",
                             f"{number} {word}", (f"{number}{abbreviation}",))


def _joins(left: str, right: str) -> bool:
    """True when two characters side by side would read as one token, so a space must go
    between them."""
    wordlike = "_\"'`"
    if (left.isalnum() or left in wordlike) and (right.isalnum() or right in wordlike):
        return True
    return left in "=<>!" and right in "=<>!"


_SLUG = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _shape(candidate: _Candidate, completion: Completion) -> tuple[Any, ...] | None:
    """Return what decides whether an attribute or property name parses in place, or
    ``None`` for any other item.

    The parser treats every slug that is not a keyword as the same NAME token, so two
    names parse alike when the same span is replaced and the same spaces surround them.
    """
    name = completion.insert_text.strip()
    if (candidate.kind not in ("attribute", "property") or not _SLUG.fullmatch(name)
            or name.lower() in KEYWORDS):
        return None
    insert = completion.insert_text
    return (completion.replace, insert.startswith(" "), insert.endswith(" "))


class _Trial:
    """Parse the text with an item applied, with the compiler's parser, to find where the
    first syntax error would start."""

    def __init__(self, text: str, start: int, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self.known: dict[tuple[Any, ...], bool] = {}
        # An unfinished text may stay unfinished, but a text that ends where the grammar
        # allows must still do so once an item is applied: `between` in place of `=` in
        # `created_at = 2024-01-01` leaves the text waiting for `and`.
        self.allow_unfinished = True
        first = self._first_error(text)
        self.allow_unfinished = self.unfinished
        # An error before the replaced text stops the compiler there whatever follows.
        self.threshold = None if first < start else first

    def fits(self, completion: Completion, shape: tuple[Any, ...] | None = None,
             opens: bool = False) -> bool:
        """True when applying ``completion`` moves no syntax error earlier. An unfinished
        end counts as an error only when the text was not already unfinished. It never
        counts for an item that ``opens`` a group, because the `)` of a `(` comes later.

        Items of one ``shape`` parse alike, so only the first of them is parsed.
        """
        if shape is not None and shape in self.known:
            return self.known[shape]
        if opens:
            allow, self.allow_unfinished = self.allow_unfinished, True
            try:
                return self._fits(completion)
            finally:
                self.allow_unfinished = allow
        result = self._fits(completion)
        if shape is not None:
            self.known[shape] = result
        return result

    def _fits(self, completion: Completion) -> bool:
        if self.threshold is None:
            return True
        start, end = completion.replace
        shift = len(completion.insert_text) - (end - start)
        threshold = self.threshold
        if threshold >= end:
            threshold += shift
        elif threshold > start:
            threshold = start
        return self._first_error(completion.apply(self.text)) >= threshold

    def _first_error(self, text: str) -> float:
        self.unfinished = False
        try:
            parse_filter(text, self.limits)
        except ParseError as error:
            first = error.errors[0]
            if first.code != "syntax.unexpected_end":
                return first.span[0]
            self.unfinished = True
            if not self.allow_unfinished:
                return first.span[0]
        return float("inf")


def _accepted(parser: InteractiveParser) -> set[str]:
    """The terminals the parser can shift next.

    The parse table's row lists LALR lookaheads, some of which only lead to an error after
    a few reductions; each one is tried on a copy of the state stack alone (Lark's
    ``accepts()`` does the same on copies of the whole parser, which costs more).
    """
    state = parser.parser_state
    table = state.parse_conf.parse_table
    accepted: set[str] = set()
    for terminal in table.states[state.position]:
        if terminal.isupper() and _shifts(table, state.state_stack, terminal):
            accepted.add(terminal)
    return accepted - _QUERY_ONLY


def _shifts(table: Any, state_stack: list[int], terminal: str) -> bool:
    stack = list(state_stack)
    while True:
        action = table.states[stack[-1]].get(terminal)
        if action is None:
            return False
        kind, argument = action
        if kind.name == "Shift":
            return True
        size = len(argument.expansion)
        if size:
            del stack[-size:]
        goto = table.states[stack[-1]].get(argument.origin.name)
        if goto is None:  # pragma: no cover - the table always has the goto of a reduction
            return False
        stack.append(goto[1])


_TEXT_OPERATORS = {"contains": "$contains", "contain": "$contains", "starts": "$starts_with",
                   "start": "$starts_with", "ends": "$ends_with", "end": "$ends_with"}
_COMPARISONS = {"=": "$eq", "!=": "$eq", "<>": "$eq", "is": "$eq", ">": "$gt", ">=": "$gte",
                "<": "$lt", "<=": "$lte"}


def takes_values(subject: Subject, op_words: list[str]) -> bool:
    """Return whether the rules allow the operator typed so far for ``subject``.

    Only then can a value after it compile, so values are offered only after an allowed
    operator."""
    rule = subject.value_rule()
    if subject.type_rule.default_for_dates_only and subject.property is None:
        rule = subject.type_rule.properties.get(subject.type_rule.default_property or "")
    if rule is None:
        return False
    operators = set(rule.operators)
    for word in op_words:
        if word in _TEXT_OPERATORS:
            return _TEXT_OPERATORS[word] in operators
    if rule.value_kind in ("date", "timestamp"):
        # A period turns each comparison into `$gte` and `$lt` bounds, so any comparison the
        # rules allow can take a relative date.
        return bool(operators & {"$eq", "$gt", "$gte", "$lt", "$lte"})
    if "between" in op_words:
        return {"$gte", "$lte"} <= operators
    if "in" in op_words:
        return bool(operators & {"$eq", "$in"})
    for word in op_words:
        if word in _COMPARISONS:
            return _COMPARISONS[word] in operators
    return True


def _has_in(subject: Subject) -> bool:
    rule = subject.value_rule()
    return rule is not None and "$in" in rule.operators


def _property_items(type_rule: TypeRule) -> Iterator[_Candidate]:
    for name in type_rule.named_properties:
        yield _Candidate(name, name, "property", f"{type_rule.type} property")
    for alias, name in sorted(type_rule.aliases.items()):
        if alias not in type_rule.properties:
            # Matched by its own letters only: `int` finds `interacted_at`, never `at`.
            yield _Candidate(alias, alias, "property", f"alias of {name}")


def operator_phrases(subject: Subject) -> list[str]:
    """List the operators a condition on ``subject`` may use, from the rules table, in the
    order :func:`~attioql.binder.dsl_operators` gives them.

    Without a property, the comparisons use the type's default property and `is [not]
    empty` uses its empty property (or the default one), as the binder chooses them.
    """
    type_rule = subject.type_rule
    if subject.property is not None:
        rule = type_rule.properties.get(subject.property)
        return dsl_operators(rule.operators) if rule is not None else []
    emptiness = ("is empty", "is not empty")
    phrases: list[str] = []
    default = (type_rule.properties.get(type_rule.default_property)
               if type_rule.default_property is not None else None)
    if default is not None:
        phrases = [p for p in dsl_operators(default.operators) if p not in emptiness]
    empty_name = (type_rule.empty_property if type_rule.empty_property is not None
                  else type_rule.default_property)
    empty = type_rule.properties.get(empty_name) if empty_name is not None else None
    if empty is not None and "$not_empty" in empty.operators:
        phrases += emptiness
    return phrases


def quote_value(text: str) -> str:
    """Write ``text`` as a value: bare when it is one word, else in double quotes."""
    if _BARE_WORD.fullmatch(text) and text.lower() not in KEYWORDS:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = escaped.replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def _describe(clock: Clock, resolve: Any, on_dates: bool) -> str:
    try:
        value: TimeValue | None = resolve()
    except TimeProblem:
        return "relative date"
    if value is None:  # pragma: no cover - every phrase above names a value
        return "relative date"
    return clock.describe(value, on_dates)


# Ranking ---------------------------------------------------------------------------------


_FUZZY = 3


def rank(candidates: list[_Candidate], typed: str) -> list[_Candidate]:
    """Keep the candidates that match ``typed`` and order them: an exact match, a prefix of
    the label or another key, a prefix of a word inside it, then a fuzzy match (the typed
    letters in order). Ties keep their order; duplicate labels are dropped.

    A typed word that is already a keyword or the exact label of an item is finished, so
    no fuzzy match is kept: it would replace `not` with `foundation_date`.
    """
    wanted = fold(typed)
    tiers: list[tuple[int, int, _Candidate]] = []
    seen: set[tuple[str, str]] = set()
    for index, candidate in enumerate(candidates):
        key = (candidate.label, candidate.kind)
        if key in seen:
            continue
        seen.add(key)
        tier = _tier(wanted, (candidate.label, *candidate.keys))
        if tier is not None:
            tiers.append((tier, index, candidate))
    finished = wanted in KEYWORDS or any(
        fold(candidate.label) == wanted for _, _, candidate in tiers)
    if finished:
        tiers = [item for item in tiers if item[0] < _FUZZY]
    tiers.sort(key=lambda item: (item[0], item[1]))
    return [candidate for _, _, candidate in tiers]


def _tier(wanted: str, keys: tuple[str, ...]) -> int | None:
    if not wanted:
        return 0
    best: int | None = None
    for key in keys:
        folded = fold(key)
        if folded == wanted:
            tier = 0
        elif folded.startswith(wanted):
            tier = 1
        elif any(word.startswith(wanted) for word in re.split(r"[\s_\-.@]+", folded)):
            tier = 2
        elif _subsequence(wanted, folded):
            tier = _FUZZY
        else:
            continue
        best = tier if best is None else min(best, tier)
    return best


def _subsequence(wanted: str, text: str) -> bool:
    position = 0
    for char in wanted:
        position = text.find(char, position) + 1
        if position == 0:
            return False
    return True


