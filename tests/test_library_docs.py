"""The Python examples of docs/library.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

LIBRARY_PAGE = Path(__file__).resolve().parents[1] / "docs" / "library.md"


def _code_blocks() -> list[str]:
    text = LIBRARY_PAGE.read_text("utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def test_library_page_has_examples() -> None:
    assert len(_code_blocks()) == 9


def test_library_examples_run() -> None:
    namespace: dict[str, object] = {}
    for index, block in enumerate(_code_blocks()):
        code = compile(block, f"docs/library.md block {index + 1}", "exec")
        exec(code, namespace)
