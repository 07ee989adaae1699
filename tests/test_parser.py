"""The parser: tree structure, precedence, spans, keywords and literals."""

from __future__ import annotations

import pytest

from attioql import ast
from attioql.errors import ParseError
from attioql.parser import Limits, get_parser, parse_filter, parse_query


def cond(path: str, operator: ast.Operator, *values: ast.Value, negated: bool = False) -> ast.Condition:
    segments = tuple(ast.Segment(name) for name in path.split("."))
    return ast.Condition(ast.Path(segments), ast.Predicate(operator, negated, values))


def word(text: str) -> ast.Literal:
    return ast.Literal("word", text)


def test_precedence_not_and_or() -> None:
    tree = parse_filter("not a = 1 and b = 2 or c = 3")
    one = ast.Literal("number", "1")
    expected = ast.Or((
        ast.And((ast.Not(cond("a", "=", one)), cond("b", "=", ast.Literal("number", "2")))),
        cond("c", "=", ast.Literal("number", "3")),
    ))
    assert tree == expected


def test_parentheses_add_no_node() -> None:
    assert parse_filter("((a = x))") == cond("a", "=", word("x"))


def test_equality_ignores_spans() -> None:
    assert parse_filter("a = x") == parse_filter("  a   =   x  ")


def test_spans_point_into_the_text() -> None:
    text = "company.name contains 'acme'"
    tree = parse_filter(text)
    assert isinstance(tree, ast.Condition)
    assert tree.span == (0, len(text))
    assert tree.path.span == (0, 12)
    assert [s.span for s in tree.path.segments] == [(0, 7), (8, 12)]
    assert tree.predicate.operator_span == (13, 21)
    assert tree.predicate.values[0].span == (22, 28)
    assert tree.predicate.values[0] == ast.Literal("string", "acme", True)


@pytest.mark.parametrize(("text", "operator", "negated", "spelling"), [
    ("a = x", "=", False, "="),
    ("a != x", "=", True, "!="),
    ("a <> x", "=", True, "<>"),
    ("a is x", "=", False, "is"),
    ("a IS NOT x", "=", True, "is not"),
    ("a > x", ">", False, ">"),
    ("a >= x", ">=", False, ">="),
    ("a < x", "<", False, "<"),
    ("a <= x", "<=", False, "<="),
    ("a contains x", "contains", False, "contains"),
    ("a contain x", "contains", False, "contain"),
    ("a not contains x", "contains", True, "not contains"),
    ("a does not contain x", "contains", True, "does not contain"),
    ("a starts with x", "starts_with", False, "starts with"),
    ("a start with x", "starts_with", False, "start with"),
    ("a not starts with x", "starts_with", True, "not starts with"),
    ("a ends with x", "ends_with", False, "ends with"),
    ("a does not end with x", "ends_with", True, "does not end with"),
])
def test_operators(text: str, operator: str, negated: bool, spelling: str) -> None:
    tree = parse_filter(text)
    assert isinstance(tree, ast.Condition)
    assert tree.predicate.operator == operator
    assert tree.predicate.negated is negated
    assert tree.predicate.spelling == spelling


def test_empty_and_in_and_between() -> None:
    assert parse_filter("a is empty") == cond("a", "not_empty", negated=True)
    assert parse_filter("a is not empty") == cond("a", "not_empty")
    assert parse_filter("a in [x, y,]") == cond("a", "in", word("x"), word("y"))
    assert parse_filter("a not in (x)") == cond("a", "in", word("x"), negated=True)
    low, high = ast.Literal("number", "1"), ast.Literal("number", "5")
    assert parse_filter("a between 1 and 5") == cond("a", "between", low, high)
    assert parse_filter("a not between 1 and 5") == cond("a", "between", low, high, negated=True)


@pytest.mark.parametrize(("text", "kind", "value"), [
    ('"a \\"b\\" \\\\ \\n \\t \\r \\u00e9"', "string", 'a "b" \\ \n \t \r é'),
    ("'it\\'s'", "string", "it's"),
    ("42", "number", "42"),
    ("-3", "number", "-3"),
    ("+44", "number", "+44"),
    ("1.5", "number", "1.5"),
    ("1_000_000", "number", "1_000_000"),
    ("8c1e0f0a-1111-4222-8333-944455556666", "uuid", "8c1e0f0a-1111-4222-8333-944455556666"),
    ("2023-11-01", "date", "2023-11-01"),
    ("2023-11-01T09:30", "datetime", "2023-11-01T09:30"),
    ("2023-11-01t09:30:15.250z", "datetime", "2023-11-01t09:30:15.250z"),
    ("2023-11-01T09:30+02:00", "datetime", "2023-11-01T09:30+02:00"),
    ("7d", "duration", "7d"),
    ("-7d", "duration", "-7d"),
    ("30min", "duration", "30min"),
    ("7 days", "duration", "7 days"),
    ("3mo", "duration", "3mo"),
    ("tom@example.com", "word", "tom@example.com"),
    ("O'Neill", "word", "O'Neill"),
    ("Zürich", "word", "Zürich"),
    ("acme.com", "word", "acme.com"),
    ("true", "boolean", "true"),
    ("YES", "boolean", "YES"),
    ("null", "null", "null"),
    ("android", "word", "android"),
    ("notes", "word", "notes"),
])
def test_literals(text: str, kind: str, value: str) -> None:
    tree = parse_filter(f"a = {text}")
    assert isinstance(tree, ast.Condition)
    literal = tree.predicate.values[0]
    assert isinstance(literal, ast.Literal)
    assert (literal.kind, literal.text) == (kind, value)


@pytest.mark.parametrize(("text", "form", "base", "sign", "amount", "unit"), [
    ("now-7d", "offset", "now", "", "-7", "d"),
    ("now - 7d", "offset", "now", "-", "7", "d"),
    ("now -7d", "offset", "now", "", "-7", "d"),
    ("today + 1 week", "offset", "today", "+", "1", "week"),
    ("3 days ago", "ago", "ago", "", "3", "days"),
    ("3d ago", "ago", "ago", "", "3", "d"),
    ("this week", "period", "this", "", "", "week"),
    ("LAST month", "period", "LAST", "", "", "month"),
    ("last 30 days", "rolling", "last", "", "30", "days"),
    ("next 2w", "rolling", "next", "", "2", "w"),
])
def test_relative_dates(text: str, form: str, base: str, sign: str, amount: str, unit: str) -> None:
    tree = parse_filter(f"a = {text}")
    assert isinstance(tree, ast.Condition)
    value = tree.predicate.values[0]
    assert isinstance(value, ast.Relative)
    assert (value.form, value.base, value.sign, value.amount, value.unit) == (
        form, base, sign, amount, unit)


def test_keywords_are_whole_words_and_case_insensitive() -> None:
    tree = parse_filter("android_users = 1 AnD order_total = 2")
    assert isinstance(tree, ast.And)
    assert [c.path.text for c in tree.operands] == ["android_users", "order_total"]  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["a = or", "a = and", "a = not", "a = limit", "limit = 3",
                                  "a = where", "a = 1 andy = 2"])
def test_reserved_words_are_syntax_errors(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_filter(text)
    assert caught.value.code.startswith("syntax.")


def test_backticks_allow_keywords_and_titles() -> None:
    tree = parse_filter("`limit` > 3 and `Job title` = x")
    assert isinstance(tree, ast.And)
    first, second = tree.operands
    assert isinstance(first, ast.Condition) and isinstance(second, ast.Condition)
    assert first.path.segments == (ast.Segment("limit", True),)
    assert second.path.segments == (ast.Segment("Job title", True),)


def test_group_members() -> None:
    tree = parse_filter("e(domain = x and < 3)")
    assert isinstance(tree, ast.Group)
    assert tree.members[0].path == ast.Path((ast.Segment("domain"),))
    assert tree.members[1].path is None
    assert tree.members[1].predicate.operator == "<"


def test_query_clauses() -> None:
    query = parse_query("lists/x where a = 1 order by b.c desc, d limit 5 offset 10")
    assert query.target == ast.Target("x", "lists")
    assert [s.direction for s in query.sorts] == ["desc", "asc"]
    assert query.sorts[0].path.text == "b.c"
    assert query.limit == ast.Literal("number", "5")
    assert query.offset == ast.Literal("number", "10")


def test_blank_filter_is_none() -> None:
    assert parse_filter("") is None
    assert parse_filter("  \n\t ") is None


def test_parser_is_built_once() -> None:
    assert get_parser() is get_parser()


@pytest.mark.parametrize(("text", "code", "span"), [
    ("(" * 65 + "a = 1" + ")" * 65, "limit.depth", (0, 1)),
    ("not " * 65 + "a = 1", "limit.depth", (0, 3)),
    ("a = 1" + " and a = 1" * 500, "limit.conditions", (5000, 5005)),
])
def test_limits(text: str, code: str, span: tuple[int, int]) -> None:
    with pytest.raises(ParseError) as caught:
        parse_filter(text, Limits(max_length=100_000))
    assert (caught.value.code, caught.value.span) == (code, span)


def test_depth_limit_stops_deep_input_without_recursion_error() -> None:
    for text in ("(" * 5000 + "a = 1" + ")" * 5000, "not " * 5000 + "a = 1"):
        with pytest.raises(ParseError) as caught:
            parse_filter(text, Limits(max_length=100_000))
        assert caught.value.code == "limit.depth"


def test_list_size_limit() -> None:
    text = "a in [" + ", ".join(str(n) for n in range(1001)) + "]"
    with pytest.raises(ParseError) as caught:
        parse_filter(text)
    assert caught.value.code == "limit.list_size"
    assert text[caught.value.span[0]:caught.value.span[1]] == "1000]"


def test_length_limit() -> None:
    with pytest.raises(ParseError) as caught:
        parse_filter("a = " + "x" * 10_000)
    assert caught.value.code == "limit.length"
    assert caught.value.span == (10_000, 10_004)


def test_limits_are_configurable() -> None:
    assert parse_filter("((a = 1))", Limits(max_depth=2)) is not None
    with pytest.raises(ParseError):
        parse_filter("(((a = 1)))", Limits(max_depth=2))
