"""The Python examples of docs/library.md run as written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import attioql

LIBRARY_PAGE = Path(__file__).resolve().parents[1] / "docs" / "library.md"


def _code_blocks() -> list[str]:
    text = LIBRARY_PAGE.read_text("utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def test_library_page_has_examples() -> None:
    assert len(_code_blocks()) == 11


def test_library_examples_run() -> None:
    namespace: dict[str, object] = {}
    for index, block in enumerate(_code_blocks()):
        code = compile(block, f"docs/library.md block {index + 1}", "exec")
        exec(code, namespace)


REJECTED_CALLS: list[tuple[str, Callable[[Path], object]]] = [
    ("missing-snapshot", lambda folder: attioql.load_schema(folder / "missing.json")),
    ("snapshot-not-json", lambda folder: attioql.load_schema(_write(folder, "{"))),
    ("snapshot-wrong-shape", lambda folder: attioql.load_schema(_write(folder, "[1]"))),
    ("unknown-target", lambda _folder: attioql.compile_filter("x = 1", target="nope")),
    ("unknown-time-zone", lambda _folder: attioql.compile_filter(
        "name = a", target="companies", timezone="Mars/Base")),
    ("format", lambda _folder: attioql.format("primary_location = x", target="companies")),
    ("explain-group", lambda _folder: attioql.explain("primary_location(= x)",
                                                      target="companies")),
    ("decompile-body", lambda _folder: attioql.decompile({"filter": {}}, target="companies")),
    ("query", lambda _folder: attioql.compile_query("companies where nmae = x")),
    ("check-options", lambda _folder: attioql.check("x", target="nope")),
]


def _write(folder: Path, text: str) -> Path:
    path = folder / "snapshot.json"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("call", [case[1] for case in REJECTED_CALLS],
                         ids=[case[0] for case in REJECTED_CALLS])
def test_rejected_input_raises_attioql_error(tmp_path: Path,
                                             call: Callable[[Path], object]) -> None:
    with pytest.raises(attioql.AttioQLError):
        call(tmp_path)
