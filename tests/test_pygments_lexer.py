"""The Pygments lexer: registration under `attioql` and the token types it gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pygments.lexers import get_lexer_by_name
from pygments.token import (
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
)

from attioql.pygments_lexer import TOKEN_TYPES, AttioQLLexer


def _tokens(text: str) -> list[tuple[object, str]]:
    return [(kind, value) for kind, value in AttioQLLexer().get_tokens(text)
            if value.strip()]


def test_registered_by_name() -> None:
    assert isinstance(get_lexer_by_name("attioql"), AttioQLLexer)


def test_design_example_tokens() -> None:
    assert _tokens("last_calendar_interaction.interacted_at >= 2023-11-01 and owner = tom") == [
        (Name.Attribute, "last_calendar_interaction"), (Punctuation, "."),
        (Name.Attribute, "interacted_at"), (Operator, ">="), (Literal.Date, "2023-11-01"),
        (Keyword, "and"), (Name.Attribute, "owner"), (Operator, "="),
        (Text, "tom"),
    ]


def test_values_and_operators() -> None:
    assert _tokens('name contains "ac" or fit_score >= 4 and x in [1.5, -7d, 3x]') == [
        (Name.Attribute, "name"), (Operator.Word, "contains"), (String.Double, '"ac"'),
        (Keyword, "or"), (Name.Attribute, "fit_score"), (Operator, ">="), (Number, "4"),
        (Keyword, "and"), (Name.Attribute, "x"), (Operator.Word, "in"), (Punctuation, "["),
        (Number, "1.5"), (Punctuation, ","), (Literal.Date, "-7d"), (Punctuation, ","),
        (Error, "3x"), (Punctuation, "]"),
    ]


def test_unterminated_string_stays_a_string() -> None:
    assert _tokens('name = "Acme') == [(Name.Attribute, "name"), (Operator, "="),
                                       (String.Double, '"Acme')]


def test_every_analyze_kind_has_a_type() -> None:
    assert sorted(TOKEN_TYPES) == sorted([
        "attribute", "property", "operator", "keyword", "string", "number", "date",
        "relative-date", "member", "option", "punctuation", "unknown"])


def test_pygmentize_finds_the_lexer() -> None:
    pygmentize = Path(sys.executable).with_name("pygmentize")
    completed = subprocess.run([str(pygmentize), "-l", "attioql", "-f", "html"],
                               input="tier = smb", capture_output=True, text=True, check=True)
    assert '<span class="na">tier</span>' in completed.stdout
