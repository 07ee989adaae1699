"""The library's entry points: compile a filter or a query, or check one for problems."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import ast
from .binder import Binder, BindProblem, Options, article
from .compiler import compile_bound
from .dates import Clock, ResolvedDate, TimeProblem, get_zone
from .errors import AttioQLError, BindError, Diagnostic, ParseError
from .parser import DEFAULT_LIMITS, Limits, parse_filter, parse_query
from .rules import DEFAULT_RULES, VALUE, Rules
from .schema import BUNDLED_SCHEMAS, Schema, Target, load_schema

SchemaSource = str | Path | Schema | Mapping[str, Any] | None


@dataclass
class Context:
    """Everything a compile needs besides the text, resolved once."""

    schema: Schema
    target: Target
    clock: Clock
    rules: Rules
    current_member: str | None
    limits: Limits

    def binder(self) -> Binder:
        return Binder(Options(self.schema, self.target, self.clock, self.rules,
                              self.current_member))


def _option_error(code: str, message: str, hint: str | None = None) -> AttioQLError:
    return AttioQLError([Diagnostic(code, message, (0, 0), hint)])  # type: ignore[arg-type]


def resolve_schema(schema: SchemaSource) -> Schema:
    """Load ``schema``; a missing or malformed snapshot raises :class:`SchemaLoadError`,
    an :class:`AttioQLError` with the code ``value.invalid_schema``."""
    return load_schema(schema)


def resolve_target(schema: Schema, name: str, span: ast.Span = (0, 0), text: str = "") -> Target:
    """Find the object or list named ``name``; ``objects/x`` and ``lists/x`` pick one kind."""
    matches = schema.find_targets(name)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        kinds = " and ".join(f"`{target.qualified}`" for target in matches)
        raise AttioQLError([Diagnostic(
            "ambiguous.target", f"`{name}` is both {kinds}.", span,
            f"write `objects/{name}` or `lists/{name}`")], text)
    names = sorted(target.slug for target in schema.all_targets())
    from .binder import _close_names, _or_list  # shared suggestion wording

    close = _close_names(name.partition("/")[2] or name, names)
    hint = (f"did you mean {_or_list(close)}?" if close
            else f"the schema has {', '.join(names)}" if names else None)
    raise AttioQLError([Diagnostic("unknown.target",
                                   f"The schema has no object or list `{name}`.", span, hint)],
                       text)


def make_context(
    target: str | None, schema: SchemaSource, now: datetime | None, timezone: str,
    current_member: str | None, rules: Rules | None, limits: Limits | None, week_start: int = 0,
) -> Context:
    loaded = resolve_schema(schema)
    try:
        zone = get_zone(timezone)
        clock = Clock(now, zone, week_start)
    except TimeProblem as problem:
        raise _option_error(problem.code, problem.message, problem.hint) from None
    resolved_target = resolve_target(loaded, target) if target is not None else Target("objects", "", "")
    return Context(loaded, resolved_target, clock, rules or DEFAULT_RULES, current_member,
                   limits or DEFAULT_LIMITS)


def _bind(text: str, node: ast.Filter | None, context: Context) -> tuple[dict[str, Any], list[Diagnostic]]:
    binder = context.binder()
    bound = binder.bind(node)
    if binder.errors:
        raise BindError(binder.errors, text)
    warnings = [warning.located(text) for warning in binder.warnings]
    return compile_bound(bound), warnings


def compile_filter(
    text: str,
    *,
    target: str,
    schema: SchemaSource = None,
    now: datetime | None = None,
    timezone: str = "UTC",
    current_member: str | None = None,
    rules: Rules | None = None,
    limits: Limits | None = None,
    week_start: int = 0,
    scope: Mapping[str, Any] | None = None,
    max_length: int | None = None,
    max_depth: int | None = None,
    max_list_size: int | None = None,
    max_conditions: int | None = None,
    cache: bool = True,
) -> dict[str, Any]:
    """Compile attioql filter text to the ``filter`` JSON of Attio's query endpoints.

    ``target`` is an object or list slug (``"objects/x"`` or ``"lists/x"`` when both
    exist). ``schema`` is ``None``/``"standard"``, ``"demo"``, a snapshot path, a mapping or
    a loaded :class:`~attioql.schema.Schema`. Relative dates use ``now`` (an aware datetime;
    default: the current time) and calendar days in ``timezone``. ``me`` is
    ``current_member`` (an id, email or name). ``week_start`` is 0 for Monday to 6 for
    Sunday. Raises :class:`AttioQLError` for any text it rejects.

    ``scope`` is an Attio filter that every result must satisfy, such as the records one
    user may see. The result is then ``{"$and": [scope, filter]}``, or a copy of ``scope``
    alone for an empty filter, so no text can widen it. ``max_length``, ``max_depth``,
    ``max_list_size`` and ``max_conditions`` override the fields of ``limits``.

    Results and errors are kept in a process-wide LRU cache keyed by every argument that
    affects them. Each call returns a fresh copy or raises a fresh exception. A call with
    ``now=None``, a snapshot path or a snapshot mapping caches only the parse of the text.
    ``cache=False`` bypasses the cache.
    """
    checked_scope = _check_scope(scope) if scope is not None else None
    limits = resolve_limits(limits, max_length, max_depth, max_list_size, max_conditions)
    key = (_result_key(text, target, schema, now, timezone, current_member, rules, limits,
                       week_start) if cache else None)
    cached = _results.get(key) if key is not None else None
    result: dict[str, Any]
    if isinstance(cached, _CachedError):
        raise cached.kind(cached.errors, text)
    if cached is not None:
        result = _copy_json(cached)
    else:
        context = make_context(target, schema, now, timezone, current_member, rules, limits,
                               week_start)
        try:
            node = (_parse_cached(text, context.limits) if cache
                    else parse_filter(text, context.limits))
            result, _warnings = _bind(text, node, context)
        except AttioQLError as error:
            if key is not None:
                _results.put(key, _CachedError(type(error), list(error.errors)))
            raise
        if key is not None:
            _results.put(key, _copy_json(result))
    if checked_scope is None:
        return result
    scope_copy: dict[str, Any] = _copy_json(checked_scope)
    if not result:
        return scope_copy
    return {"$and": [scope_copy, result]}


# Scope, limits and the caches ----------------------------------------------------------


def _check_scope(scope: Any) -> dict[str, Any]:
    """Check that ``scope`` is a JSON object (str keys; dict, list, str, number, bool or
    None values) and return it; raise ``TypeError`` otherwise."""
    if not isinstance(scope, Mapping):
        raise TypeError(f"scope must be an Attio filter as a dict, not {type(scope).__name__}")
    pending: list[Any] = [scope]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"scope keys must be str, not {type(key).__name__}: {key!r}")
                pending.append(value)
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
        elif not isinstance(item, (str, int, float, bool)) and item is not None:
            raise TypeError(f"scope values must be JSON data, not {type(item).__name__}")
    return dict(scope)


def _copy_json(value: Any) -> Any:
    """Copy JSON data: dicts and lists are new, strings and numbers are shared."""
    if isinstance(value, Mapping):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_copy_json(item) for item in value]
    return value


def resolve_limits(
    limits: Limits | None, max_length: int | None, max_depth: int | None,
    max_list_size: int | None, max_conditions: int | None,
) -> Limits:
    """Apply the keyword limits over ``limits``; raise ``ValueError`` for a negative limit
    or a depth above :data:`MAX_SUPPORTED_DEPTH`."""
    base = limits or DEFAULT_LIMITS
    overrides = {name: value for name, value in (
        ("max_length", max_length), ("max_depth", max_depth),
        ("max_list_size", max_list_size), ("max_conditions", max_conditions),
    ) if value is not None}
    resolved = dataclasses.replace(base, **overrides) if overrides else base
    if resolved is DEFAULT_LIMITS:
        return resolved
    for field in dataclasses.fields(resolved):
        value = getattr(resolved, field.name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{field.name} must be a whole number of 0 or more, not {value!r}")
    if resolved.max_depth > MAX_SUPPORTED_DEPTH:
        raise ValueError(f"max_depth must be at most {MAX_SUPPORTED_DEPTH}, not "
                         f"{resolved.max_depth}")
    return resolved


MAX_SUPPORTED_DEPTH = 200
"""The highest ``max_depth`` a caller may set. Binding and compiling recurse about three
Python frames per level, so this keeps a compile well inside CPython's default recursion
limit of 1,000 frames."""


class _Identity:
    """A cache-key part that compares by identity and keeps its object alive, so that a
    recycled ``id()`` can never match a stale entry."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.value is self.value


class _LRU:
    """A thread-safe least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


@dataclass(frozen=True)
class _CachedError:
    """A rejected text in the result cache: the exception class and its diagnostics."""

    kind: type[AttioQLError]
    errors: list[Diagnostic]


_results = _LRU(1024)
_parses = _LRU(1024)
_NO_FILTER = object()


def clear_caches() -> None:
    """Empty the compile and parse caches, for example after editing a schema in place."""
    _results.clear()
    _parses.clear()


def _result_key(
    text: str, target: str, schema: SchemaSource, now: datetime | None, timezone: str,
    current_member: str | None, rules: Rules | None, limits: Limits, week_start: int,
) -> Hashable | None:
    """The cache key of a compile, or ``None`` when its result may change between calls:
    with ``now=None`` relative dates move, and a snapshot file or mapping can be edited."""
    if now is None or not isinstance(text, str):
        return None
    if schema is None or (isinstance(schema, str) and schema in BUNDLED_SCHEMAS):
        schema_key: Hashable = schema or "standard"
    elif isinstance(schema, Schema):
        schema_key = _Identity(schema)
    else:
        return None
    rules_key = None if rules is None else _Identity(rules)
    return (text, target, schema_key, now, now.tzinfo, timezone, current_member, rules_key,
            limits, week_start)


def _parse_cached(text: str, limits: Limits) -> ast.Filter | None:
    """Parse through the parse cache; syntax trees are immutable, so threads share them."""
    if not isinstance(text, str):
        return parse_filter(text, limits)
    key = (text, limits)
    node = _parses.get(key)
    if node is None:
        node = parse_filter(text, limits)
        _parses.put(key, _NO_FILTER if node is None else node)
        return node
    if node is _NO_FILTER:
        return None
    parsed: ast.Filter = node
    return parsed


def check(
    text: str,
    *,
    target: str,
    schema: SchemaSource = None,
    now: datetime | None = None,
    timezone: str = "UTC",
    current_member: str | None = None,
    rules: Rules | None = None,
    limits: Limits | None = None,
    week_start: int = 0,
    max_length: int | None = None,
    max_depth: int | None = None,
    max_list_size: int | None = None,
    max_conditions: int | None = None,
) -> list[Diagnostic]:
    """Return every error and warning for ``text``, in source order, without raising for
    problems in the text (a bad option such as an unknown target still raises)."""
    limits = resolve_limits(limits, max_length, max_depth, max_list_size, max_conditions)
    context = make_context(target, schema, now, timezone, current_member, rules, limits,
                           week_start)
    binder, parse_errors = _bind_without_raising(text, context)
    if binder is None:
        return parse_errors
    found = [d.located(text) for d in binder.errors + binder.warnings]
    return sorted(found, key=lambda d: (d.span, d.severity))


def _bind_without_raising(text: str, context: Context) -> tuple[Binder | None, list[Diagnostic]]:
    """Parse and bind ``text``, keeping every problem in the binder; a text that does not
    parse gives no binder and its parse errors."""
    try:
        node = parse_filter(text, context.limits)
    except ParseError as error:
        return None, list(error.errors)
    binder = context.binder()
    binder.bind(node)
    return binder, []


def resolve_dates(
    text: str,
    *,
    target: str,
    schema: SchemaSource = None,
    now: datetime | None = None,
    timezone: str = "UTC",
    current_member: str | None = None,
    rules: Rules | None = None,
    limits: Limits | None = None,
    week_start: int = 0,
) -> list[ResolvedDate]:
    """Return each relative date in ``text`` (`today`, `-7d`, `this week`, ...) with the
    absolute value it resolves to for these options, in source order.

    Problems in the text raise nothing: a text that does not parse gives an empty list, and
    a value that cannot be resolved is left out (:func:`check` reports both).
    """
    context = make_context(target, schema, now, timezone, current_member, rules, limits,
                           week_start)
    binder, _parse_errors = _bind_without_raising(text, context)
    if binder is None:
        return []
    return sorted(binder.resolved_dates, key=lambda resolved: resolved.span)


def compile_with_warnings(
    text: str, context: Context
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Compile with a prepared context and also return the warnings."""
    node = parse_filter(text, context.limits)
    return _bind(text, node, context)


# Queries -------------------------------------------------------------------------------


def compile_query(
    text: str,
    *,
    schema: SchemaSource = None,
    now: datetime | None = None,
    timezone: str = "UTC",
    current_member: str | None = None,
    rules: Rules | None = None,
    limits: Limits | None = None,
    week_start: int = 0,
    max_length: int | None = None,
    max_depth: int | None = None,
    max_list_size: int | None = None,
    max_conditions: int | None = None,
    scope: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Compile `<object or list> [where <filter>] [order by ...] [limit N] [offset N]` to
    ``{"method", "path", "body"}`` for Attio's record or list-entry query endpoint.

    ``scope`` works as for :func:`compile_filter`: the body's filter becomes
    ``{"$and": [scope, filter]}``, or the scope alone when the query has no filter."""
    checked_scope = _check_scope(scope) if scope is not None else None
    limits = resolve_limits(limits, max_length, max_depth, max_list_size, max_conditions)
    context = make_context(None, schema, now, timezone, current_member, rules, limits,
                           week_start)
    query = parse_query(text, context.limits)
    name = f"{query.target.kind}/{query.target.name}" if query.target.kind else query.target.name
    target = resolve_target(context.schema, name, query.target.span, text)
    context.target = target
    binder = context.binder()
    bound = binder.bind(query.filter)
    sorts: list[dict[str, Any]] = []
    for sort in query.sorts:
        try:
            sorts.append(_sort(binder, sort))
        except BindProblem as problem:
            binder.errors.append(problem.diagnostic)
    body: dict[str, Any] = {}
    for key, literal in (("limit", query.limit), ("offset", query.offset)):
        if literal is None:
            continue
        try:
            body[key] = _count(key, literal)
        except BindProblem as problem:
            binder.errors.append(problem.diagnostic)
    if binder.errors:
        raise BindError(binder.errors, text)

    result: dict[str, Any] = {}
    compiled = compile_bound(bound)
    if checked_scope is not None:
        scope_copy: dict[str, Any] = _copy_json(checked_scope)
        compiled = {"$and": [scope_copy, compiled]} if compiled else scope_copy
    if compiled:
        result["filter"] = compiled
    if sorts:
        result["sorts"] = sorts
    result.update(body)
    kind = "records" if target.kind == "objects" else "entries"
    return {"method": "POST", "path": f"/v2/{target.kind}/{target.slug}/{kind}/query",
            "body": result}


def _sort(binder: Binder, sort: ast.Sort) -> dict[str, Any]:
    resolved = binder.resolve_path(sort.path)
    attribute = resolved.attribute
    property_name = resolved.property
    if property_name is None and resolved.type_rule.default_property is None:
        properties = ", ".join(f"`{attribute.slug}.{p}`" for p in resolved.type_rule.named_properties)
        raise BindProblem("operator.not_sortable",
                          f"`{attribute.slug}` is {article(attribute.type)} attribute, so a sort must "
                          "name one of its properties.", sort.path.span,
                          f"sort by one of {properties}")
    entry: dict[str, Any] = {"direction": sort.direction}
    if len(resolved.path) > 1:
        entry["path"] = [list(step) for step in resolved.path]
    else:
        entry["attribute"] = attribute.slug
    if property_name is None and resolved.type_rule.default_for_dates_only:
        # An interaction sorts by its date, as a bare interaction compares its date.
        # NOTE: Attio's docs do not say whether an interaction sort needs `field`.
        property_name = resolved.type_rule.default_property
    if property_name and property_name != VALUE:
        entry["field"] = property_name
    return entry


def _count(key: str, literal: ast.Literal) -> int:
    text = literal.text.replace("_", "")
    if "." in text or text.startswith("-"):
        raise BindProblem("value.invalid_limit",
                          f"`{key}` must be a whole number of 0 or more, not `{literal.text}`.",
                          literal.span, f"write `{key} 25`")
    return int(text)
