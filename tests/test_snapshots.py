"""Snapshots written by hand: partial parts, odd titles, load errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import attioql
from attioql.schema import SchemaLoadError

DEMO: dict[str, Any] = json.loads(
    (Path(attioql.__file__).parent / "schemas" / "demo.json").read_text("utf-8"))


def _snapshot() -> dict[str, Any]:
    return copy.deepcopy(DEMO)


def test_missing_option_list_for_one_attribute_accepts_any_title() -> None:
    data = _snapshot()
    del data["select_options"]["objects/companies/tier"]
    schema = attioql.load_schema(data)
    assert attioql.compile_filter("tier = gold", target="companies", schema=schema) == {
        "tier": "gold"}
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("categories = nope", target="companies", schema=schema)
    assert caught.value.code == "unknown.option"


def test_titles_that_differ_only_in_case() -> None:
    data = _snapshot()
    options = data["select_options"]["objects/companies/tier"]
    lower = copy.deepcopy(options[2])
    lower["title"] = "smb"
    lower["id"]["option_id"] = "0b5e2f6e-1111-4222-8333-944455556666"
    options.append(lower)
    schema = attioql.load_schema(data)
    assert attioql.compile_filter("tier = SMB", target="companies", schema=schema) == {
        "tier": "SMB"}
    assert attioql.compile_filter("tier = smb", target="companies", schema=schema) == {
        "tier": "smb"}
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("tier = Smb", target="companies", schema=schema)
    assert caught.value.code == "ambiguous.option"
    assert caught.value.message == ("`Smb` matches the options `SMB` and `smb` of `tier`, which "
                                    "differ only in case.")


def test_load_errors_are_attioql_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    for source in ("nope", str(broken)):
        with pytest.raises(attioql.AttioQLError) as caught:
            attioql.load_schema(source)
        assert isinstance(caught.value, SchemaLoadError)
        assert caught.value.code == "value.invalid_schema"


def test_invalid_snapshot_names_the_field() -> None:
    data = _snapshot()
    data["objects"][0]["api_slug"] = 42
    with pytest.raises(SchemaLoadError) as caught:
        attioql.load_schema(data)
    assert caught.value.message.startswith("The workspace snapshot is not valid: objects.0.api_slug:")


def test_backticks_reach_a_keyword_slug() -> None:
    data = _snapshot()
    attribute = copy.deepcopy(data["attributes"]["objects/companies"][1])
    attribute.update(api_slug="order", title="Order number", type="number")
    data["attributes"]["objects/companies"].append(attribute)
    schema = attioql.load_schema(data)
    assert attioql.compile_filter("`order` > 3", target="companies", schema=schema) == {
        "order": {"$gt": 3}}
    assert attioql.compile_filter("`Order number` > 3", target="companies", schema=schema) == {
        "order": {"$gt": 3}}


def test_years_before_1000_keep_four_digits() -> None:
    assert attioql.compile_filter("created_at > 0999-05-01", target="companies") == {
        "created_at": {"$gte": "0999-05-02T00:00:00.000Z"}}


def test_trunk_zero_in_brackets_is_dropped() -> None:
    assert attioql.compile_filter('phone_numbers = "+44 (0) 20 7946 0958"', target="people") == {
        "phone_numbers": {"phone_number": {"$eq": "+442079460958"}}}
