"""The docs tables that come from code stay in step with it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from attioql.cli import main
from attioql.docs_tables import render_operators
from attioql.errors import ERROR_CODES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_operators_page_is_generated_from_the_rules_table() -> None:
    committed = (DOCS / "operators.md").read_text("utf-8")
    assert committed == render_operators(), (
        "docs/operators.md is stale: run `python -m attioql.docs_tables > docs/operators.md`")


def _error_sections() -> dict[str, str]:
    text = (DOCS / "errors.md").read_text("utf-8")
    parts = re.split(r"^### `([^`]+)`\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=False))


def test_every_error_code_is_documented_once() -> None:
    text = (DOCS / "errors.md").read_text("utf-8")
    headings = re.findall(r"^### `([^`]+)`$", text, flags=re.MULTILINE)
    assert sorted(headings) == sorted(set(headings)), "a code is documented twice"
    assert set(headings) == set(ERROR_CODES)


EXAMPLES = [
    (code, match.group(1), match.group(2))
    for code, body in _error_sections().items()
    for match in [re.search(r"```sh\n(attioql check [^\n]+)\n```\n\n```text\n(.*?)\n```", body,
                            flags=re.DOTALL)]
    if match
]


@pytest.mark.parametrize(("code", "command", "shown"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_error_example_reports_its_code(code: str, command: str, shown: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    arguments = shlex.split(command)[1:]
    status = main([*arguments[:1], "--json", *arguments[1:]])
    output = capsys.readouterr()
    if code in ("unknown.target", "ambiguous.target"):
        assert status == 2
        assert code.split(".")[1].replace("_", " ") in output.err or "no object" in output.err
        return
    assert f'"code": "{code}"' in output.out
    main(arguments)
    output = capsys.readouterr()
    assert (output.out or output.err).strip() == shown.strip()


def test_most_codes_have_a_runnable_example() -> None:
    assert len(EXAMPLES) >= 40
