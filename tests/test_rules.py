"""The rules table: its invariants and how callers extend it."""

from __future__ import annotations

import pytest

import attioql
from attioql.binder import _CONVERTERS, dsl_operators
from attioql.rules import ATTIO_OPERATORS, DEFAULT_RULES, VALUE

ATTIO_TYPES = ("text", "number", "currency", "rating", "checkbox", "date", "timestamp", "select",
               "status", "personal-name", "email-address", "domain", "phone-number", "location",
               "interaction", "record-reference", "actor-reference")


def test_every_filterable_type_has_rules() -> None:
    assert set(DEFAULT_RULES.types) == set(ATTIO_TYPES)


@pytest.mark.parametrize("type_name", ATTIO_TYPES)
def test_type_rule_is_consistent(type_name: str) -> None:
    rule = DEFAULT_RULES.types[type_name]
    assert rule.type == type_name
    assert rule.properties
    if rule.default_property is not None:
        assert rule.default_property in rule.properties
    if rule.empty_property is not None:
        assert "$not_empty" in rule.properties[rule.empty_property].operators
    for alias, target in rule.aliases.items():
        assert target in rule.properties, alias
        assert rule.resolve_property(alias) == target
    for name, prop in rule.properties.items():
        assert prop.operators <= set(ATTIO_OPERATORS), name
        assert prop.value_kind in _CONVERTERS, name
        if name != VALUE:
            assert rule.resolve_property(name.upper()) == name


def test_no_negative_operators_exist() -> None:
    for rule in DEFAULT_RULES.types.values():
        for prop in rule.properties.values():
            assert not {"$ne", "$nin", "$is_empty", "$equals"} & set(prop.operators)


def test_dsl_operators_follow_attio_operators() -> None:
    assert dsl_operators(frozenset({"$eq"})) == ["=", "!=", "in", "not in"]
    assert dsl_operators(frozenset({"$gte", "$lte"})) == [">=", "<=", "between", "not between"]
    assert dsl_operators(frozenset({"$not_empty"})) == ["is empty", "is not empty"]
    assert dsl_operators(frozenset()) == []


def test_callers_can_extend_the_table() -> None:
    extended = DEFAULT_RULES.with_operators("text", None, ["$not_empty"])
    assert attioql.compile_filter("name is not empty", target="companies", schema="demo",
                                  rules=extended) == {"name": {"$not_empty": True}}
    assert attioql.compile_filter("name is empty", target="companies", schema="demo",
                                  rules=extended) == {"$not": {"name": {"$not_empty": True}}}


def test_extension_leaves_the_default_table_alone() -> None:
    DEFAULT_RULES.with_operators("text", None, ["$not_empty"])
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("name is not empty", target="companies", schema="demo")
    assert caught.value.code == "operator.not_allowed"


def test_extension_of_a_property() -> None:
    extended = DEFAULT_RULES.with_operators("email-address", "email_address", ["$not_empty"])
    assert attioql.compile_filter("email_addresses is not empty", target="people",
                                  schema="demo", rules=extended) == {
        "email_addresses": {"email_address": {"$not_empty": True}}}


def test_extension_rejects_operators_attio_does_not_have() -> None:
    with pytest.raises(ValueError, match=r"not Attio operators: \$ne"):
        DEFAULT_RULES.with_operators("text", None, ["$ne"])  # type: ignore[list-item]
