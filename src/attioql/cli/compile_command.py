"""`attioql compile` and `attioql check`."""

from __future__ import annotations

import argparse
import json
import sys

from ..core import compile_with_warnings
from ..errors import AttioQLError, line_and_column
from .common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    add_schema_options,
    context_from_args,
    dump_json,
    print_diagnostics,
    read_expression,
    usage_failure,
)

COMPILE_EXAMPLES = """\
examples:
  attioql compile -t companies --schema demo \\
      'last_calendar_interaction.interacted_at >= 2023-11-01 and owner = tom'
  echo 'created_at = this week' | attioql compile -t people --now 2024-01-17T15:30:00Z -
"""

CHECK_EXAMPLES = """\
examples:
  attioql check -t companies --schema demo 'tier = smb and nmae = x'
  attioql check -t deals --schema demo --json 'owner = ann'
"""


def register_compile(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "compile", help="print the Attio filter JSON of an expression",
        description="Compile an attioql filter to Attio filter JSON.", epilog=COMPILE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_schema_options(parser)
    parser.add_argument("--compact", action="store_true", help="print the JSON on one line")
    parser.add_argument("expression", metavar="EXPR", help="the filter; - reads standard input")
    parser.set_defaults(handler=run_compile)


def register_check(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check", help="print the errors and warnings of an expression",
        description="Check an attioql filter and print every error and warning.",
        epilog=CHECK_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_schema_options(parser)
    parser.add_argument("--json", action="store_true",
                        help="print the diagnostics as a JSON array")
    parser.add_argument("expression", metavar="EXPR", help="the filter; - reads standard input")
    parser.set_defaults(handler=run_check)


def run_compile(args: argparse.Namespace) -> int:
    try:
        context = context_from_args(args, args.target)
    except UsageError as error:
        return usage_failure("attioql compile", error)
    text = read_expression(args.expression)
    try:
        result, warnings = compile_with_warnings(text, context)
    except AttioQLError as error:
        print_diagnostics(error.errors, text, sys.stderr)
        return EXIT_REJECTED
    print_diagnostics(warnings, text, sys.stderr)
    sys.stdout.write(dump_json(result, args.compact) + "\n")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    from ..core import check, resolve_dates

    try:
        context = context_from_args(args, args.target)
    except UsageError as error:
        return usage_failure("attioql check", error)
    text = read_expression(args.expression)
    diagnostics = check(text, target=context.target.qualified, schema=context.schema,
                        now=context.clock.now, timezone=args.timezone,
                        current_member=context.current_member,
                        week_start=context.clock.week_start)
    if args.json:
        sys.stdout.write(json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False,
                                    indent=2) + "\n")
        return EXIT_REJECTED if any(d.severity == "error" for d in diagnostics) else EXIT_OK
    # Each relative date with the absolute value it resolved to, before the diagnostics.
    for resolved in resolve_dates(text, target=context.target.qualified, schema=context.schema,
                                  now=context.clock.now, timezone=args.timezone,
                                  current_member=context.current_member,
                                  week_start=context.clock.week_start):
        line, column = line_and_column(text, resolved.span[0])
        sys.stdout.write(f"{line}:{column}: resolved: {resolved}\n")
    if diagnostics:
        print_diagnostics(diagnostics, text, sys.stdout)
    else:
        sys.stdout.write("ok: no problems found\n")
    has_errors = any(d.severity == "error" for d in diagnostics)
    return EXIT_REJECTED if has_errors else EXIT_OK
