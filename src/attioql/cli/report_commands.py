"""`attioql decompile`, `attioql format` and `attioql explain`: the report-tool commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core import make_context
from ..decompiler import decompile
from ..errors import AttioQLError, DecompileError
from ..explainer import explain
from ..formatter import format as format_text
from .common import (
    EXIT_OK,
    EXIT_REJECTED,
    WEEKDAYS,
    UsageError,
    add_schema_options,
    parse_now,
    print_diagnostics,
    read_expression,
    usage_failure,
)

DECOMPILE_EXAMPLES = """\
examples:
  echo '{"tier": "SMB", "fit_score": {"$gte": 4}}' | attioql decompile -t companies --schema demo
  attioql decompile -t companies --schema demo '{"tier": "SMB"}'
  attioql decompile -t deals --schema workspace.json saved-filter.json
"""

FORMAT_EXAMPLES = """\
examples:
  attioql format -t companies --schema demo 'Tier = "smb"   AND (fit_score>=4)'
  attioql format -t companies --schema demo --check "$(cat saved-filter.aql)"
"""

EXPLAIN_EXAMPLES = """\
examples:
  attioql explain -t companies --schema demo 'created_at = this week and owner = tom'
"""


def _add_target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-t", "--target", required=True,
                        help="object or list slug, such as companies or lists/sales_pipeline")
    parser.add_argument("--schema", default="standard", metavar="NAME|PATH",
                        help="workspace schema: standard (default), demo, or a snapshot file")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "decompile", help="print Attio filter JSON as attioql text",
        description="Read Attio filter JSON from the command line, a file or standard "
                    "input and print it as canonical attioql text.",
        epilog=DECOMPILE_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_target_options(parser)
    parser.add_argument("--timezone", "--tz", default="UTC", metavar="TZ",
                        help="IANA time zone in which whole-day ranges are written as dates "
                             "(default: UTC)")
    parser.add_argument("file", nargs="?", default="-", metavar="JSON|FILE",
                        help="the filter JSON itself when it starts with {, otherwise a JSON "
                             "file; - or nothing reads standard input")
    parser.set_defaults(handler=run_decompile)

    parser = subparsers.add_parser(
        "format", help="print an expression as canonical attioql text",
        description="Print an attioql filter in canonical form: lower-case keywords, one "
                    "space around operators, quotes and parentheses only where needed, "
                    "slugs instead of titles. Relative dates stay relative.",
        epilog=FORMAT_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_target_options(parser)
    parser.add_argument("--check", action="store_true",
                        help="print nothing; exit 1 when the expression is not in canonical "
                             "form")
    parser.add_argument("expression", metavar="EXPR", help="the filter; - reads standard input")
    parser.set_defaults(handler=run_format)

    parser = subparsers.add_parser(
        "explain", help="describe an expression in one English sentence",
        description="Print one plain-English sentence describing which records an attioql "
                    "filter selects, with names resolved and dates made absolute.",
        epilog=EXPLAIN_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_schema_options(parser)
    parser.add_argument("expression", metavar="EXPR", help="the filter; - reads standard input")
    parser.set_defaults(handler=run_explain)


def _check_target(args: argparse.Namespace) -> None:
    """Raise UsageError for an unknown schema, target or time zone."""
    try:
        make_context(args.target, args.schema, None, getattr(args, "timezone", "UTC"), None,
                     None, None)
    except AttioQLError as error:
        raise UsageError(error.message + (f" ({error.hint})" if error.hint else "")) from None


def run_decompile(args: argparse.Namespace) -> int:
    try:
        _check_target(args)
    except UsageError as error:
        return usage_failure("attioql decompile", error)
    try:
        if args.file == "-":
            source = sys.stdin.read()
        elif args.file.lstrip().startswith("{"):
            source = args.file
        else:
            source = Path(args.file).read_text("utf-8")
    except OSError as error:
        return usage_failure("attioql decompile", UsageError(f"cannot read {args.file}: "
                                                             f"{error.strerror}"))
    try:
        data = json.loads(source)
    except json.JSONDecodeError as error:
        sys.stderr.write(f"error: the input is not JSON: {error.msg} at line {error.lineno}, "
                         f"column {error.colno}.\n")
        return EXIT_REJECTED
    try:
        text = decompile(data, target=args.target, schema=args.schema, timezone=args.timezone)
    except DecompileError as error:
        sys.stderr.write(f"error: {error.message}\n")
        if error.hint:
            sys.stderr.write(f"  hint: {error.hint}\n")
        return EXIT_REJECTED
    sys.stdout.write(text + "\n")
    return EXIT_OK


def run_format(args: argparse.Namespace) -> int:
    try:
        _check_target(args)
    except UsageError as error:
        return usage_failure("attioql format", error)
    text = read_expression(args.expression)
    try:
        formatted = format_text(text, target=args.target, schema=args.schema)
    except AttioQLError as error:
        print_diagnostics(error.errors, text, sys.stderr)
        return EXIT_REJECTED
    if args.check:
        if formatted != text.strip():
            sys.stderr.write(f"not in canonical form; attioql format prints:\n{formatted}\n")
            return EXIT_REJECTED
        return EXIT_OK
    sys.stdout.write(formatted + "\n")
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    try:
        now = parse_now(args.now)
        _check_target(args)
    except (UsageError, ValueError) as error:
        return usage_failure("attioql explain", UsageError(str(error)))
    text = read_expression(args.expression)
    try:
        sentence = explain(text, target=args.target, schema=args.schema, now=now,
                           timezone=args.timezone, current_member=args.me,
                           week_start=WEEKDAYS.index(args.week_start))
    except AttioQLError as error:
        print_diagnostics(error.errors, text, sys.stderr)
        return EXIT_REJECTED
    sys.stdout.write(sentence + "\n")
    return EXIT_OK
