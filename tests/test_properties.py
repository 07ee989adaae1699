"""Properties over arbitrary text: attioql either compiles or raises AttioQLError."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

import attioql

NOW = datetime(2024, 1, 17, 15, 30, tzinfo=timezone.utc)

# Fragments that reach deep into the grammar, mixed with arbitrary characters.
FRAGMENTS = st.sampled_from([
    "name", "tier", "owner", "created_at", "renewal_date", "fit_score", "domains",
    "primary_location.city", "last_email_interaction.owner", "company.name", "team",
    "email_addresses", "`Job title`", "parent_record", " = ", " != ", " > ", " >= ", " in ",
    " not in ", " contains ", " starts with ", " is empty", " is not empty", " between ",
    " and ", " or ", "not ", "(", ")", "[", "]", ",", ".", "smb", "tom", "me", "ann",
    '"quoted"', "'x'", "42", "-3", "1.5", "2024-01-10", "2024-01-10T09:30Z", "-7d",
    "now - 7d", "this week", "last 30 days", "3 days ago", "today", "null", "true", "yes",
    "8c1e0f0a-1111-4222-8333-944455556666", "1-10", "3m", "1.5h", "\\", '"', "`", "é", "\n",
])

TEXTS = st.one_of(
    st.text(max_size=200),
    st.lists(FRAGMENTS, max_size=25).map("".join),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=3)), max_size=25).map("".join),
)


@settings(max_examples=1500)
@given(text=TEXTS, target=st.sampled_from(["companies", "people", "deals", "sales_pipeline"]))
def test_any_text_compiles_or_raises_attioql_error(text: str, target: str) -> None:
    try:
        result = attioql.compile_filter(text, target=target, schema="demo", now=NOW,
                                        current_member="tom")
    except attioql.AttioQLError as error:
        assert error.errors
        for diagnostic in error.errors:
            start, end = diagnostic.span
            assert 0 <= start <= end <= len(text), (diagnostic, len(text))
            assert diagnostic.code.split(".")[0] in (
                "syntax", "unknown", "operator", "value", "ambiguous", "limit")
            assert diagnostic.message
        str(error)
        return
    assert isinstance(result, dict)


@settings(max_examples=500)
@given(text=TEXTS)
def test_check_never_raises_for_text(text: str) -> None:
    for diagnostic in attioql.check(text, target="companies", schema="demo", now=NOW):
        start, end = diagnostic.span
        assert 0 <= start <= end <= len(text)
        assert diagnostic.severity in ("error", "warning")


@settings(max_examples=200)
@given(piece=st.lists(FRAGMENTS, min_size=1, max_size=8).map("".join),
       size=st.integers(min_value=9_000, max_value=10_100))
def test_text_near_the_length_limit(piece: str, size: int) -> None:
    text = (piece * (size // len(piece) + 1))[:size]
    try:
        attioql.compile_filter(text, target="companies", schema="demo", now=NOW)
    except attioql.AttioQLError as error:
        assert 0 <= error.span[0] <= error.span[1] <= len(text)
