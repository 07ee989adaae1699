"""A Pygments lexer for attioql, registered as ``attioql`` (``pygmentize -l attioql``).

Pygments lexes without a schema, so it cannot tell an option from any other bare word;
it colours by the shape of each token, with the same terminals as the grammar (keywords
as whole words, dates, durations, quoted text, backticked titles). :data:`TOKEN_TYPES`
maps the token kinds of :func:`attioql.analyze` to Pygments token types, so a REPL or a
page that has a schema can colour with the same palette.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, words  # type: ignore[import-untyped]
from pygments.token import (  # type: ignore[import-untyped]
    Error,
    Keyword,
    Literal,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)
from pygments.token import _TokenType as TokenType

__all__ = ["TOKEN_TYPES", "AttioQLLexer"]

TOKEN_TYPES: dict[str, TokenType] = {
    "attribute": Name.Attribute,
    "property": Name.Property,
    "operator": Operator.Word,
    "keyword": Keyword,
    "string": String,
    "number": Number,
    "date": Literal.Date,
    "relative-date": Literal.Date,
    "member": Name.Entity,
    "option": Name.Constant,
    "punctuation": Punctuation,
    "unknown": Error,
}
"""The Pygments token type of each token kind that :func:`attioql.analyze` reports."""

_AFTER_WORD = r"(?![\w\-.@+'])"
_OPERATOR_WORDS = ("contains", "contain", "starts", "start", "ends", "end", "with", "does",
                   "between", "in", "is", "empty")
_KEYWORDS = ("and", "or", "not", "true", "false", "yes", "no", "null", "where", "order",
             "by", "asc", "desc", "limit", "offset")
_RELATIVE = ("now", "today", "yesterday", "tomorrow", "this", "last", "next", "ago")


class AttioQLLexer(RegexLexer):  # type: ignore[misc]
    """Lexer for attioql filters and queries."""

    name = "attioql"
    aliases: ClassVar[list[str]] = ["attioql"]
    filenames: ClassVar[list[str]] = ["*.attioql"]
    mimetypes: ClassVar[list[str]] = ["text/x-attioql"]
    flags = 0

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"[ \t\r\n]+", Whitespace),
            (r'"(?:[^"\\\r\n]|\\.)*"?', String.Double),
            (r"'(?:[^'\\\r\n]|\\.)*'?", String.Single),
            (r"`[^`\r\n]*`?", Name.Attribute),
            (r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?"
             + _AFTER_WORD, Literal.Date),
            (r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
             + _AFTER_WORD, String.Other),
            (r"\d{4}-\d{2}-\d{2}" + _AFTER_WORD, Literal.Date),
            (r"(?i)[+-]?\d+(?:_\d+)*(?:\s*(?:minutes?|hours?|days?|weeks?|months?|quarters?"
             r"|years?)|min|h|d|w|mo|y)" + _AFTER_WORD, Literal.Date),
            (r"[+-]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?" + _AFTER_WORD, Number),
            (r"[+-]?\d[\w\-.:@+']*", Error),
            (r">=|<=|!=|<>|=|>|<", Operator),
            (words(_OPERATOR_WORDS, prefix=r"(?i)", suffix=r"(?!\w)"), Operator.Word),
            (words(_KEYWORDS, prefix=r"(?i)", suffix=r"(?!\w)"), Keyword),
            (words(_RELATIVE, prefix=r"(?i)", suffix=r"(?![\w\-.@+'])"), Literal.Date),
            (r"([A-Za-z_][A-Za-z0-9_]*)(\s*)(\.)", bygroups(Name.Attribute, Whitespace,
                                                            Punctuation)),
            (r"([A-Za-z_][A-Za-z0-9_]*)(?=\s*(?:[=<>!(]|(?i:not|in|is|contains?|starts?|ends?"
             r"|does|between)(?!\w)))", Name.Attribute),
            (r"[^\W\d_][\w\-.@+']*", Text),
            (r"[()\[\],./]", Punctuation),
            (r"[+-]", Operator),
            (r".", Error),
        ],
    }
