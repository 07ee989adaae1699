"""`attioql repl`: an interactive prompt built on :func:`attioql.analyze`.

Every keystroke is analyzed against the session's schema and target: the tokens colour the
input, the first diagnostic shows in the bottom toolbar and the completions pop up as you
type. Enter compiles the filter and prints the JSON, or the error with a caret under it.
Enter inside an open parenthesis or bracket starts a new line instead (Esc then Enter
submits anyway). Lines that start with `:` are commands; `:help` lists them.

:class:`Session` keeps the state and runs commands without any terminal, so it can be
tested and embedded; :func:`run` wraps it in a prompt_toolkit prompt.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import core
from .analysis import Analysis, analyze_in_context
from .binder import dsl_operators
from .cli.common import parse_now
from .completion import Subject, operator_phrases, resolve_subject
from .core import Context, make_context
from .errors import AttioQLError
from .schema import Schema

HELP = """\
Type a filter and press Enter to compile it. Tab completes; the bottom line shows the
first problem while you type. Enter inside an open ( or [ starts a new line.

Commands:
  :target NAME        filter another object or list (such as companies, lists/sales_pipeline)
  :schema PATH|NAME   load a workspace snapshot, or the bundled standard or demo schema
  :attrs [NAME]       list the target's attributes, or show one: type, operators, values
  :json               print the JSON of the last filter on one line
  :explain            describe the last filter in words
  :query              show the Attio request that runs the last filter
  :now ISO            set the time relative dates use (such as 2024-01-17T15:30:00Z)
  :tz NAME            set the time zone that cuts calendar days (such as Europe/London)
  :me MEMBER          set the member that `me` means (id, email or name)
  :help               show this help
  :quit               leave (Ctrl-D also works)
"""


def default_history_path() -> Path:
    """Return the history file: ``$XDG_DATA_HOME/attioql/history``, or the same path
    under ``~/.local/share``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "attioql" / "history"


class QuitRequest(Exception):
    """Raised by `:quit`."""


@dataclass
class Session:
    """The REPL's state: schema, target, clock options and the last filter."""

    schema: Schema
    target: str
    now: datetime | None = None
    timezone: str = "UTC"
    current_member: str | None = None
    last_text: str = ""
    _context: Context | None = field(default=None, repr=False)
    _cache: dict[tuple[str, int], Analysis] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, schema: str, target: str | None, now: datetime | None = None,
             timezone: str = "UTC", current_member: str | None = None) -> Session:
        """Load ``schema`` and pick ``target`` (default: the first object that has
        attributes); raise :class:`AttioQLError` for a bad option."""
        loaded = core.resolve_schema(schema)
        chosen = target or _first_target(loaded)
        session = cls(loaded, chosen, now, timezone, current_member)
        context = session.context()
        if current_member is not None:
            _resolve_member(context, current_member)
        return session

    def context(self) -> Context:
        if self._context is None:
            self._context = make_context(self.target, self.schema, self.now, self.timezone,
                                         self.current_member, None, None)
            self._cache.clear()
        return self._context

    def analyze(self, text: str, cursor: int | None = None) -> Analysis:
        """Analyze ``text`` in this session, keeping the last few results."""
        position = len(text) if cursor is None else cursor
        key = (text, position)
        found = self._cache.get(key)
        if found is None:
            found = analyze_in_context(self.context(), text, position)
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = found
        return found

    @property
    def prompt(self) -> str:
        return f"{self.context().target.slug}> "

    # Input -----------------------------------------------------------------------------

    def handle(self, line: str) -> str:
        """Run one submitted input and return what to print."""
        text = line.strip()
        if not text:
            return ""
        if text.startswith(":"):
            return self.command(text)
        self.last_text = line
        return self.compile(line)

    def compile(self, text: str) -> str:
        analysis = self.analyze(text)
        parts = [d.render(text) for d in analysis.diagnostics]
        if analysis.result is not None:
            parts.append(json.dumps(analysis.result, ensure_ascii=False, indent=2))
        return "\n".join(parts)

    def command(self, text: str) -> str:
        name, _, argument = text[1:].partition(" ")
        argument = argument.strip()
        handler = _COMMANDS.get(name.lower())
        if handler is None:
            return f"Unknown command `:{name}`; type :help for the list."
        try:
            return handler(self, argument)
        except AttioQLError as error:
            return f"error: {error.message}" + (f" (hint: {error.hint})" if error.hint else "")

    # Commands --------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        """Apply option changes, or keep the old ones when the new ones are invalid."""
        old = (self.schema, self.target, self.now, self.timezone, self.current_member)
        for key, value in changes.items():
            setattr(self, key, value)
        self._context = None
        try:
            self.context()
        except AttioQLError:
            self.schema, self.target, self.now, self.timezone, self.current_member = old
            self._context = None
            raise

    def cmd_target(self, argument: str) -> str:
        if not argument:
            names = ", ".join(t.qualified for t in self.schema.all_targets())
            return f"target: {self.context().target.qualified}; the schema has {names}"
        self._set(target=argument)
        return f"target: {self.context().target.qualified}"

    def cmd_schema(self, argument: str) -> str:
        if not argument:
            return f"schema: {self.schema.name or 'unnamed'}"
        loaded = core.resolve_schema(argument)
        if not any(t.attributes for t in loaded.all_targets()):
            return (f"error: The schema {argument!r} has no object or list with attributes, "
                    "so nothing could be filtered; the schema stays "
                    f"{self.schema.name or 'unnamed'}.")
        target = self.target if loaded.find_targets(self.target) else _first_target(loaded)
        self._set(schema=loaded, target=target)
        output = f"schema: {loaded.name}; target: {self.context().target.qualified}"
        if self.current_member is not None:
            try:
                _resolve_member(self.context(), self.current_member)
            except AttioQLError as error:
                output += (f"\nwarning: {error.message} `me` stays "
                           f"{self.current_member!r} until you set it with :me.")
        return output

    def cmd_attrs(self, argument: str) -> str:
        target = self.context().target
        if not argument:
            lines = [f"{a.slug:<32} {a.type}" for a in target.attributes.values()
                     if not a.is_archived]
            return "\n".join(lines) or f"The schema lists no attributes for {target.slug}."
        return self._describe_attribute(argument)

    def _describe_attribute(self, name: str) -> str:
        from . import ast

        context = self.context()
        segments = tuple(ast.Segment(part, False, (0, 0)) for part in name.split("."))
        subject = resolve_subject(context.binder(), segments)
        if subject is None:
            return f"`{context.target.slug}` has no attribute `{name}` that can be filtered."
        lines = [f"{name}: {subject.attribute.type} ({subject.attribute.title})"]
        rule = context.rules.get(subject.attribute.type)
        if rule is not None and rule.description:
            lines.append(f"  {rule.description}")
        phrases = operator_phrases(subject)
        if phrases:
            lines.append(f"  operators: {', '.join(phrases)}")
        if subject.property is None and subject.type_rule.named_properties:
            lines.append("  properties: " + ", ".join(subject.type_rule.named_properties))
            for property_name in subject.type_rule.named_properties:
                property_rule = subject.type_rule.properties[property_name]
                lines.append(f"    .{property_name}: "
                             f"{', '.join(dsl_operators(property_rule.operators))}")
        samples = self._samples(subject)
        if samples:
            lines.append(f"  values: {', '.join(samples)}")
        return "\n".join(lines)

    def _samples(self, subject: Subject) -> list[str]:
        probe = f"{_path_text(subject)} = "
        analysis = self.analyze(probe)
        return [c.insert_text.strip() for c in analysis.completions[:8]]

    def cmd_json(self, argument: str) -> str:
        analysis = self._last()
        if analysis.result is None:
            return self.compile(self.last_text)
        return json.dumps(analysis.result, ensure_ascii=False, separators=(",", ":"))

    def cmd_explain(self, argument: str) -> str:
        import attioql

        self._last()
        explain = getattr(attioql, "explain", None)
        if explain is None:
            return "This version of attioql has no explain()."
        sentence: str = explain(self.last_text, target=self.context().target.qualified,
                                schema=self.schema, now=self.now, timezone=self.timezone,
                                current_member=self.current_member)
        return sentence

    def cmd_query(self, argument: str) -> str:
        self._last()
        target = self.context().target.qualified
        text = f"{target} where {self.last_text}" if self.last_text.strip() else target
        request = core.compile_query(text, schema=self.schema, now=self.now,
                                     timezone=self.timezone,
                                     current_member=self.current_member)
        return json.dumps(request, ensure_ascii=False, indent=2)

    def cmd_now(self, argument: str) -> str:
        if not argument:
            return f"now: {self.now.isoformat() if self.now else 'the clock'}"
        try:
            moment = parse_now(argument)
        except ValueError as error:
            return f"error: {str(error).replace('--now', ':now')}"
        self._set(now=moment)
        assert moment is not None
        return f"now: {moment.isoformat()}"

    def cmd_tz(self, argument: str) -> str:
        if not argument:
            return f"time zone: {self.timezone}"
        self._set(timezone=argument)
        return f"time zone: {argument}"

    def cmd_me(self, argument: str) -> str:
        if not argument:
            if self.current_member is None:
                return "me: not set"
            try:
                description, _ = _resolve_member(self.context(), self.current_member)
            except AttioQLError as error:
                return f"me: {self.current_member!r}\nwarning: {error.message}"
            return f"me: {description}"
        description, warnings = _resolve_member(self.context(), argument)
        self._set(current_member=argument)
        return "\n".join([f"me: {description}"] + [f"warning: {w}" for w in warnings])

    def cmd_help(self, argument: str) -> str:
        return HELP.rstrip()

    def cmd_quit(self, argument: str) -> str:
        raise QuitRequest

    def _last(self) -> Analysis:
        if not self.last_text.strip():
            raise AttioQLError([_no_filter()])
        return self.analyze(self.last_text)


def _no_filter() -> Any:
    from .errors import Diagnostic

    return Diagnostic("syntax.unexpected_end", "There is no filter yet.", (0, 0),
                      "type a filter and press Enter first")


def _resolve_member(context: Context, text: str) -> tuple[str, list[str]]:
    """Resolve ``text`` as the compiler resolves `me`; return the member found, described,
    and the warnings that compiling `me` would give (a suspended member).

    Raises :class:`AttioQLError` when no member or several members match.
    """
    from .binder import BindProblem

    binder = context.binder()
    try:
        member_id = binder.resolve_member(text, (0, len(text)), allow_me=False)
    except BindProblem as problem:
        raise AttioQLError([problem.diagnostic]) from None
    members = context.schema.members or ()
    found = next((m for m in members if m.id == member_id), None)
    description = f"{found.full_name} ({found.email})" if found is not None else member_id
    return description, [warning.message for warning in binder.warnings]


def _path_text(subject: Subject) -> str:
    if subject.property is None:
        return subject.attribute.slug
    return f"{subject.attribute.slug}.{subject.property}"


def _first_target(schema: Schema) -> str:
    for target in schema.all_targets():
        if target.attributes:
            return target.qualified
    names = [target.qualified for target in schema.all_targets()]
    return names[0] if names else "companies"


_COMMANDS: dict[str, Callable[[Session, str], str]] = {
    "target": Session.cmd_target, "schema": Session.cmd_schema, "attrs": Session.cmd_attrs,
    "json": Session.cmd_json, "explain": Session.cmd_explain, "query": Session.cmd_query,
    "now": Session.cmd_now, "tz": Session.cmd_tz, "me": Session.cmd_me,
    "help": Session.cmd_help, "quit": Session.cmd_quit, "exit": Session.cmd_quit,
    "q": Session.cmd_quit,
}


# The prompt ------------------------------------------------------------------------------

STYLE = {
    "attioql.attribute": "#5fafff bold",
    "attioql.property": "#5fd7ff",
    "attioql.operator": "#d7af00",
    "attioql.keyword": "#af87ff bold",
    "attioql.string": "#87d75f",
    "attioql.number": "#ff8787",
    "attioql.date": "#ffaf5f",
    "attioql.relative-date": "#ffaf5f italic",
    "attioql.member": "#5fd7af",
    "attioql.option": "#5fd7af",
    "attioql.punctuation": "",
    "attioql.unknown": "#ff5f5f",
    "attioql.error": "underline #ff5f5f",
    "attioql.command": "#af87ff",
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    "bottom-toolbar.error": "bg:#303030 #ff8787",
    "bottom-toolbar.ok": "bg:#303030 #87d75f",
}


def build_prompt(session: Session, history_path: Path | None, **prompt_options: Any) -> Any:
    """Build the prompt_toolkit session: completer, lexer, toolbar, key bindings, history."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.completion import Completer, Completion
    from prompt_toolkit.document import Document
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.lexers import Lexer
    from prompt_toolkit.styles import Style

    class ReplacingCompletion(Completion):
        """A completion that also replaces ``delete_after`` characters after the cursor:
        the rest of the token under it, which prompt_toolkit's own completions keep."""

        def __init__(self, text: str, start_position: int, delete_after: int,
                     **options: Any) -> None:
            super().__init__(text, start_position, **options)
            self.delete_after = delete_after

    def _after_cursor(completion: Completion | None) -> int:
        return completion.delete_after if isinstance(completion, ReplacingCompletion) else 0

    class FilterCompleter(Completer):
        def get_completions(self, document: Document, complete_event: Any) -> Iterable[Completion]:
            text = document.text
            if text.lstrip().startswith(":"):
                return
            cursor = document.cursor_position
            for item in session.analyze(text, cursor).completions:
                start, end = item.replace
                yield ReplacingCompletion(item.insert_text, min(start - cursor, 0),
                                          max(end - cursor, 0), display=item.label,
                                          display_meta=item.detail)

    def go_to_completion(index: int | None) -> None:
        # prompt_toolkit's own version keeps the text after the cursor, so a previewed
        # item would run into the rest of the token it replaces.
        buffer = prompt.default_buffer
        state = buffer.complete_state
        assert state is not None
        state.go_to_index(index)
        text, position = state.new_text_and_position()
        removed = _after_cursor(state.current_completion)
        buffer.document = Document(text[:position] + text[position + removed:], position)
        buffer.complete_state = state

    def apply_completion(completion: Completion) -> None:
        buffer = prompt.default_buffer
        if buffer.complete_state:
            go_to_completion(None)
        buffer.complete_state = None
        buffer.delete_before_cursor(-completion.start_position)
        buffer.delete(_after_cursor(completion))
        buffer.insert_text(completion.text)

    class FilterLexer(Lexer):
        def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
            text = document.text
            lines = text.split("\n")
            if text.lstrip().startswith(":"):
                return lambda number: [("class:attioql.command", lines[number])]
            styles = _character_styles(session.analyze(text), len(text))
            starts = [0]
            for line in lines[:-1]:
                starts.append(starts[-1] + len(line) + 1)

            def line_fragments(number: int) -> StyleAndTextTuples:
                start = starts[number]
                return [(styles[start + i], char) for i, char in enumerate(lines[number])]

            return line_fragments

    def toolbar() -> StyleAndTextTuples:
        buffer = prompt.app.current_buffer
        text = buffer.text
        if not text.strip():
            return [("class:bottom-toolbar",
                     f" {session.context().target.qualified} · Tab completes · :help lists "
                     "commands ")]
        if text.lstrip().startswith(":"):
            return [("class:bottom-toolbar", " Enter runs the command ")]
        analysis = session.analyze(text, buffer.cursor_position)
        errors = analysis.errors
        if errors:
            first = errors[0]
            hint = f" (hint: {first.hint})" if first.hint else ""
            return [("class:bottom-toolbar.error",
                     f" {first.line}:{first.column} {first.message}{hint} ")]
        warnings = analysis.warnings
        note = f" · {warnings[0].message}" if warnings else ""
        return [("class:bottom-toolbar.ok", f" ok: Enter compiles{note} ")]

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        text = buffer.text
        if not text.lstrip().startswith(":") and not text.endswith("\n") and _open_brackets(
                session.analyze(text)) > 0:
            buffer.insert_text("\n")
            return
        buffer.validate_and_handle()

    @bindings.add("tab")
    def _tab(event: Any) -> None:
        # Computed here rather than from the menu, whose completions arrive asynchronously:
        # a Tab typed right after a word still completes it when only one item fits.
        buffer = event.current_buffer
        if buffer.complete_state is not None:
            buffer.complete_next()
            return
        text = buffer.text
        cursor = buffer.cursor_position
        items = [] if text.lstrip().startswith(":") else list(
            session.analyze(text, cursor).completions)
        if len(items) == 1:
            start, end = items[0].replace
            buffer.delete_before_cursor(cursor - start)
            buffer.delete(max(end - cursor, 0))
            buffer.insert_text(items[0].insert_text)
        elif items:
            buffer.start_completion(select_first=True)

    @bindings.add("escape", "enter")
    def _submit(event: Any) -> None:
        event.current_buffer.validate_and_handle()

    history = FileHistory(str(history_path)) if history_path is not None else InMemoryHistory()
    prompt: Any = PromptSession(
        message=lambda: session.prompt,
        completer=FilterCompleter(),
        complete_while_typing=True,
        lexer=FilterLexer(),
        bottom_toolbar=toolbar,
        history=history,
        key_bindings=bindings,
        multiline=True,
        prompt_continuation=lambda width, line, wrap: "." * (width - 1) + " ",
        style=Style.from_dict(STYLE),
        **prompt_options,
    )
    prompt.default_buffer.go_to_completion = go_to_completion
    prompt.default_buffer.apply_completion = apply_completion
    return prompt


def _character_styles(analysis: Analysis, length: int) -> list[str]:
    styles = [""] * length
    for token in analysis.tokens:
        for index in range(token.span[0], min(token.span[1], length)):
            styles[index] = f"class:attioql.{token.kind}"
    for diagnostic in analysis.errors:
        start, end = diagnostic.span
        for index in range(start, min(max(end, start + 1), length)):
            styles[index] = (styles[index] + " class:attioql.error").strip()
    return styles


def _open_brackets(analysis: Analysis) -> int:
    depth = 0
    for token in analysis.tokens:
        if token.kind == "punctuation":
            if token.text in "([":
                depth += 1
            elif token.text in ")]":
                depth -= 1
    return depth


def run(session: Session, history_path: Path | None, write: Callable[[str], None] = print,
        **prompt_options: Any) -> int:
    """Read, compile and print until `:quit` or end of input; return the exit status."""
    if history_path is not None:
        history_path.parent.mkdir(parents=True, exist_ok=True)
    prompt = build_prompt(session, history_path, **prompt_options)
    write(f"attioql repl · schema {session.schema.name or 'unnamed'} · target "
          f"{session.context().target.qualified} · :help lists commands")
    while True:
        try:
            line = prompt.prompt()
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        try:
            output = session.handle(line)
        except QuitRequest:
            return 0
        if output:
            write(output)
