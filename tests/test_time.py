"""Relative dates, calendar periods and time zones: exact output for a fixed `now`.

Each table row gives the zone, the `now`, the filter and the exact JSON. The comment above
a row explains its bounds (a 23-hour day, a clamped month, ...).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any

import pytest

import attioql
from attioql.cli import main

UTC = timezone.utc


def at(text: str) -> datetime:
    """An aware datetime from ISO text with `Z`."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def compile_at(text: str, now: str, zone: str = "UTC", target: str = "companies",
               week_start: int = 0) -> dict[str, Any]:
    return attioql.compile_filter(text, target=target, schema="demo", now=at(now),
                                  timezone=zone, week_start=week_start, cache=False)


def span(start: str, end: str) -> dict[str, str]:
    return {"$gte": start, "$lt": end}


# Zones, daylight saving and calendar edges ----------------------------------------------

# (id, zone, now, filter on companies, expected JSON)
ZONE_CASES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    # New York, spring forward on 2024-03-10 at 02:00 EST (-05) to 03:00 EDT (-04).
    ("ny-spring-day-is-23-hours", "America/New_York", "2024-03-10T12:00:00Z",
     "created_at = today",
     {"created_at": span("2024-03-10T05:00:00.000Z", "2024-03-11T04:00:00.000Z")}),
    ("ny-spring-now-minus-1d-is-23-hours", "America/New_York", "2024-03-10T16:00:00Z",
     "created_at = now - 1d", {"created_at": {"$eq": "2024-03-09T17:00:00.000Z"}}),
    ("ny-spring-now-minus-24h-is-exact", "America/New_York", "2024-03-10T16:00:00Z",
     "created_at = now - 24h", {"created_at": {"$eq": "2024-03-09T16:00:00.000Z"}}),
    # 02:30 on 2024-03-10 does not exist; the wall-clock time moves forward by the gap.
    ("ny-spring-wall-time-in-gap", "America/New_York", "2024-03-09T07:30:00Z",
     "created_at = now + 1d", {"created_at": {"$eq": "2024-03-10T07:30:00.000Z"}}),
    ("ny-spring-datetime-literal-in-gap", "America/New_York", "2024-03-12T12:00:00Z",
     "created_at = 2024-03-10T02:30", {"created_at": {"$eq": "2024-03-10T07:30:00.000Z"}}),
    ("ny-spring-week-is-167-hours", "America/New_York", "2024-03-06T12:00:00Z",
     "created_at = this week",
     {"created_at": span("2024-03-04T05:00:00.000Z", "2024-03-11T04:00:00.000Z")}),
    ("ny-spring-last-7-days", "America/New_York", "2024-03-12T16:00:00Z",
     "created_at = last 7 days",
     {"created_at": span("2024-03-05T17:00:00.000Z", "2024-03-12T16:00:00.000Z")}),
    # New York, fall back on 2024-11-03 at 02:00 EDT to 01:00 EST.
    ("ny-fall-day-is-25-hours", "America/New_York", "2024-11-03T12:00:00Z",
     "created_at = today",
     {"created_at": span("2024-11-03T04:00:00.000Z", "2024-11-04T05:00:00.000Z")}),
    ("ny-fall-now-minus-1d-is-25-hours", "America/New_York", "2024-11-03T17:00:00Z",
     "created_at = now - 1d", {"created_at": {"$eq": "2024-11-02T16:00:00.000Z"}}),
    # 01:30 on 2024-11-03 happens twice; a shift keeps the fold of `now` (the first).
    ("ny-fall-repeated-hour-takes-first", "America/New_York", "2024-11-04T06:30:00Z",
     "created_at = now - 1d", {"created_at": {"$eq": "2024-11-03T05:30:00.000Z"}}),
    ("ny-fall-datetime-literal-repeated", "America/New_York", "2024-11-05T12:00:00Z",
     "created_at = 2024-11-03T01:30", {"created_at": {"$eq": "2024-11-03T05:30:00.000Z"}}),
    ("ny-fall-month", "America/New_York", "2024-11-20T12:00:00Z", "created_at = this month",
     {"created_at": span("2024-11-01T04:00:00.000Z", "2024-12-01T05:00:00.000Z")}),
    # Lord Howe: a 30-minute shift, +10:30 in winter and +11:00 in summer.
    ("lord-howe-april-day-is-24h30", "Australia/Lord_Howe", "2024-04-07T00:00:00Z",
     "created_at = today",
     {"created_at": span("2024-04-06T13:00:00.000Z", "2024-04-07T13:30:00.000Z")}),
    ("lord-howe-april-now-minus-1d", "Australia/Lord_Howe", "2024-04-07T00:00:00Z",
     "created_at = now - 1d", {"created_at": {"$eq": "2024-04-05T23:30:00.000Z"}}),
    ("lord-howe-october-day-is-23h30", "Australia/Lord_Howe", "2024-10-06T03:00:00Z",
     "created_at = today",
     {"created_at": span("2024-10-05T13:30:00.000Z", "2024-10-06T13:00:00.000Z")}),
    ("lord-howe-october-now-minus-1d", "Australia/Lord_Howe", "2024-10-06T03:00:00Z",
     "created_at = now - 1d", {"created_at": {"$eq": "2024-10-05T03:30:00.000Z"}}),
    # Santiago moves its clocks at midnight: on 2024-09-08 the day starts at 01:00.
    ("santiago-day-without-midnight", "America/Santiago", "2024-09-08T12:00:00Z",
     "created_at = today",
     {"created_at": span("2024-09-08T04:00:00.000Z", "2024-09-09T03:00:00.000Z")}),
    ("santiago-day-before-repeated-hour", "America/Santiago", "2024-04-07T12:00:00Z",
     "created_at = yesterday",
     {"created_at": span("2024-04-06T03:00:00.000Z", "2024-04-07T04:00:00.000Z")}),
    # Tokyo (+09:00): 16:00 UTC on 31 January is already 1 February, a leap-year February.
    ("tokyo-today-is-tomorrow-in-utc", "Asia/Tokyo", "2024-01-17T15:30:00Z",
     "created_at = today",
     {"created_at": span("2024-01-17T15:00:00.000Z", "2024-01-18T15:00:00.000Z")}),
    ("tokyo-this-month-leap-february", "Asia/Tokyo", "2024-01-31T16:00:00Z",
     "created_at = this month",
     {"created_at": span("2024-01-31T15:00:00.000Z", "2024-02-29T15:00:00.000Z")}),
    ("tokyo-date-this-month", "Asia/Tokyo", "2024-01-31T16:00:00Z",
     "renewal_date = this month", {"renewal_date": {"$gte": "2024-02-01", "$lte": "2024-02-29"}}),
    # Kolkata (+05:30): 19:00 UTC on 31 March is 00:30 on 1 April, the second quarter.
    ("kolkata-this-quarter", "Asia/Kolkata", "2024-03-31T19:00:00Z",
     "created_at = this quarter",
     {"created_at": span("2024-03-31T18:30:00.000Z", "2024-06-30T18:30:00.000Z")}),
    ("kolkata-last-quarter", "Asia/Kolkata", "2024-03-31T19:00:00Z",
     "created_at = last quarter",
     {"created_at": span("2023-12-31T18:30:00.000Z", "2024-03-31T18:30:00.000Z")}),
    ("kolkata-this-year-already-next", "Asia/Kolkata", "2024-12-31T19:00:00Z",
     "created_at = this year",
     {"created_at": span("2024-12-31T18:30:00.000Z", "2025-12-31T18:30:00.000Z")}),
    ("kolkata-date-yesterday", "Asia/Kolkata", "2024-03-31T19:00:00Z",
     "renewal_date = yesterday", {"renewal_date": {"$eq": "2024-03-31"}}),
    # Month ends clamp to the last day of the month; leap days.
    ("utc-31-jan-plus-1mo-leap", "UTC", "2024-01-31T10:00:00Z", "created_at = now + 1mo",
     {"created_at": {"$eq": "2024-02-29T10:00:00.000Z"}}),
    ("utc-31-jan-plus-1mo-common", "UTC", "2023-01-31T10:00:00Z", "created_at = now + 1mo",
     {"created_at": {"$eq": "2023-02-28T10:00:00.000Z"}}),
    ("utc-31-mar-minus-1mo", "UTC", "2024-03-31T10:00:00Z", "created_at = now - 1 month",
     {"created_at": {"$eq": "2024-02-29T10:00:00.000Z"}}),
    ("utc-29-feb-plus-1y", "UTC", "2024-02-29T10:00:00Z", "created_at = now + 1y",
     {"created_at": {"$eq": "2025-02-28T10:00:00.000Z"}}),
    ("utc-29-feb-minus-4y", "UTC", "2024-02-29T10:00:00Z", "created_at = now - 4 years",
     {"created_at": {"$eq": "2020-02-29T10:00:00.000Z"}}),
    ("utc-30-nov-plus-1-quarter", "UTC", "2024-11-30T10:00:00Z",
     "renewal_date = today + 1 quarter", {"renewal_date": {"$eq": "2025-02-28"}}),
    ("utc-date-31-jan-plus-1mo", "UTC", "2024-01-31T10:00:00Z", "renewal_date = +1mo",
     {"renewal_date": {"$eq": "2024-02-29"}}),
    ("utc-date-yesterday-is-leap-day", "UTC", "2024-03-01T10:00:00Z",
     "renewal_date = yesterday", {"renewal_date": {"$eq": "2024-02-29"}}),
    ("utc-3-months-ago-clamps", "UTC", "2024-05-31T10:00:00Z", "created_at > 3 months ago",
     {"created_at": {"$gt": "2024-02-29T10:00:00.000Z"}}),
    # Year and quarter boundaries.
    ("utc-next-month-from-31-jan", "UTC", "2024-01-31T10:00:00Z", "created_at = next month",
     {"created_at": span("2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z")}),
    ("utc-last-month-from-31-mar", "UTC", "2024-03-31T10:00:00Z", "created_at = last month",
     {"created_at": span("2024-02-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z")}),
    ("utc-next-year-on-new-years-eve", "UTC", "2024-12-31T23:59:00Z", "created_at = next year",
     {"created_at": span("2025-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z")}),
    ("utc-next-quarter-crosses-year", "UTC", "2024-12-15T10:00:00Z",
     "created_at = next quarter",
     {"created_at": span("2025-01-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z")}),
    ("utc-last-quarter-crosses-year", "UTC", "2024-02-15T10:00:00Z",
     "renewal_date = last quarter",
     {"renewal_date": {"$gte": "2023-10-01", "$lte": "2023-12-31"}}),
    ("utc-last-week-crosses-year", "UTC", "2024-01-03T10:00:00Z", "created_at = last week",
     {"created_at": span("2023-12-25T00:00:00.000Z", "2024-01-01T00:00:00.000Z")}),
    ("utc-this-year-date", "UTC", "2024-06-15T10:00:00Z", "renewal_date = this year",
     {"renewal_date": {"$gte": "2024-01-01", "$lte": "2024-12-31"}}),
    ("utc-last-2-quarters-rolling", "UTC", "2024-08-31T10:00:00Z",
     "created_at = last 2 quarters",
     {"created_at": span("2024-02-29T10:00:00.000Z", "2024-08-31T10:00:00.000Z")}),
]


@pytest.mark.parametrize(("zone", "now", "text", "expected"),
                         [case[1:] for case in ZONE_CASES], ids=[case[0] for case in ZONE_CASES])
def test_zone_table(zone: str, now: str, text: str, expected: dict[str, Any]) -> None:
    assert compile_at(text, now, zone) == expected


# Every form and operator at one `now` ----------------------------------------------------

NOW = "2024-01-17T15:30:00Z"  # a Wednesday

# (filter, target, expected JSON), all at NOW in UTC.
RULE_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # Instants on a timestamp compare directly.
    ("created_at = now", "companies", {"created_at": {"$eq": "2024-01-17T15:30:00.000Z"}}),
    ("created_at > now - 7d", "companies", {"created_at": {"$gt": "2024-01-10T15:30:00.000Z"}}),
    ("created_at > now-7d", "companies", {"created_at": {"$gt": "2024-01-10T15:30:00.000Z"}}),
    ("created_at > now -7d", "companies", {"created_at": {"$gt": "2024-01-10T15:30:00.000Z"}}),
    ("created_at >= -7d", "companies", {"created_at": {"$gte": "2024-01-10T15:30:00.000Z"}}),
    ("created_at < +2w", "companies", {"created_at": {"$lt": "2024-01-31T15:30:00.000Z"}}),
    ("created_at <= now + 90min", "companies",
     {"created_at": {"$lte": "2024-01-17T17:00:00.000Z"}}),
    ("created_at > now - 12 hours", "companies",
     {"created_at": {"$gt": "2024-01-17T03:30:00.000Z"}}),
    ("created_at > 3 days ago", "companies", {"created_at": {"$gt": "2024-01-14T15:30:00.000Z"}}),
    ("created_at > 3d ago", "companies", {"created_at": {"$gt": "2024-01-14T15:30:00.000Z"}}),
    ("created_at > 2 weeks ago", "companies",
     {"created_at": {"$gt": "2024-01-03T15:30:00.000Z"}}),
    ("created_at = NOW + 1_000d", "companies",
     {"created_at": {"$eq": "2026-10-13T15:30:00.000Z"}}),
    # Periods on a timestamp: = widens, > and <= use the end, >= and < the start.
    ("created_at = today", "companies",
     {"created_at": span("2024-01-17T00:00:00.000Z", "2024-01-18T00:00:00.000Z")}),
    ("created_at > today", "companies", {"created_at": {"$gte": "2024-01-18T00:00:00.000Z"}}),
    ("created_at >= today", "companies", {"created_at": {"$gte": "2024-01-17T00:00:00.000Z"}}),
    ("created_at < today", "companies", {"created_at": {"$lt": "2024-01-17T00:00:00.000Z"}}),
    ("created_at <= today", "companies", {"created_at": {"$lt": "2024-01-18T00:00:00.000Z"}}),
    ("created_at = yesterday", "companies",
     {"created_at": span("2024-01-16T00:00:00.000Z", "2024-01-17T00:00:00.000Z")}),
    ("created_at = tomorrow", "companies",
     {"created_at": span("2024-01-18T00:00:00.000Z", "2024-01-19T00:00:00.000Z")}),
    ("created_at = today - 1 week", "companies",
     {"created_at": span("2024-01-10T00:00:00.000Z", "2024-01-11T00:00:00.000Z")}),
    ("created_at = yesterday + 2d", "companies",
     {"created_at": span("2024-01-18T00:00:00.000Z", "2024-01-19T00:00:00.000Z")}),
    ("created_at = This Week", "companies",
     {"created_at": span("2024-01-15T00:00:00.000Z", "2024-01-22T00:00:00.000Z")}),
    ("created_at = last week", "companies",
     {"created_at": span("2024-01-08T00:00:00.000Z", "2024-01-15T00:00:00.000Z")}),
    ("created_at = next week", "companies",
     {"created_at": span("2024-01-22T00:00:00.000Z", "2024-01-29T00:00:00.000Z")}),
    ("created_at = this quarter", "companies",
     {"created_at": span("2024-01-01T00:00:00.000Z", "2024-04-01T00:00:00.000Z")}),
    ("created_at = last year", "companies",
     {"created_at": span("2023-01-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z")}),
    ("created_at = last 30 days", "companies",
     {"created_at": span("2023-12-18T15:30:00.000Z", "2024-01-17T15:30:00.000Z")}),
    ("created_at = LAST 3H", "companies",
     {"created_at": span("2024-01-17T12:30:00.000Z", "2024-01-17T15:30:00.000Z")}),
    ("created_at = next 2w", "companies",
     {"created_at": span("2024-01-17T15:30:00.000Z", "2024-01-31T15:30:00.000Z")}),
    ("created_at = next 45 minutes", "companies",
     {"created_at": span("2024-01-17T15:30:00.000Z", "2024-01-17T16:15:00.000Z")}),
    # between: a period gives its start and end, an instant I acts as [I, I].
    ("created_at between last week and this week", "companies",
     {"created_at": span("2024-01-08T00:00:00.000Z", "2024-01-22T00:00:00.000Z")}),
    ("created_at between 2024-01-01 and now", "companies",
     {"created_at": {"$gte": "2024-01-01T00:00:00.000Z", "$lte": "2024-01-17T15:30:00.000Z"}}),
    ("created_at between now and tomorrow", "companies",
     {"created_at": {"$gte": "2024-01-17T15:30:00.000Z", "$lt": "2024-01-19T00:00:00.000Z"}}),
    ("created_at between -7d and now", "companies",
     {"created_at": {"$gte": "2024-01-10T15:30:00.000Z", "$lte": "2024-01-17T15:30:00.000Z"}}),
    # Negations wrap the positive condition.
    ("created_at != this week", "companies",
     {"$not": {"created_at": span("2024-01-15T00:00:00.000Z", "2024-01-22T00:00:00.000Z")}}),
    ("created_at <> now", "companies",
     {"$not": {"created_at": {"$eq": "2024-01-17T15:30:00.000Z"}}}),
    ("created_at is not today", "companies",
     {"$not": {"created_at": span("2024-01-17T00:00:00.000Z", "2024-01-18T00:00:00.000Z")}}),
    ("created_at not between last month and now", "companies",
     {"$not": {"created_at": {"$gte": "2023-12-01T00:00:00.000Z",
                              "$lte": "2024-01-17T15:30:00.000Z"}}}),
    ("created_at in (today, yesterday)", "companies",
     {"$or": [{"created_at": span("2024-01-17T00:00:00.000Z", "2024-01-18T00:00:00.000Z")},
              {"created_at": span("2024-01-16T00:00:00.000Z", "2024-01-17T00:00:00.000Z")}]}),
    # Date attributes compare whole days [first, last].
    ("renewal_date = today", "companies", {"renewal_date": {"$eq": "2024-01-17"}}),
    ("renewal_date = now", "companies", {"renewal_date": {"$eq": "2024-01-17"}}),
    ("renewal_date = now - 16h", "companies", {"renewal_date": {"$eq": "2024-01-16"}}),
    ("renewal_date = -7d", "companies", {"renewal_date": {"$eq": "2024-01-10"}}),
    ("renewal_date = today - 7d", "companies", {"renewal_date": {"$eq": "2024-01-10"}}),
    ("renewal_date = 3 days ago", "companies", {"renewal_date": {"$eq": "2024-01-14"}}),
    ("renewal_date = this week", "companies",
     {"renewal_date": {"$gte": "2024-01-15", "$lte": "2024-01-21"}}),
    ("renewal_date > this week", "companies", {"renewal_date": {"$gt": "2024-01-21"}}),
    ("renewal_date >= this week", "companies", {"renewal_date": {"$gte": "2024-01-15"}}),
    ("renewal_date < this week", "companies", {"renewal_date": {"$lt": "2024-01-15"}}),
    ("renewal_date <= this week", "companies", {"renewal_date": {"$lte": "2024-01-21"}}),
    ("renewal_date = last 7 days", "companies",
     {"renewal_date": {"$gte": "2024-01-10", "$lte": "2024-01-17"}}),
    ("renewal_date = next 7 days", "companies",
     {"renewal_date": {"$gte": "2024-01-17", "$lte": "2024-01-24"}}),
    ("renewal_date = last month", "companies",
     {"renewal_date": {"$gte": "2023-12-01", "$lte": "2023-12-31"}}),
    ("renewal_date between last month and today", "companies",
     {"renewal_date": {"$gte": "2023-12-01", "$lte": "2024-01-17"}}),
    ("renewal_date != last month", "companies",
     {"$not": {"renewal_date": {"$gte": "2023-12-01", "$lte": "2023-12-31"}}}),
    ("renewal_date not between -30d and +30d", "companies",
     {"$not": {"renewal_date": {"$gte": "2023-12-18", "$lte": "2024-02-16"}}}),
    # Every timestamp: active_from of select and status, interacted_at of interactions.
    ("stage.active_from >= this week", "deals",
     {"stage": {"active_from": {"$gte": "2024-01-15T00:00:00.000Z"}}}),
    ("stage.active_from = last month", "deals",
     {"stage": {"active_from": span("2023-12-01T00:00:00.000Z", "2024-01-01T00:00:00.000Z")}}),
    ("stage.active_from > 3 days ago", "deals",
     {"stage": {"active_from": {"$gt": "2024-01-14T15:30:00.000Z"}}}),
    ("stage.active_from between last week and now", "deals",
     {"stage": {"active_from": {"$gte": "2024-01-08T00:00:00.000Z",
                                "$lte": "2024-01-17T15:30:00.000Z"}}}),
    ("stage.active_from != this week", "deals",
     {"$not": {"stage": {"active_from": span("2024-01-15T00:00:00.000Z",
                                             "2024-01-22T00:00:00.000Z")}}}),
    ("tier.active_from < last 90 days", "companies",
     {"tier": {"active_from": {"$lt": "2023-10-19T15:30:00.000Z"}}}),
    ("last_calendar_interaction.interacted_at = last week", "companies",
     {"last_calendar_interaction": {"interacted_at": span("2024-01-08T00:00:00.000Z",
                                                          "2024-01-15T00:00:00.000Z")}}),
    ("last_email_interaction > -30d", "companies",
     {"last_email_interaction": {"interacted_at": {"$gt": "2023-12-18T15:30:00.000Z"}}}),
    ("next_calendar_interaction.at <= next week", "companies",
     {"next_calendar_interaction": {"interacted_at": {"$lt": "2024-01-29T00:00:00.000Z"}}}),
    ("last_calendar_interaction not between yesterday and today", "companies",
     {"$not": {"last_calendar_interaction": {"interacted_at": span(
         "2024-01-16T00:00:00.000Z", "2024-01-18T00:00:00.000Z")}}}),
    # On a text attribute the words are plain text.
    ("job_title = next", "people", {"job_title": {"$eq": "next"}}),
    ("job_title = last week", "people", {"job_title": {"$eq": "last week"}}),
]


@pytest.mark.parametrize(("text", "target", "expected"), RULE_CASES,
                         ids=[case[0] for case in RULE_CASES])
def test_rule_table(text: str, target: str, expected: dict[str, Any]) -> None:
    assert compile_at(text, NOW, target=target) == expected


def test_now_keeps_milliseconds() -> None:
    result = compile_at("created_at > now", "2024-01-17T15:30:00.123456Z")
    assert result == {"created_at": {"$gt": "2024-01-17T15:30:00.123Z"}}


def test_datetime_literal_keeps_its_digits() -> None:
    result = compile_at("created_at > 2024-01-17T15:30:00.1234567Z", NOW)
    assert result == {"created_at": {"$gt": "2024-01-17T15:30:00.123456700Z"}}


# Week start ------------------------------------------------------------------------------

WEEK_START_CASES = [
    # (week_start, now, expected start, expected end); 2024-01-14 is a Sunday.
    (0, "2024-01-17T15:30:00Z", "2024-01-15T00:00:00.000Z", "2024-01-22T00:00:00.000Z"),
    (6, "2024-01-17T15:30:00Z", "2024-01-14T00:00:00.000Z", "2024-01-21T00:00:00.000Z"),
    (0, "2024-01-14T15:30:00Z", "2024-01-08T00:00:00.000Z", "2024-01-15T00:00:00.000Z"),
    (6, "2024-01-14T15:30:00Z", "2024-01-14T00:00:00.000Z", "2024-01-21T00:00:00.000Z"),
    (2, "2024-01-16T15:30:00Z", "2024-01-10T00:00:00.000Z", "2024-01-17T00:00:00.000Z"),
]


@pytest.mark.parametrize(("week_start", "now", "start", "end"), WEEK_START_CASES)
def test_week_start_option(week_start: int, now: str, start: str, end: str) -> None:
    result = compile_at("created_at = this week", now, week_start=week_start)
    assert result == {"created_at": span(start, end)}


@pytest.mark.parametrize("week_start", [-1, 7, True, 1.0])
def test_week_start_out_of_range(week_start: Any) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("created_at = this week", target="companies", schema="demo",
                               now=at(NOW), week_start=week_start, cache=False)
    assert caught.value.code == "value.invalid_option"
    assert caught.value.message == (
        f"`week_start` must be a weekday number from 0 to 6, not {week_start!r}.")
    assert caught.value.hint == "pass 0 for Monday up to 6 for Sunday"


def test_check_honours_week_start() -> None:
    resolved = attioql.resolve_dates("created_at = this week", target="companies",
                                     schema="demo", now=at(NOW), week_start=6)
    assert [str(item) for item in resolved] == ["this week = 2024-01-14 .. 2024-01-20, UTC"]
    diagnostics = attioql.check("created_at = last weeks", target="companies",
                                schema="demo", now=at(NOW), week_start=6)
    assert [d.hint for d in diagnostics] == ["write `last week` (2024-01-07 .. 2024-01-13, UTC)"]


# Rejected on purpose ---------------------------------------------------------------------

# (filter, code, span, message, hint), all on companies at NOW in UTC.
ERROR_CASES: list[tuple[str, str, tuple[int, int], str, str]] = [
    ("created_at > 7d", "value.unsigned_duration", (13, 15),
     "`7d` is a length of time, not a point in time.",
     "write `-7d` (2024-01-10 15:30, UTC) for 7d ago or `+7d` (2024-01-24 15:30, UTC) for 7d "
     "from now"),
    ("renewal_date > 7d", "value.unsigned_duration", (15, 17),
     "`7d` is a length of time, not a point in time.",
     "write `-7d` (2024-01-10, UTC) for 7d ago or `+7d` (2024-01-24, UTC) for 7d from now"),
    ("created_at > now + 2", "value.invalid_relative_date", (19, 20),
     "`2` in `now + 2` has no unit.", "write a unit, such as `now + 2d` (2024-01-19 15:30, UTC)"),
    ("created_at > now - 2.5", "value.invalid_relative_date", (19, 22),
     "`2.5` in `now - 2.5` has no unit, and durations are whole numbers.",
     "write a unit, such as `now - 2d` (2024-01-15 15:30, UTC)"),
    ("created_at > now 7d", "value.invalid_relative_date", (13, 19),
     "`now 7d` needs a + or - between `now` and the duration.",
     "write `now - 7d` (2024-01-10 15:30, UTC) or `now + 7d` (2024-01-24 15:30, UTC)"),
    ("created_at > now - -7d", "value.invalid_relative_date", (13, 22),
     "`now - -7d` has two signs before the duration.",
     "write `now + 7d` (2024-01-24 15:30, UTC)"),
    ("created_at > today + 2h", "value.invalid_relative_date", (13, 23),
     "`today` is a whole day, so it moves by days, weeks, months or years, not by hours.",
     "write `now + 2h` (2024-01-17 17:30, UTC) for a moment"),
    ("created_at = this day", "value.invalid_relative_date", (13, 21),
     "`this day` is not a calendar period.", "write `today` (2024-01-17, UTC)"),
    ("created_at = last days", "value.invalid_relative_date", (13, 22),
     "`last days` is not a calendar period.", "write `yesterday` (2024-01-16, UTC)"),
    ("created_at = next weeks", "value.invalid_relative_date", (13, 23),
     "`next weeks` is not a calendar period.",
     "write `next week` (2024-01-22 .. 2024-01-28, UTC)"),
    ("created_at = this hour", "value.invalid_relative_date", (13, 22),
     "`this hour` is not a calendar period.",
     "the calendar periods are week, month, quarter and year; for a rolling range write "
     "`last 1h` (2024-01-17 14:30 .. 2024-01-17 15:30, UTC) or `next 1h` "
     "(2024-01-17 15:30 .. 2024-01-17 16:30, UTC)"),
    ("created_at = last fortnight", "value.invalid_relative_date", (13, 27),
     "`last fortnight` is not a calendar period.",
     "the calendar periods are week, month, quarter and year"),
    ("created_at = last 0 days", "value.invalid_relative_date", (13, 24),
     "`last 0 days` is an empty range of time, which matches nothing.",
     "write `last 1d` (2024-01-16 15:30 .. 2024-01-17 15:30, UTC), or `today` "
     "(2024-01-17, UTC)"),
    ("created_at > -3d ago", "value.invalid_relative_date", (13, 16),
     "`-3d ago` has a signed amount before `ago`.", "write `3d ago`"),
    ("created_at > now + 10000y", "value.invalid_relative_date", (13, 25),
     "The date falls outside the years 1 to 9999.",
     "use a smaller duration, or a date between the years 1 and 9999"),
    ("created_at > now - 99999999999999999999min", "value.invalid_relative_date", (13, 42),
     "The date falls outside the years 1 to 9999.",
     "use a smaller duration, or a date between the years 1 and 9999"),
    ("created_at = 9999-12-31", "value.invalid_relative_date", (13, 23),
     "The date falls outside the years 1 to 9999.",
     "use a smaller duration, or a date between the years 1 and 9999"),
    ("renewal_date = 2024-01-10T10:00", "value.datetime_on_date", (15, 31),
     "`2024-01-10T10:00` has a time of day, and this attribute is a date, so the time would "
     "be dropped.", "write the date alone: 2024-01-10"),
    ("created_at > 2024-02-30", "value.invalid_date", (13, 23),
     "`2024-02-30` is not a valid date.",
     "check the month and the day: dates are written YYYY-MM-DD"),
    ("created_at > last", "value.invalid_timestamp", (13, 17),
     "`last` is not a date or a datetime.",
     "write YYYY-MM-DD, YYYY-MM-DDTHH:MM or a relative date such as `today` or `-7d`"),
    ("created_at > -3m", "syntax.ambiguous_unit", (13, 16),
     "`-3m` has the unit `m`, which could mean minutes or months.",
     "write `-3min` for minutes or `-3mo` for months"),
    ("created_at > 3m ago", "syntax.ambiguous_unit", (13, 15),
     "`3m` has the unit `m`, which could mean minutes or months.",
     "write `3min` for minutes or `3mo` for months"),
    ("created_at > 1.5h", "syntax.fractional_duration", (13, 17),
     "`1.5h` is a fractional duration, and durations are whole numbers.",
     "write a whole number of a smaller unit, such as `90min`"),
    ("created_at > 1.5 hours ago", "syntax.fractional_duration", (13, 22),
     "`1.5 hours` is a fractional duration, and durations are whole numbers.",
     "write a whole number of a smaller unit, such as `90min`"),
    ("created_at > now + 3 mo", "syntax.invalid_literal", (19, 23),
     "`3 mo` has a space before the unit `mo`.",
     "write `3mo`; only the unit words, such as `3 months`, may follow a space"),
]


@pytest.mark.parametrize(("text", "code", "error_span", "message", "hint"), ERROR_CASES,
                         ids=[case[0] for case in ERROR_CASES])
def test_error_table(text: str, code: str, error_span: tuple[int, int], message: str,
                     hint: str) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        compile_at(text, NOW)
    error = caught.value
    assert error.code == code
    assert error.span == error_span
    assert error.message == message
    assert error.hint == hint


def test_instant_where_attio_needs_a_range() -> None:
    # `active_from` has no `$eq`, so an instant cannot be compared with `=`.
    with pytest.raises(attioql.AttioQLError) as caught:
        compile_at("stage.active_from = now", NOW, target="deals")
    error = caught.value
    assert error.code == "operator.not_allowed"
    assert error.span == (18, 19)
    assert error.hint == (
        "a date or period works here, because it becomes `>=` and `<`; it supports `>`, "
        "`>=`, `<`, `<=`, `between`, `not between`; `now` is 2024-01-17 15:30, UTC")


@pytest.mark.parametrize(("now", "zone"), [("9999-12-31T12:00:00Z", "UTC"),
                                           ("0001-01-01T01:00:00Z", "America/New_York")])
def test_now_at_calendar_limits(now: str, zone: str) -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        compile_at("created_at = tomorrow", now, zone)
    assert caught.value.code in ("value.invalid_relative_date", "value.invalid_timestamp")


def test_naive_now_is_rejected() -> None:
    with pytest.raises(attioql.AttioQLError) as caught:
        attioql.compile_filter("created_at = today", target="companies",
                               now=datetime(2024, 1, 17), cache=False)
    assert caught.value.code == "value.invalid_timestamp"


# Resolved values in check ----------------------------------------------------------------


def test_resolve_dates_lists_each_relative_value() -> None:
    text = ("created_at = this week and renewal_date >= -7d or created_at > 3 days ago "
            "and created_at < 2024-01-01 and created_at = last 30 days")
    resolved = attioql.resolve_dates(text, target="companies", schema="demo", now=at(NOW),
                                     timezone="America/New_York")
    assert [str(item) for item in resolved] == [
        "this week = 2024-01-15 .. 2024-01-21, America/New_York",
        "-7d = 2024-01-10, America/New_York",
        "3 days ago = 2024-01-14 10:30, America/New_York",
        "last 30 days = 2023-12-18 10:30 .. 2024-01-17 10:30, America/New_York",
    ]
    assert [item.to_dict() for item in resolved] == [
        {"text": "this week", "span": [13, 22], "kind": "period",
         "start": "2024-01-15T05:00:00.000Z", "end": "2024-01-22T05:00:00.000Z",
         "description": "2024-01-15 .. 2024-01-21, America/New_York"},
        {"text": "-7d", "span": [43, 46], "kind": "days", "first": "2024-01-10",
         "last": "2024-01-10", "description": "2024-01-10, America/New_York"},
        {"text": "3 days ago", "span": [63, 73], "kind": "instant",
         "at": "2024-01-14T15:30:00.000Z",
         "description": "2024-01-14 10:30, America/New_York"},
        {"text": "last 30 days", "span": [119, 131], "kind": "period",
         "start": "2023-12-18T15:30:00.000Z", "end": "2024-01-17T15:30:00.000Z",
         "description": "2023-12-18 10:30 .. 2024-01-17 10:30, America/New_York"},
    ]


def test_resolve_dates_of_unparsable_text() -> None:
    assert attioql.resolve_dates("created_at = (", target="companies", schema="demo",
                                 now=at(NOW)) == []


def test_check_returns_diagnostics_only() -> None:
    diagnostics = attioql.check("created_at = this week", target="companies", schema="demo",
                                now=at(NOW))
    assert diagnostics == []


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().out


def test_cli_check_prints_resolved_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run_cli(capsys, "check", "-t", "companies", "--schema", "demo",
                          "--now", "2024-01-17T15:30:00Z", "--timezone", "Asia/Tokyo",
                          "created_at = this week and created_at < 7d")
    assert status == 1
    assert out.splitlines()[:2] == [
        "1:14: resolved: this week = 2024-01-15 .. 2024-01-21, Asia/Tokyo",
        "1:41: error: `7d` is a length of time, not a point in time.",
    ]
    assert out.splitlines()[-1] == (
        "  hint: write `-7d` (2024-01-11 00:30, Asia/Tokyo) for 7d ago or `+7d` "
        "(2024-01-25 00:30, Asia/Tokyo) for 7d from now")


def test_cli_week_start(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run_cli(capsys, "check", "-t", "companies", "--schema", "demo",
                          "--now", "2024-01-17T15:30:00Z", "--week-start", "sunday",
                          "created_at = this week")
    assert status == 0
    assert out.splitlines() == ["1:14: resolved: this week = 2024-01-14 .. 2024-01-20, UTC",
                                "ok: no problems found"]
    status, out = run_cli(capsys, "compile", "-t", "companies", "--schema", "demo",
                          "--now", "2024-01-17T15:30:00Z", "--week-start", "sunday",
                          "--compact", "created_at = this week")
    assert status == 0
    assert json.loads(out) == {"created_at": span("2024-01-14T00:00:00.000Z",
                                                  "2024-01-21T00:00:00.000Z")}


# Zone database ---------------------------------------------------------------------------


def test_zones_from_tzdata_package_alone() -> None:
    # An empty PYTHONTZPATH hides the system's zone files, as on Windows, so zoneinfo must
    # fall back to the tzdata package that the test extra installs.
    script = (
        "import zoneinfo, datetime, attioql\n"
        "assert zoneinfo.TZPATH == ()\n"
        "now = datetime.datetime(2024, 10, 6, 3, tzinfo=datetime.timezone.utc)\n"
        "print(attioql.compile_filter('created_at = today', target='companies', now=now,\n"
        "                             timezone='Australia/Lord_Howe', cache=False))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "PYTHONTZPATH": ""}, check=True)
    assert result.stdout.strip() == str(
        {"created_at": span("2024-10-05T13:30:00.000Z", "2024-10-06T13:00:00.000Z")})
