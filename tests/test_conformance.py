"""The pinned conformance cases, copied from the specification's suite."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import attioql

SUITE = json.loads((Path(__file__).parent / "conformance_cases.json").read_text("utf-8"))
DEFAULTS = SUITE["defaults"]


def _options(case: dict[str, Any]) -> dict[str, Any]:
    now = datetime.fromisoformat(case.get("now", DEFAULTS["now"]).replace("Z", "+00:00"))
    return {
        "schema": case.get("schema", DEFAULTS["schema"]),
        "now": now,
        "timezone": case.get("timezone", DEFAULTS.get("timezone", "UTC")),
        "current_member": case.get("current_member"),
    }


@pytest.mark.parametrize("case", SUITE["filters"], ids=[c["id"] for c in SUITE["filters"]])
def test_filter_case(case: dict[str, Any]) -> None:
    options = _options(case)
    if "error" in case:
        with pytest.raises(attioql.AttioQLError) as caught:
            attioql.compile_filter(case["text"], target=case["target"], **options)
        assert caught.value.code.split(".")[0] == case["error"]
        return
    result = attioql.compile_filter(case["text"], target=case["target"], **options)
    assert result == case["expect"]
    assert json.dumps(result) == json.dumps(case["expect"])


@pytest.mark.parametrize("case", SUITE["queries"], ids=[c["id"] for c in SUITE["queries"]])
def test_query_case(case: dict[str, Any]) -> None:
    options = _options(case)
    if "error" in case:
        with pytest.raises(attioql.AttioQLError) as caught:
            attioql.compile_query(case["text"], **options)
        assert caught.value.code.split(".")[0] == case["error"]
        return
    result = attioql.compile_query(case["text"], **options)
    assert result == case["expect"]
    assert json.dumps(result) == json.dumps(case["expect"])
