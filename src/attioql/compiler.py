"""Compile a bound filter to Attio filter JSON in attioql's canonical form.

The output is built as Python data, never as text, so no value can become an operator.
Canonical form: `and`/`or` chains are flattened and a one-member chain is replaced by its
member; negation is always ``$not`` around the positive condition; select and status
equality uses Attio's implicit form (``{"tier": "SMB"}``) except inside paths and groups
that hold more than that one equality;
a condition through record references becomes ``{"path": ..., "constraints": ...}``.
Keys appear in a fixed order, so the same filter always gives the same bytes.
"""

from __future__ import annotations

from typing import Any

from .binder import Bound, BoundAnd, BoundCondition, BoundNot, BoundOr, Clause, Part


def compile_bound(node: Bound | None) -> dict[str, Any]:
    """Compile a bound filter; ``None`` (an empty filter) compiles to ``{}``."""
    if node is None:
        return {}
    return _compile(node)


def _compile(node: Bound) -> dict[str, Any]:
    if isinstance(node, BoundCondition):
        return _condition(node)
    if isinstance(node, BoundNot):
        return {"$not": _compile(node.operand)}
    key = "$and" if isinstance(node, BoundAnd) else "$or"
    members = _flatten(node, type(node))
    if len(members) == 1:
        return _compile(members[0])
    return {key: [_compile(member) for member in members]}


def _flatten(node: BoundAnd | BoundOr, kind: type[BoundAnd] | type[BoundOr]) -> list[Bound]:
    """Members of a chain, with nested chains of the same kind spliced in."""
    result: list[Bound] = []
    for operand in node.operands:
        if isinstance(operand, kind):
            result.extend(_flatten(operand, kind))
        else:
            result.append(operand)
    return result


def _condition(condition: BoundCondition) -> dict[str, Any]:
    in_path = len(condition.path) > 1
    body = _body(condition, in_path)
    if in_path:
        return {"path": [list(step) for step in condition.path], "constraints": body}
    return {condition.attribute.slug: body}


def _body(condition: BoundCondition, in_path: bool) -> Any:
    parts = condition.parts
    if (not in_path and len(parts) == 1 and parts[0].rule.style == "implicit_option"
            and len(parts[0].clauses) == 1 and parts[0].clauses[0].operator == "$eq"):
        return parts[0].clauses[0].value
    body: dict[str, Any] = {}
    for part in parts:
        _add_part(body, part, condition.target_object)
    return body


def _add_part(body: dict[str, Any], part: Part, target_object: str | None) -> None:
    style = part.rule.style
    if style == "record":
        body["target_object"] = target_object
        body["target_record_id"] = _record_value(part.clauses)
        return
    if style == "actor":
        for clause in part.clauses:
            body["referenced_actor_type"] = "workspace-member"
            body["referenced_actor_id"] = clause.value
        return
    operators = _operators(part.clauses)
    if style == "implicit_option":
        assert part.rule.explicit_key is not None
        body[part.rule.explicit_key] = operators
    elif part.property:
        body[part.property] = operators
    else:
        body.update(operators)


def _operators(clauses: tuple[Clause, ...]) -> dict[str, Any]:
    return {clause.operator: clause.value for clause in clauses}


def _record_value(clauses: tuple[Clause, ...]) -> Any:
    (clause,) = clauses
    if clause.operator == "$eq":
        return clause.value
    return {clause.operator: clause.value}
