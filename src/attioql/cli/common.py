"""Options and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, TextIO

from ..core import Context, make_context
from ..errors import AttioQLError, Diagnostic

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


def add_schema_options(parser: argparse.ArgumentParser, target: bool = True,
                       week_start: bool = True) -> None:
    """Add the options every compiling command takes; ``target`` and ``week_start`` say
    whether to add the required `-t` and `--week-start`."""
    if target:
        parser.add_argument("-t", "--target", required=True,
                            help="object or list slug to filter, such as companies or "
                                 "lists/sales_pipeline")
    parser.add_argument("--schema", default="standard", metavar="NAME|PATH",
                        help="workspace schema: standard (default), demo, or a snapshot file")
    parser.add_argument("--now", metavar="ISO",
                        help="the current time for relative dates, such as "
                             "2024-01-17T15:30:00Z (default: the clock)")
    parser.add_argument("--timezone", "--tz", default="UTC", metavar="TZ",
                        help="IANA time zone that cuts calendar days (default: UTC)")
    parser.add_argument("--me", metavar="MEMBER",
                        help="id, email or name of the member that `me` means")
    if not week_start:
        return
    parser.add_argument("--week-start", default="monday",
                        choices=["monday", "tuesday", "wednesday", "thursday", "friday",
                                 "saturday", "sunday"],
                        help="first day of the week for `this week` (default: monday)")


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def parse_now(text: str | None) -> datetime | None:
    """Parse --now; raise ValueError with a readable message."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"--now {text!r} is not an ISO 8601 datetime such as "
                         "2024-01-17T15:30:00Z") from None
    if value.tzinfo is None:
        raise ValueError(f"--now {text!r} has no UTC offset; add Z or an offset such as +01:00")
    return value


def context_from_args(args: argparse.Namespace, target: str | None) -> Context:
    """Build the compile context; raise UsageError for a bad option."""
    try:
        now = parse_now(args.now)
    except ValueError as error:
        raise UsageError(str(error)) from None
    try:
        return make_context(target, args.schema, now, args.timezone, args.me, None, None,
                            WEEKDAYS.index(args.week_start))
    except AttioQLError as error:
        message = error.message + (f" ({error.hint})" if error.hint else "")
        raise UsageError(message) from None


class UsageError(Exception):
    """A bad command-line option; reported with exit status 2."""


def read_expression(value: str) -> str:
    """Return the expression argument, reading standard input for `-`."""
    if value == "-":
        return sys.stdin.read().rstrip("\n")
    return value


def print_diagnostics(diagnostics: list[Diagnostic], text: str, stream: TextIO) -> None:
    for diagnostic in diagnostics:
        where = f"{diagnostic.line}:{diagnostic.column}"
        rendered = diagnostic.render(text)
        stream.write(f"{where}: {rendered}\n")


def dump_json(value: Any, compact: bool) -> str:
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False, indent=2)


def usage_failure(prog: str, error: UsageError) -> int:
    sys.stderr.write(f"{prog}: error: {error}\n")
    return EXIT_USAGE
