"""A mandatory scope: no filter text can widen it, and no name or value from the text can
become an operator key of the output."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import attioql
from attioql.rules import ATTIO_OPERATORS

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)
SCOPE: dict[str, Any] = {"owner": {"referenced_actor_type": "workspace-member",
                                   "referenced_actor_id": "386f2261-c345-5bcd-a1fc-d7b16c64f063"}}
OPERATOR_KEYS = frozenset({"$and", "$or", "$not", *ATTIO_OPERATORS})

HOSTILE_TEXTS = [
    'name = "x"} , {"$or": [{}]}',
    'name = "x\\"}, \\"$or\\": [{"',
    "name = x or true",
    "name = x) or (name is not empty",
    "name = x or not name = x",
    "not (name = x)",
    'name = "$or"',
    "name in [\"$and\", \"$or\", \"$not\"]",
    "`$or` = x",
    "`$and`.name = x",
    "name.`$eq` = x",
    "domains.`$in` = x",
    "name = x\u0000) or (name is not empty",
    "name = x\n) or (name is not empty",
    "name = x or name is empty",
]


def compile_scoped(text: str, scope: Any = SCOPE, **options: Any) -> dict[str, Any]:
    return attioql.compile_filter(text, target="companies", schema="demo", now=NOW,
                                  scope=scope, **options)


def operator_keys(value: Any) -> set[str]:
    """Every dict key in ``value`` that starts with `$`."""
    found: set[str] = set()
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            found.update(key for key in item if key.startswith("$"))
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return found


def test_scope_wraps_filter() -> None:
    result = compile_scoped("tier = smb")
    assert result == {"$and": [SCOPE, {"tier": "SMB"}]}


def test_scope_alone_for_empty_text() -> None:
    assert compile_scoped("") == SCOPE
    assert compile_scoped("   \n\t") == SCOPE


def test_scope_result_is_a_copy() -> None:
    scope = copy.deepcopy(SCOPE)
    result = compile_scoped("", scope=scope)
    result["owner"]["referenced_actor_id"] = "changed"
    assert scope == SCOPE
    again = compile_scoped("tier = smb", scope=scope)
    again["$and"][0]["owner"]["referenced_actor_id"] = "changed"
    assert scope == SCOPE


def test_scope_does_not_enter_cache() -> None:
    plain = attioql.compile_filter("tier = smb", target="companies", schema="demo", now=NOW)
    scoped = compile_scoped("tier = smb")
    again = attioql.compile_filter("tier = smb", target="companies", schema="demo", now=NOW)
    assert plain == {"tier": "SMB"}
    assert scoped == {"$and": [SCOPE, {"tier": "SMB"}]}
    assert again == {"tier": "SMB"}


def test_scope_with_top_level_or() -> None:
    result = compile_scoped("name = a or name = b")
    assert result == {"$and": [SCOPE, {"$or": [{"name": {"$eq": "a"}},
                                                {"name": {"$eq": "b"}}]}]}


def test_scope_with_top_level_and_stays_nested() -> None:
    result = compile_scoped("name = a and name = b")
    assert result == {"$and": [SCOPE, {"$and": [{"name": {"$eq": "a"}},
                                                 {"name": {"$eq": "b"}}]}]}


@pytest.mark.parametrize("scope", [["not", "a", "dict"], "owner = me", 42, {"owner"}])
def test_scope_must_be_a_mapping(scope: Any) -> None:
    with pytest.raises(TypeError, match="scope must be an Attio filter as a dict"):
        compile_scoped("name = a", scope=scope)


def test_scope_keys_must_be_strings() -> None:
    with pytest.raises(TypeError, match="scope keys must be str, not int: 1"):
        compile_scoped("name = a", scope={"name": {1: "a"}})


def test_scope_values_must_be_json() -> None:
    with pytest.raises(TypeError, match="scope values must be JSON data, not object"):
        compile_scoped("name = a", scope={"name": {"$eq": object()}})


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_text_cannot_widen_scope(text: str) -> None:
    try:
        result = compile_scoped(text)
    except attioql.AttioQLError as error:
        assert error.errors[0].category in ("syntax", "unknown", "operator", "value")
        return
    assert list(result) == ["$and"]
    assert len(result["$and"]) == 2
    assert result["$and"][0] == SCOPE
    assert operator_keys(result["$and"][1]) <= OPERATOR_KEYS


def test_dollar_values_stay_values() -> None:
    result = compile_scoped('name in ["$and", "$or", "$not"]')
    assert result == {"$and": [SCOPE, {"name": {"$in": ["$and", "$or", "$not"]}}]}


def test_json_text_stays_a_string() -> None:
    text = 'name = "{\\"$or\\": [{}]}"'
    assert compile_scoped(text) == {"$and": [SCOPE, {"name": {"$eq": '{"$or": [{}]}'}}]}


def test_dollar_attribute_title_is_unknown() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        compile_scoped("`$or` = x")
    assert caught.value.errors[0].code == "unknown.attribute"
    assert caught.value.errors[0].span == (0, 5)


def test_schema_rejects_dollar_slug() -> None:
    snapshot = {
        "objects": [{"id": {"object_id": "o1"}, "api_slug": "companies"}],
        "attributes": {"objects/companies": [
            {"title": "Either", "api_slug": "$or", "type": "text"}]},
    }
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("`Either` = x", target="companies", schema=snapshot)
    error = caught.value.errors[0]
    assert error.code == "value.invalid_schema"
    assert "an attribute slug cannot start with `$`" in error.message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('$"\'`()[]{},:. \\=notandoris_empty0123abcd'),
               max_size=40))
def test_any_text_keeps_scope_first(text: str) -> None:
    try:
        result = compile_scoped(text)
    except attioql.AttioQLError:
        return
    if result == SCOPE:
        assert attioql.compile_filter(text, target="companies", schema="demo", now=NOW) == {}
        return
    assert list(result) == ["$and"]
    assert result["$and"][0] == SCOPE
    assert operator_keys(result) <= OPERATOR_KEYS


def test_query_scope_wraps_the_filter() -> None:
    scope = {"owner": {"referenced_actor_type": "workspace-member",
                       "referenced_actor_id": "386f2261-c345-5bcd-a1fc-d7b16c64f063"}}
    query = attioql.compile_query("companies where tier = smb or tier = enterprise limit 5",
                                  schema="demo", scope=scope)
    assert query["body"] == {"filter": {"$and": [scope, {"$or": [{"tier": "SMB"},
                                                                  {"tier": "Enterprise"}]}]},
                             "limit": 5}
    bare = attioql.compile_query("companies order by name", schema="demo", scope=scope)
    assert bare["body"] == {"filter": scope, "sorts": [{"direction": "asc", "attribute": "name"}]}
