"""The library's entry points: compile a filter or a query, or check one for problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from . import ast
from .binder import Binder, BindProblem, Options
from .compiler import compile_bound
from .dates import Clock, TimeProblem, get_zone
from .errors import AttioQLError, BindError, Diagnostic, ParseError
from .parser import DEFAULT_LIMITS, Limits, parse_filter, parse_query
from .rules import DEFAULT_RULES, VALUE, Rules
from .schema import Schema, SchemaLoadError, Target, load_schema

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
    try:
        return load_schema(schema)
    except SchemaLoadError as error:
        raise _option_error("value.invalid_schema", str(error),
                            "pass a path to a snapshot file, or `standard` or `demo`") from None


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
) -> dict[str, Any]:
    """Compile attioql filter text to the ``filter`` JSON of Attio's query endpoints.

    ``target`` is an object or list slug (``"objects/x"`` or ``"lists/x"`` when both
    exist). ``schema`` is ``None``/``"standard"``, ``"demo"``, a snapshot path, a mapping or
    a loaded :class:`~attioql.schema.Schema`. Relative dates use ``now`` (an aware datetime;
    default: the current time) and calendar days in ``timezone``. ``me`` is
    ``current_member`` (an id, email or name). ``week_start`` is 0 for Monday to 6 for
    Sunday. Raises :class:`AttioQLError` for any text it rejects.
    """
    context = make_context(target, schema, now, timezone, current_member, rules, limits,
                           week_start)
    node = parse_filter(text, context.limits)
    result, _warnings = _bind(text, node, context)
    return result


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
) -> list[Diagnostic]:
    """Return every error and warning for ``text``, in source order, without raising for
    problems in the text (a bad option such as an unknown target still raises)."""
    context = make_context(target, schema, now, timezone, current_member, rules, limits,
                           week_start)
    try:
        node = parse_filter(text, context.limits)
    except ParseError as error:
        return list(error.errors)
    binder = context.binder()
    binder.bind(node)
    found = [d.located(text) for d in binder.errors + binder.warnings]
    return sorted(found, key=lambda d: (d.span, d.severity))


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
) -> dict[str, Any]:
    """Compile `<object or list> [where <filter>] [order by ...] [limit N] [offset N]` to
    ``{"method", "path", "body"}`` for Attio's record or list-entry query endpoint."""
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
                          f"`{attribute.slug}` is a {attribute.type} attribute, so a sort must "
                          "name one of its properties.", sort.path.span,
                          f"sort by one of {properties}")
    entry: dict[str, Any] = {"direction": sort.direction}
    if len(resolved.path) > 1:
        entry["path"] = [list(step) for step in resolved.path]
    else:
        entry["attribute"] = attribute.slug
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
