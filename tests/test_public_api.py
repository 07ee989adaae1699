"""The public API: what `import attioql` exposes."""

from __future__ import annotations

import attioql


def test_all_names_exist() -> None:
    for name in attioql.__all__:
        assert hasattr(attioql, name), name


def test_core_entry_points_are_public() -> None:
    for name in ("compile_filter", "compile_query", "check", "load_schema", "AttioQLError"):
        assert name in attioql.__all__


def test_error_root_is_a_value_error() -> None:
    assert issubclass(attioql.AttioQLError, ValueError)
    assert issubclass(attioql.ParseError, attioql.AttioQLError)
    assert issubclass(attioql.BindError, attioql.AttioQLError)


def test_bundled_schemas_load_once() -> None:
    assert attioql.load_schema("demo") is attioql.load_schema("demo")
    standard = attioql.load_schema()
    assert sorted(standard.objects) == ["companies", "deals", "people", "users", "workspaces"]
    assert standard.members is None
    assert standard.lists == {}


def test_docstring_example() -> None:
    assert attioql.compile_filter("tier = smb", target="companies", schema="demo") == {
        "tier": "SMB"}
