"""docs/language.md: every example compiles to exactly what the page shows.

An example is a fenced ```attioql block. Its first line, `# TARGET [key=value ...]`, names
the target and the options, and the rest is the text to compile. The target `query` means
that the block is a whole query for `compile_query`. The next fenced block holds the
expected result:

* ```json: the exact JSON output;
* ```error: the error code on the first line, then `str(error)` exactly, if shown;
* ```warnings (after a ```json block): one `code: message` line per warning.

Every example uses `schema="demo"` and `now=2024-01-17T15:30:00Z` unless its options say
otherwise. `schema=snapshot` means the nearest ```json snapshot block above it, and
`scope=` takes the rest of the line as JSON.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import attioql
from attioql.errors import ERROR_CODES

PAGE = Path(__file__).resolve().parents[1] / "docs" / "language.md"
DEFAULT_NOW = "2024-01-17T15:30:00Z"
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", flags=re.MULTILINE | re.DOTALL)
INTEGER_OPTIONS = {"week_start", "max_length", "max_depth", "max_list_size", "max_conditions"}
TEXT_OPTIONS = {"timezone", "current_member", "now", "schema"}


@dataclass
class Example:
    line: int
    target: str
    text: str
    options: dict[str, Any]
    expected_kind: str = ""
    expected: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.text[:60]}"


def _parse_header(header: str, line: int) -> tuple[str, dict[str, Any]]:
    assert header.startswith("# "), f"line {line}: an example starts with `# TARGET`, not {header!r}"
    body = header[2:].strip()
    scope: Any = None
    if " scope=" in f" {body}":
        body, _, scope_text = f" {body}".partition(" scope=")
        scope = json.loads(scope_text)
    target, *pairs = body.split()
    options: dict[str, Any] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        assert equals, f"line {line}: option {pair!r} is not key=value"
        assert key in INTEGER_OPTIONS | TEXT_OPTIONS, f"line {line}: unknown option {key!r}"
        options[key] = int(value) if key in INTEGER_OPTIONS else value
    if scope is not None:
        options["scope"] = scope
    return target, options


def read_examples() -> list[Example]:
    page = PAGE.read_text(encoding="utf-8")
    examples: list[Example] = []
    snapshot: Any = None
    pending: Example | None = None
    for match in FENCE.finditer(page):
        info, body = match.group(1).strip(), match.group(2)
        line = page.count("\n", 0, match.start()) + 1
        if info == "json snapshot":
            snapshot = json.loads(body)
            continue
        if info == "attioql":
            assert pending is None, f"line {pending.line}: example has no expected block"  # type: ignore[union-attr]
            header, _, text = body.partition("\n")
            target, options = _parse_header(header, line)
            if options.get("schema") == "snapshot":
                assert snapshot is not None, f"line {line}: no snapshot block above"
                options["schema"] = snapshot
            pending = Example(line, target, text.rstrip("\n"), options)
            continue
        if info in ("json", "error") and pending is not None:
            pending.expected_kind, pending.expected = info, body.rstrip("\n")
            examples.append(pending)
            pending = None
            continue
        if info == "warnings":
            assert examples and examples[-1].expected_kind == "json", f"line {line}: stray warnings"
            examples[-1].warnings = body.rstrip("\n").splitlines()
    assert pending is None, f"line {pending.line}: example has no expected block"
    return examples


EXAMPLES = read_examples()


def _options(example: Example) -> dict[str, Any]:
    options = dict(example.options)
    options.setdefault("schema", "demo")
    now = options.pop("now", DEFAULT_NOW)
    options["now"] = datetime.fromisoformat(now.replace("Z", "+00:00"))
    return options


def _compile(example: Example) -> dict[str, Any]:
    options = _options(example)
    if example.target == "query":
        return attioql.compile_query(example.text, **options)
    return attioql.compile_filter(example.text, target=example.target, cache=False, **options)


def test_page_has_examples_of_each_kind() -> None:
    kinds = [example.expected_kind for example in EXAMPLES]
    assert kinds.count("json") >= 90
    assert kinds.count("error") >= 40
    assert sum(1 for example in EXAMPLES if example.warnings) >= 3
    assert sum(1 for example in EXAMPLES if example.target == "query") >= 8


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.label for example in EXAMPLES])
def test_example_output(example: Example) -> None:
    if example.expected_kind == "json":
        assert _compile(example) == json.loads(example.expected)
        return
    code, _, rendered = example.expected.partition("\n")
    assert code in ERROR_CODES
    with pytest.raises(attioql.AttioQLError) as caught:
        _compile(example)
    assert caught.value.code == code
    if rendered:
        assert str(caught.value) == rendered


COMPILED_FILTERS = [example for example in EXAMPLES
                    if example.target != "query" and example.expected_kind == "json"]


@pytest.mark.parametrize("example", COMPILED_FILTERS,
                         ids=[example.label for example in COMPILED_FILTERS])
def test_example_warnings(example: Example) -> None:
    options = _options(example)
    options.pop("scope", None)
    found = attioql.check(example.text, target=example.target, **options)
    assert [f"{d.code}: {d.message}" for d in found] == example.warnings


def test_binding_reports_every_error() -> None:
    text = "nmae = acme and tier = smbb and fit_score = 9"
    assert any(example.text == text for example in EXAMPLES)
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter(text, target="companies", schema="demo")
    assert caught.value.code == "unknown.attribute"
    assert [error.code for error in caught.value.errors] == [
        "unknown.attribute", "unknown.option", "value.invalid_rating"]


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation removed, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-")


def test_links_name_existing_sections() -> None:
    page = PAGE.read_text(encoding="utf-8")
    anchors = {_anchor(heading) for heading in re.findall(r"^##+ (.+)$", page, flags=re.MULTILINE)}
    links = set(re.findall(r"\]\(#([^)]+)\)", page))
    assert links
    assert links <= anchors


def test_contents_lists_every_section() -> None:
    page = PAGE.read_text(encoding="utf-8")
    contents = page.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"\]\(#([^)]+)\)", contents)
    sections = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    assert listed == [_anchor(heading) for heading in sections[2:]]


def test_linked_pages_exist() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for name in re.findall(r"\]\(([a-z]+\.md)(?:#[^)]*)?\)", page):
        assert (PAGE.parent / name).is_file(), name
