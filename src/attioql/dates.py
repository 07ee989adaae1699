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
    """A moment in UTC.

    ``fraction`` is the fractional digits of a datetime literal as written (3, 6 or 9
    of them, never rounded); a computed instant leaves it ``None`` and prints the
    milliseconds of ``utc``.
    """

    utc: datetime
    fraction: str | None = None

    def iso(self) -> str:
        fraction = self.fraction
        if fraction is None:
            fraction = f"{self.utc.microsecond // 1000:03d}"
        # strftime("%Y") does not pad years before 1000 on every platform.
        moment = self.utc
        return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
                f"{moment.minute:02d}:{moment.second:02d}.{fraction}Z")

    def describe(self, zone: tzinfo) -> str:
        """Format the local date and time, to the minute unless seconds are set."""
        return _local_text(self.utc.astimezone(zone))


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

    def describe_days(self) -> str:
        """Format the whole local days, such as ``2024-01-15 .. 2024-01-21``."""
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} .. {self.last.isoformat()}"

    def describe(self, zone: tzinfo) -> str:
        """Format the whole days when the period starts and ends at local midnight, else the
        local start and end times (the end itself is excluded)."""
        local_start = self.start.astimezone(zone)
        local_end = self.end.astimezone(zone)
        if _is_day_start(local_start, self.first) and _is_day_start(local_end, local_end.date()):
            return self.describe_days()
        return f"{_local_text(local_start)} .. {_local_text(local_end)}"


TimeValue = Instant | Period


# Files in the system's time zone database that are not zones. `localtime` is whatever
# zone the machine is set to, so a filter would mean different things on different
# machines.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


def get_zone(name: str) -> tzinfo:
    """Return the IANA time zone ``name``; raise :class:`TimeProblem` if it is unknown."""
    if name.upper() == "UTC":
        return UTC
    if name in _NOT_ZONES:
        raise TimeProblem("value.invalid_timezone",
                          f"`{name}` is a file of the time zone database, not a time zone.",
                          "use an IANA name such as `Europe/London` or `UTC`")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise TimeProblem("value.invalid_timezone", f"`{name}` is not a known time zone.",
                          "use an IANA name such as `Europe/London` or `UTC`") from None


class Clock:
    """The `now`, time zone and first weekday that one compile resolves dates against.

    ``now`` is cut to whole milliseconds, the precision attioql prints, so that every
    bound computed from it is exact in the output.
    """

    def __init__(self, now: datetime | None, zone: tzinfo, week_start: int = 0) -> None:
        if now is None:
            now = datetime.now(UTC)
        elif not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
            raise TimeProblem("value.invalid_timestamp",
                              "The `now` option must be an aware datetime.",
                              "pass a datetime with a time zone, such as "
                              "datetime(2024, 1, 17, tzinfo=timezone.utc)")
        if type(week_start) is not int or not 0 <= week_start <= 6:
            raise TimeProblem("value.invalid_option",
                              f"`week_start` must be a weekday number from 0 to 6, not "
                              f"{week_start!r}.", "pass 0 for Monday up to 6 for Sunday")
        try:
            self.now = now.astimezone(UTC).replace(microsecond=now.microsecond // 1000 * 1000)
            self.local_now = self.now.astimezone(zone)
        except (OverflowError, ValueError):
            raise TimeProblem("value.invalid_timestamp",
                              f"The `now` option {now.isoformat()} is too close to the limits "
                              "of the calendar (years 1 to 9999).",
                              "pass a later or earlier time") from None
        self.zone = zone
        self.zone_name = zone_name(zone)
        self.week_start = week_start
        self.today = self.local_now.date()

    # Building blocks -----------------------------------------------------------------

    def midnight(self, day: date) -> datetime:
        """Return the first instant whose local date is ``day``, in UTC.

        A wall-clock time in a gap is read with the offset from before the gap (``fold=0``),
        which lands on the end of the gap, so a day whose midnight does not exist starts
        when its clocks resume. Where midnight occurs twice, the day starts at the first.
        """
        try:
            local = datetime.combine(day, time(0, 0), tzinfo=self.zone)
            start = local.astimezone(UTC)
            if start.astimezone(self.zone).date() < day:
                start = _first_instant_of(day, self.zone, start)
        except (OverflowError, ValueError):
            raise _out_of_range() from None
        return start

    def days(self, first: date, last: date) -> Period:
        """Return the whole local days ``first`` to ``last`` as a period."""
        try:
            after = last + timedelta(days=1)
        except OverflowError:
            raise _out_of_range() from None
        return Period(self.midnight(first), self.midnight(after), first, last)

    def day(self, day: date) -> Period:
        return self.days(day, day)

    def period(self, start: datetime, end: datetime) -> Period:
        """Return the period between two instants, with its local first and last dates."""
        first = start.astimezone(self.zone).date()
        last = (end - timedelta(microseconds=1)).astimezone(self.zone).date()
        return Period(start, end, first, max(first, last))

    def shift(self, moment: datetime, amount: int, unit: str) -> datetime:
        """Move an instant by a duration.

        Minutes and hours are exact. Calendar units move the local date and keep the local
        wall-clock time. A wall-clock time that falls in a gap moves forward by the gap's
        length. One that occurs twice keeps the fold of ``moment``, so it is the first
        unless ``moment`` was in the repeated hour.
        """
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
        """Parse a datetime literal; one without an offset is local time in the clock's zone."""
        match = _DATETIME.fullmatch(text)
        if match is None:
            raise TimeProblem("value.invalid_timestamp", f"`{text}` is not a valid datetime.",
                              "write YYYY-MM-DDTHH:MM, with optional :SS, fraction and offset")
        (year, month, day, hour, minute, second, fraction, zulu, sign, off_hour,
         off_minute) = match.groups()
        digits = fraction or ""
        if len(digits) > 9:
            raise TimeProblem("value.invalid_timestamp",
                              f"`{text}` has more than nine fractional digits.",
                              "Attio stores at most nanoseconds; drop the extra digits")
        try:
            local = datetime(int(year), int(month), int(day), int(hour), int(minute),
                             int(second or 0), int(digits[:6].ljust(6, "0")))
        except ValueError:
            raise TimeProblem("value.invalid_timestamp", f"`{text}` is not a valid datetime.",
                              "check the date, and that hours are 00-23 and minutes 00-59",
                              ) from None
        if zulu:
            zone: tzinfo = UTC
        elif sign:
            if int(off_hour) > 23 or int(off_minute) > 59:
                raise TimeProblem("value.invalid_timestamp",
                                  f"`{text}` has an invalid UTC offset.",
                                  "write an offset such as +02:00")
            offset = timedelta(hours=int(off_hour), minutes=int(off_minute))
            zone = timezone(offset if sign == "+" else -offset)
        else:
            zone = self.zone
        try:
            utc = local.replace(tzinfo=zone).astimezone(UTC)
        except (OverflowError, ValueError):
            raise _out_of_range() from None
        width = 9
        if len(digits) <= 3:
            width = 3
        elif len(digits) <= 6:
            width = 6
        return Instant(utc, digits.ljust(width, "0"))

    # Relative values -----------------------------------------------------------------

    def named(self, word: str) -> TimeValue | None:
        """`now`, `today`, `yesterday`, `tomorrow`; ``None`` for any other word."""
        word = word.lower()
        if word == "now":
            return Instant(self.now)
        if word in DAY_WORDS:
            return self.day(self._day_word(word))
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
                f"write `now {'+' if amount >= 0 else '-'} {abs(amount)}"
                f"{'h' if unit == 'hour' else 'min'}` for a moment",
            )
        try:
            day = shift_date(self._day_word(base), amount, unit)
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
                quarter_start = self.today.replace(month=quarter_month, day=1)
                first = shift_date(quarter_start, step * 3, "month")
                return self.days(first, _month_end(shift_date(first, 2, "month")))
            first = date(self.today.year + step, 1, 1)
            return self.days(first, date(first.year, 12, 31))
        except (OverflowError, ValueError):
            raise _out_of_range() from None

    def rolling(self, which: str, amount: int, unit: str) -> Period:
        """`last n unit` is [now - n unit, now); `next n unit` is [now, now + n unit).

        Zero is rejected: `last 0 days` would be an empty range that matches nothing.
        """
        which = which.lower()
        if amount <= 0:
            raise TimeProblem("value.invalid_relative_date",
                              f"`{which} {amount} {unit}s` is an empty range of time.",
                              f"write `{which} 1{UNIT_ABBREVIATIONS[unit]}`, or `today` for the "
                              "current day")
        if which == "last":
            return self.period(self.shift(self.now, -amount, unit), self.now)
        return self.period(self.now, self.shift(self.now, amount, unit))

    def _day_word(self, word: str) -> date:
        try:
            return self.today + timedelta(days=DAY_WORDS[word])
        except OverflowError:
            raise _out_of_range() from None

    # Descriptions --------------------------------------------------------------------

    def describe(self, value: TimeValue, on_dates: bool = False) -> str:
        """Describe the absolute value in local terms with the zone's name, such as
        ``2024-01-15 .. 2024-01-21, UTC``. With ``on_dates``, show the whole days that a
        date attribute compares with."""
        if on_dates:
            return f"{self.as_days(value).describe_days()}, {self.zone_name}"
        return f"{value.describe(self.zone)}, {self.zone_name}"

    def as_days(self, value: TimeValue) -> Period:
        """Return the whole local days of a value: an instant becomes its local date."""
        if isinstance(value, Period):
            return value
        return self.day(value.utc.astimezone(self.zone).date())


@dataclass(frozen=True)
class ResolvedDate:
    """A relative date in a filter and the absolute value it resolved to.

    ``on_dates`` is true when the attribute is a date, which compares whole days: there an
    instant such as `-7d` means its local date.
    """

    text: str
    span: tuple[int, int]
    value: TimeValue
    on_dates: bool
    description: str

    def __str__(self) -> str:
        return f"{self.text} = {self.description}"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-ready form: ``first`` and ``last`` dates on a date attribute,
        ``at`` for an instant, else the UTC bounds ``start`` (included) and ``end``
        (excluded)."""
        result: dict[str, object] = {"text": self.text, "span": list(self.span)}
        value = self.value
        if self.on_dates:
            assert isinstance(value, Period)
            result.update(kind="days", first=value.first.isoformat(), last=value.last.isoformat())
        elif isinstance(value, Instant):
            result.update(kind="instant", at=value.iso())
        else:
            result.update(kind="period", start=value.start_iso(), end=value.end_iso())
        result["description"] = self.description
        return result


DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
UNIT_ABBREVIATIONS = {"minute": "min", "hour": "h", "day": "d", "week": "w", "month": "mo",
                      "quarter": " quarter", "year": "y"}


def zone_name(zone: tzinfo) -> str:
    """Return the IANA name of a zone, or ``UTC``."""
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        return key
    return "UTC" if zone is UTC else str(zone)


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


def _is_day_start(local: datetime, day: date) -> bool:
    """Return whether ``local`` is the first instant of ``day`` in its own zone."""
    if local.date() != day:
        return False
    try:
        before = (local.astimezone(UTC) - timedelta(microseconds=1)).astimezone(local.tzinfo)
    except OverflowError:
        return True
    return before.date() != day


def _local_text(local: datetime) -> str:
    if local.microsecond:
        return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"
    if local.second:
        return local.strftime("%Y-%m-%d %H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")


def _out_of_range() -> TimeProblem:
    return TimeProblem("value.invalid_relative_date",
                       "The date falls outside the years 1 to 9999.",
                       "use a smaller duration, or a date between the years 1 and 9999")
