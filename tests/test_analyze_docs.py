"""docs/embedding.md: the worked request and response, and the examples in its prose, run
against analyze()."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import attioql
from attioql.analysis import analyze

DOC = (Path(__file__).parent.parent / "docs" / "embedding.md").read_text("utf-8")
FLAT_DOC = " ".join(DOC.split())
"""The doc with every line break and run of spaces as one space, to find wrapped phrases."""
DEMO = attioql.load_schema("demo")
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


def _worked_example() -> tuple[dict[str, Any], str, dict[str, Any]]:
    """Return the request, the sentence that introduces the response, and the response."""
    section = DOC.split("### A worked request and response", 1)[1]
    blocks = re.findall(r"```json\n(.*?)```", section, re.DOTALL)
    introduction = re.search(r"The response \(([^)]*)\)", section)
    assert introduction is not None, "the worked example lost its introduction"
    return json.loads(blocks[0]), introduction.group(1), json.loads(blocks[1])


def _example_response(request: dict[str, Any]) -> dict[str, Any]:
    analysis = analyze(request["text"], request.get("cursor"), target=request["target"],
                       schema=DEMO, timezone=request.get("timezone", "UTC"),
                       current_member=request.get("member"))
    return analysis.to_dict()


def test_worked_example_matches_the_output() -> None:
    request, _, shown = _worked_example()
    actual = _example_response(request)
    shown_completions = shown.pop("completions")
    completions = actual.pop("completions")
    assert shown == actual
    assert shown_completions == completions[:len(shown_completions)]


def test_worked_example_counts_the_completions() -> None:
    request, introduction, shown = _worked_example()
    match = re.match(r"(\w+) of the (\w+) completions shown", introduction)
    assert match is not None, introduction
    assert NUMBERS[match.group(1)] == len(shown["completions"])
    assert NUMBERS[match.group(2)] == len(_example_response(request)["completions"])


def test_worked_example_with_a_member_adds_me() -> None:
    request, introduction, _ = _worked_example()
    labels = [c["label"] for c in _example_response({**request, "member": "tom"})["completions"]]
    assert " ".join(introduction.split()).endswith("`me` would be a sixth")
    assert labels[0] == "me"
    assert len(labels) == 6


def _apply_first(text: str, label: str, target: str = "companies") -> str:
    cursor = text.index("|")
    plain = text.replace("|", "", 1)
    analysis = analyze(plain, cursor, target=target, schema=DEMO)
    found = [c for c in analysis.completions if c.label == label]
    assert found, (text, [c.label for c in analysis.completions])
    return found[0].apply(plain)


@pytest.mark.parametrize(("text", "label", "applied"), [
    ("|tier = smb", "record_id", "record_id = smb"),
    ("tier |= smb", "!=", "tier != smb"),
    ("owner = |tom", "Tom Lee", 'owner = "Tom Lee"'),
    ("tier |not in [smb]", "in", "tier in [smb]"),
    ("tier =| smb", "!=", "tier != smb"),
])
def test_completion_examples_in_the_prose(text: str, label: str, applied: str) -> None:
    assert f"`{applied}`" in FLAT_DOC
    assert _apply_first(text, label) == applied


def test_prose_example_of_a_left_out_operator() -> None:
    assert "at `tier |= smb`, `in` is left out" in FLAT_DOC
    analysis = analyze("tier = smb", 5, target="companies", schema=DEMO)
    assert "in" not in [c.label for c in analysis.completions]


def test_prose_example_of_a_listed_value() -> None:
    assert "`tier in [smb, ` offers `Enterprise` and `Mid-market`" in FLAT_DOC
    analysis = analyze("tier in [smb, ", target="companies", schema=DEMO)
    values = [c.label for c in analysis.completions if c.kind == "option"]
    assert values == ["Enterprise", "Mid-market"]


def test_prose_example_of_an_unfinished_path() -> None:
    assert "`tier = smb and nme ` lists `unknown.attribute`" in FLAT_DOC
    analysis = analyze("tier = smb and nme ", target="companies", schema=DEMO)
    assert [d.code for d in analysis.diagnostics] == ["unknown.attribute",
                                                      "syntax.unexpected_end"]
    assert analysis.diagnostics[0].hint == "did you mean `name`?"
