"""Properties of relative dates that hold for any `now` and any time zone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import attioql
from attioql.dates import PERIOD_UNITS, Clock, get_zone

UTC = timezone.utc

ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Australia/Lord_Howe",
         "America/Santiago", "Europe/London", "Pacific/Chatham"]
ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(?:\d{3}|\d{6}|\d{9})Z")
UNIT_TEXTS = ["min", "h", "d", "w", "mo", "y", " minutes", " hours", " days", " weeks",
              " months", " quarters", " years"]

nows = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31),
                    timezones=st.just(UTC))
zones = st.sampled_from(ZONES)
amounts = st.integers(min_value=1, max_value=400)
units = st.sampled_from(UNIT_TEXTS)
day_units = st.sampled_from(["d", "w", "mo", "y", " days", " weeks", " months", " years"])


@st.composite
def periods(draw: st.DrawFn) -> str:
    """The text of any period: a day, a calendar period or a rolling range."""
    form = draw(st.sampled_from(["word", "calendar", "rolling", "offset", "date"]))
    if form == "word":
        return draw(st.sampled_from(["today", "yesterday", "tomorrow"]))
    if form == "calendar":
        return f"{draw(st.sampled_from(['this', 'last', 'next']))} " \
               f"{draw(st.sampled_from(PERIOD_UNITS))}"
    if form == "rolling":
        return f"{draw(st.sampled_from(['last', 'next']))} {draw(amounts)}{draw(units)}"
    if form == "offset":
        return f"today {draw(st.sampled_from(['+', '-']))} {draw(amounts)}{draw(day_units)}"
    day = draw(st.dates(min_value=datetime(1900, 1, 1).date(),
                        max_value=datetime(2100, 12, 31).date()))
    return day.isoformat()


@st.composite
def instants(draw: st.DrawFn) -> str:
    """The text of any instant on a timestamp attribute."""
    form = draw(st.sampled_from(["now", "offset", "signed", "ago", "literal"]))
    amount, unit = draw(amounts), draw(units)
    if form == "now":
        return "now"
    if form == "offset":
        return f"now {draw(st.sampled_from(['+', '-']))} {amount}{unit}"
    if form == "signed":
        return f"{draw(st.sampled_from(['+', '-']))}{amount}{unit.strip()}"
    if form == "ago":
        return f"{amount}{unit} ago"
    moment = draw(st.datetimes(min_value=datetime(1900, 1, 1),
                               max_value=datetime(2100, 12, 31)))
    offset = draw(st.sampled_from(["", "Z", "+05:30", "-08:00"]))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + offset


def compile_at(text: str, now: datetime, zone: str, target: str = "companies") -> Any:
    return attioql.compile_filter(text, target=target, schema="demo", now=now,
                                  timezone=zone, cache=False)


def parse_utc(text: str) -> datetime:
    assert ISO_UTC.fullmatch(text), text
    return datetime.fromisoformat(text[:26].rstrip("Z") + "+00:00")


@given(text=periods(), now=nows, zone=zones)
def test_period_start_before_end(text: str, now: datetime, zone: str) -> None:
    result = compile_at(f"created_at = {text}", now, zone)["created_at"]
    assert parse_utc(result["$gte"]) < parse_utc(result["$lt"])


@given(text=periods(), now=nows, zone=zones)
def test_period_days_in_order(text: str, now: datetime, zone: str) -> None:
    result = compile_at(f"renewal_date = {text}", now, zone)["renewal_date"]
    if "$eq" in result:
        assert set(result) == {"$eq"}
    else:
        assert result["$gte"] < result["$lte"]


@given(text=periods(), now=nows, zone=zones,
       attribute=st.sampled_from(["created_at", "renewal_date"]))
def test_equals_period_is_both_bounds(text: str, now: datetime, zone: str,
                                      attribute: str) -> None:
    equal = compile_at(f"{attribute} = {text}", now, zone)[attribute]
    both = compile_at(f"{attribute} >= {text} and {attribute} <= {text}", now, zone)["$and"]
    merged = {**both[0][attribute], **both[1][attribute]}
    if "$eq" in equal:
        assert merged == {"$gte": equal["$eq"], "$lte": equal["$eq"]}
    else:
        assert merged == equal


@given(text=instants(), now=nows, zone=zones)
def test_instant_is_iso_utc(text: str, now: datetime, zone: str) -> None:
    result = compile_at(f"created_at = {text}", now, zone)
    (value,) = result["created_at"].values()
    parse_utc(value)


@given(amount=st.integers(min_value=0, max_value=20_000), now=nows, zone=zones)
def test_signed_days_on_date_is_today_minus(amount: int, now: datetime, zone: str) -> None:
    signed = compile_at(f"renewal_date = -{amount}d", now, zone)
    offset = compile_at(f"renewal_date = today - {amount}d", now, zone)
    ago = compile_at(f"renewal_date = {amount} days ago", now, zone)
    assert signed == offset == ago
    local_today = now.astimezone(get_zone(zone)).date()
    assert signed == {"renewal_date": {"$eq": (local_today - timedelta(days=amount)).isoformat()}}


@given(now=nows, zone=zones)
def test_day_is_first_to_last_instant(now: datetime, zone: str) -> None:
    tz = get_zone(zone)
    clock = Clock(now, tz)
    day = clock.day(clock.today)
    tick = timedelta(microseconds=1)
    assert day.start.astimezone(tz).date() == clock.today
    assert (day.start - tick).astimezone(tz).date() < clock.today
    assert (day.end - tick).astimezone(tz).date() == clock.today
    assert day.end.astimezone(tz).date() > clock.today
    assert timedelta(hours=22) <= day.end - day.start <= timedelta(hours=26)
    assert day.start <= clock.now < day.end


@given(amount=amounts, unit=units, now=nows, zone=zones)
def test_rolling_range_ends_at_now(amount: int, unit: str, now: datetime, zone: str) -> None:
    iso_now = compile_at("created_at = now", now, zone)["created_at"]["$eq"]
    last = compile_at(f"created_at = last {amount}{unit}", now, zone)["created_at"]
    upcoming = compile_at(f"created_at = next {amount}{unit}", now, zone)["created_at"]
    assert last["$lt"] == iso_now
    assert upcoming["$gte"] == iso_now


@given(now=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31),
                        timezones=st.just(UTC)),
       zone=zones, text=st.one_of(periods(), instants()))
def test_any_now_compiles_or_raises(now: datetime, zone: str, text: str) -> None:
    try:
        compile_at(f"created_at = {text}", now, zone)
    except attioql.AttioQLError as error:
        assert error.code.startswith("value.")
