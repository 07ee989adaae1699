"""Dates, datetimes and relative dates, resolved against one clock per compile.

Two kinds of time value come out of a filter:

* an :class:`Instant`, a single moment: a datetime literal, `now`, `now - 7d`, `-7d` on a
  timestamp, `3 days ago`;
* a :class:`Period`, a half-open range ``[start, end)`` of local time: a date literal,
  `today`, `today + 1w`, `this week`, `last month`, `last 30 days`.

Minutes and hours move an instant by exact time. Days, weeks, months, quarters and years
move the local calendar date and keep the local wall-clock time, so `now - 1d` across a
daylight saving change is 23 or 25 hours, and months clamp to the month's last day
(31 March - 1 mo = 29 February 2024). Calendar boundaries are local midnight converted to
UTC; where local midnight does not exist, the day starts at the end of the gap.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = timezone.utc

_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))?"
)

# Unit words and abbreviations, each mapped to a canonical unit.
UNITS = {
    "min": "minute", "minute": "minute", "minutes": "minute",
    "h": "hour", "hour": "hour", "hours": "hour",
    "d": "day", "day": "day", "days": "day",
    "w": "week", "week": "week", "weeks": "week",
    "mo": "month", "month": "month", "months": "month",
    "quarter": "quarter", "quarters": "quarter",
    "y": "year", "year": "year", "years": "year",
}
PERIOD_UNITS = ("week", "month", "quarter", "year")


class TimeProblem(ValueError):
    """A date or time value that cannot be resolved; the binder adds the span."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Instant:
    """A moment in UTC, with the fractional digits as written (3, 6 or 9 of them)."""

    utc: datetime
    fraction: str = "000"

    def iso(self) -> str:
        return self.utc.strftime("%Y-%m-%dT%H:%M:%S") + "." + self.fraction + "Z"

    def describe(self, zone: tzinfo) -> str:
        return self.utc.astimezone(zone).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Period:
    """A half-open range of time ``[start, end)`` in UTC, with its first and last local
    dates (the last is the local date of the last instant before ``end``)."""

    start: datetime
    end: datetime
    first: date
    last: date

    def start_iso(self) -> str:
        return Instant(self.start).iso()

    def end_iso(self) -> str:
        return Instant(self.end).iso()

    def describe(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} .. {self.last.isoformat()}"


TimeValue = Instant | Period


def get_zone(name: str) -> tzinfo:
    """Return the IANA time zone ``name``; raise :class:`TimeProblem` if it is unknown."""
    if name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeProblem("value.invalid_timezone", f"`{name}` is not a known time zone.",
                          "use an IANA name such as `Europe/London` or `UTC`") from None


class Clock:
    """The `now`, time zone and first weekday that one compile resolves dates against."""

    def __init__(self, now: datetime | None, zone: tzinfo, week_start: int = 0) -> None:
        if now is None:
            now = datetime.now(UTC)
        elif now.tzinfo is None or now.utcoffset() is None:
            raise TimeProblem("value.invalid_timestamp",
                              "The `now` option must be an aware datetime.",
                              "pass a datetime with a time zone, such as "
                              "datetime(2024, 1, 17, tzinfo=timezone.utc)")
        self.now = now.astimezone(UTC)
        self.zone = zone
        self.week_start = week_start
        self.local_now = self.now.astimezone(zone)
        self.today = self.local_now.date()

    # Building blocks -----------------------------------------------------------------

    def midnight(self, day: date) -> datetime:
        """The first instant whose local date is ``day``, in UTC."""
        local = datetime.combine(day, time(0, 0), tzinfo=self.zone)
        start = local.astimezone(UTC)
        # A gap at midnight: fold=0 already lands on the end of the gap, unless the zone
        # rules say otherwise; step forward to the first instant of the day if needed.
        if start.astimezone(self.zone).date() < day:
            start = _first_instant_of(day, self.zone, start)
        return start

    def days(self, first: date, last: date) -> Period:
        return Period(self.midnight(first), self.midnight(last + timedelta(days=1)), first, last)

    def day(self, day: date) -> Period:
        return self.days(day, day)

    def period(self, start: datetime, end: datetime) -> Period:
        """A period between two instants, with its local first and last dates."""
        first = start.astimezone(self.zone).date()
        last = (end - timedelta(microseconds=1)).astimezone(self.zone).date()
        return Period(start, end, first, max(first, last))

    def shift(self, moment: datetime, amount: int, unit: str) -> datetime:
        """Move an instant by a duration (calendar units in local time)."""
        try:
            if unit == "minute":
                return moment + timedelta(minutes=amount)
            if unit == "hour":
                return moment + timedelta(hours=amount)
            local = moment.astimezone(self.zone)
            moved = shift_date(local.date(), amount, unit)
            wall = datetime.combine(moved, local.timetz().replace(tzinfo=None), tzinfo=self.zone)
            return wall.astimezone(UTC)
        except (OverflowError, ValueError):
            raise _out_of_range() from None

    # Literals ------------------------------------------------------------------------

    def parse_date(self, text: str) -> date:
        try:
            return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            raise TimeProblem("value.invalid_date", f"`{text}` is not a valid date.",
                              "check the month and the day: dates are written YYYY-MM-DD") from None

    def parse_datetime(self, text: str) -> Instant:
        match = _DATETIME.fullmatch(text)
        if match is None:
            raise TimeProblem("value.invalid_timestamp", f"`{text}` is not a valid datetime.",
                              "write YYYY-MM-DDTHH:MM, with optional :SS, fraction and offset")
        (year, month, day, hour, minute, second, fraction, zulu, sign, off_hour,
         off_minute) = match.groups()
        if fraction and len(fraction) > 9:
            raise TimeProblem("value.invalid_timestamp",
                              f"`{text}` has more than nine fractional digits.",
                              "Attio stores at most nanoseconds; drop the extra digits")
        try:
            local = datetime(int(year), int(month), int(day), int(hour), int(minute),
                             int(second or 0))
        except ValueError:
            raise TimeProblem("value.invalid_timestamp", f"`{text}` is not a valid datetime.",
                              "check the date, and that hours are 00-23 and minutes 00-59") from None
        if zulu:
            zone: tzinfo = UTC
        elif sign:
            if int(off_hour) > 23 or int(off_minute) > 59:
                raise TimeProblem("value.invalid_timestamp",
                                  f"`{text}` has an invalid UTC offset.", "write an offset such as +02:00")
            offset = timedelta(hours=int(off_hour), minutes=int(off_minute))
            zone = timezone(offset if sign == "+" else -offset)
        else:
            zone = self.zone
        try:
            utc = local.replace(tzinfo=zone).astimezone(UTC)
        except (OverflowError, ValueError):
            raise _out_of_range() from None
        digits = fraction or ""
        width = 3 if len(digits) <= 3 else 6 if len(digits) <= 6 else 9
        return Instant(utc, digits.ljust(width, "0"))

    # Relative values -----------------------------------------------------------------

    def named(self, word: str) -> TimeValue | None:
        """`now`, `today`, `yesterday`, `tomorrow`; ``None`` for any other word."""
        word = word.lower()
        if word == "now":
            return Instant(self.now)
        offsets = {"today": 0, "yesterday": -1, "tomorrow": 1}
        if word in offsets:
            return self.day(self.today + timedelta(days=offsets[word]))
        return None

    def offset(self, base: str, amount: int, unit: str) -> TimeValue:
        """`now ± duration` (an instant) or `today ± duration` (a day)."""
        base = base.lower()
        if base == "now":
            return Instant(self.shift(self.now, amount, unit))
        if unit in ("minute", "hour"):
            raise TimeProblem(
                "value.invalid_relative_date",
                f"`{base}` is a whole day, so it moves by days, weeks, months or years, "
                f"not by {unit}s.",
                f"write `now {'+' if amount >= 0 else '-'} {abs(amount)}{'h' if unit == 'hour' else 'min'}` "
                "for a moment",
            )
        start = {"today": 0, "yesterday": -1, "tomorrow": 1}[base]
        try:
            day = shift_date(self.today + timedelta(days=start), amount, unit)
        except (OverflowError, ValueError):
            raise _out_of_range() from None
        return self.day(day)

    def calendar_period(self, which: str, unit: str) -> Period:
        """`this|last|next week|month|quarter|year`, in local calendar terms."""
        step = {"this": 0, "last": -1, "next": 1}[which.lower()]
        try:
            if unit == "week":
                back = (self.today.weekday() - self.week_start) % 7
                first = self.today - timedelta(days=back) + timedelta(weeks=step)
                return self.days(first, first + timedelta(days=6))
            if unit == "month":
                first = shift_date(self.today.replace(day=1), step, "month")
                return self.days(first, _month_end(first))
            if unit == "quarter":
                quarter_month = (self.today.month - 1) // 3 * 3 + 1
                first = shift_date(self.today.replace(month=quarter_month, day=1), step * 3, "month")
                return self.days(first, _month_end(shift_date(first, 2, "month")))
            first = date(self.today.year + step, 1, 1)
            return self.days(first, date(first.year, 12, 31))
        except (OverflowError, ValueError):
            raise _out_of_range() from None

    def rolling(self, which: str, amount: int, unit: str) -> Period:
        """`last n unit` is [now - n unit, now); `next n unit` is [now, now + n unit)."""
        if which.lower() == "last":
            return self.period(self.shift(self.now, -amount, unit), self.now)
        return self.period(self.now, self.shift(self.now, amount, unit))


def shift_date(day: date, amount: int, unit: str) -> date:
    """Move a calendar date; months, quarters and years clamp to the month's last day."""
    if unit == "day":
        return day + timedelta(days=amount)
    if unit == "week":
        return day + timedelta(weeks=amount)
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * amount
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _first_instant_of(day: date, zone: tzinfo, guess: datetime) -> datetime:
    """Step forward minute by minute from ``guess`` to the first instant on ``day``."""
    moment = guess
    for _ in range(24 * 60):
        if moment.astimezone(zone).date() >= day:
            return moment
        moment += timedelta(minutes=1)
    return moment  # pragma: no cover - no zone has a gap longer than a day


def _out_of_range() -> TimeProblem:
    return TimeProblem("value.invalid_relative_date",
                       "The date falls outside the years 1 to 9999.",
                       "use a smaller duration")
