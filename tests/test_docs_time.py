"""docs/time.md: every table row is checked against the compiler.

A line "With `now` = `...` and `timezone` = `...`:" sets the options for the tables after
it. A table headed "Value" lists relative values and what they resolve to on a timestamp
and on a date. A table headed "Filter | JSON" gives the exact output, and one headed
"Filter | Code" gives the error code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

import attioql

DOC = Path(__file__).resolve().parents[1] / "docs" / "time.md"
OPTIONS_LINE = re.compile(r"With `now` = `([^`]+)` and `timezone` = `([^`]+)`:")


@dataclass(frozen=True)
class Row:
    header: str
    cells: tuple[str, ...]
    now: str
    zone: str

    @property
    def label(self) -> str:
        return f"{self.cells[0]} @ {self.now} {self.zone}"


def read_rows() -> list[Row]:
    rows: list[Row] = []
    now = zone = ""
    header = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        options = OPTIONS_LINE.fullmatch(line.strip())
        if options:
            now, zone = options.groups()
            continue
        if not line.startswith("|"):
            header = ""
            continue
        cells = tuple(cell.strip() for cell in line.strip().strip("|").split(" | "))
        if not header:
            header = " | ".join(cells)
            continue
        if set(line) <= {"|", "-"}:
            continue
        assert now, f"no options line before the row {line!r}"
        rows.append(Row(header, cells, now, zone))
    return rows


ROWS = read_rows()


def unquote(cell: str) -> str:
    assert cell.startswith("`") and cell.endswith("`"), cell
    return cell[1:-1]


def options(row: Row) -> dict[str, object]:
    return {"target": "companies", "schema": "demo", "timezone": row.zone,
            "now": datetime.fromisoformat(row.now.replace("Z", "+00:00"))}


def described(text: str, row: Row) -> str:
    (resolved,) = attioql.resolve_dates(text, **options(row))  # type: ignore[arg-type]
    suffix = f", {row.zone}"
    assert resolved.description.endswith(suffix)
    return resolved.description[: -len(suffix)]


VALUE_ROWS = [row for row in ROWS if row.header == "Value | On a timestamp | On a date"]
JSON_ROWS = [row for row in ROWS if row.header == "Filter | JSON"]
ERROR_ROWS = [row for row in ROWS if row.header == "Filter | Code | Why"]


def test_every_table_is_checked() -> None:
    assert len(VALUE_ROWS) + len(JSON_ROWS) + len(ERROR_ROWS) == len(ROWS)
    assert len(VALUE_ROWS) >= 30
    assert len(JSON_ROWS) >= 30
    assert len(ERROR_ROWS) >= 15


@pytest.mark.parametrize("row", VALUE_ROWS, ids=[row.label for row in VALUE_ROWS])
def test_value_row(row: Row) -> None:
    value, on_timestamp, on_date = row.cells
    text = unquote(value)
    assert described(f"created_at = {text}", row) == on_timestamp
    assert described(f"renewal_date = {text}", row) == on_date


@pytest.mark.parametrize("row", JSON_ROWS, ids=[row.label for row in JSON_ROWS])
def test_json_row(row: Row) -> None:
    text, expected = (unquote(cell) for cell in row.cells)
    result = attioql.compile_filter(text, cache=False, **options(row))  # type: ignore[arg-type]
    assert result == json.loads(expected)


@pytest.mark.parametrize("row", ERROR_ROWS, ids=[row.label for row in ERROR_ROWS])
def test_error_row(row: Row) -> None:
    text, code = unquote(row.cells[0]), unquote(row.cells[1])
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter(text, cache=False, **options(row))  # type: ignore[arg-type]
    assert caught.value.code == code
