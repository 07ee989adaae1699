"""`attioql query`: compile a query, and with --run send it to Attio and print the records."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any

from ..core import Context, compile_query, resolve_target
from ..errors import AttioQLError, Diagnostic
from ..parser import parse_query
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
from .schema_command import add_api_options, format_table, make_client

QUERY_EXAMPLES = """\
examples:
  attioql query --schema demo 'companies where tier = smb order by name limit 50'
  attioql query --schema workspace.json --run 'companies where tier = smb limit 50'
  attioql query --schema workspace.json --run --table --columns name,domains,tier \\
      'companies where tier = smb limit 50'
"""

DEFAULT_COLUMNS = ("name",)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "query", help="compile a query, or run it against Attio with --run",
        description="Compile `<object or list> [where FILTER] [order by ...] [limit N] "
                    "[offset N]` to the {method, path, body} of Attio's query endpoint. "
                    "With --run, send it, follow offset paging up to the limit, and print "
                    "the records.",
        epilog=QUERY_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_schema_options(parser, target=False)
    parser.add_argument("--compact", action="store_true",
                        help="print the compiled JSON on one line")
    parser.add_argument("--run", action="store_true",
                        help="send the query to Attio and print the records as JSON lines")
    parser.add_argument("--table", action="store_true",
                        help="with --run: print the records as a table")
    parser.add_argument("--columns", metavar="SLUGS",
                        help="with --table: comma-separated attribute slugs to show "
                             "(default: name)")
    parser.add_argument("--page-size", type=int, default=500, metavar="N",
                        help="with --run: records per request (default: 500)")
    add_api_options(parser)
    parser.add_argument("query", metavar="QUERY", help="the query; - reads standard input")
    parser.set_defaults(handler=run_query)


def run_query(args: argparse.Namespace) -> int:
    prog = "attioql query"
    try:
        context = context_from_args(args, None)
        if (args.table or args.columns) and not args.run:
            raise UsageError("--table and --columns need --run")
        if args.columns and not args.table:
            raise UsageError("--columns needs --table")
        if args.page_size < 1:
            raise UsageError(f"--page-size must be 1 or more, not {args.page_size}")
    except UsageError as error:
        return usage_failure(prog, error)

    text = read_expression(args.query)
    try:
        compiled = compile_query(text, schema=context.schema, now=context.clock.now,
                                 timezone=args.timezone, current_member=args.me,
                                 week_start=context.clock.week_start)
    except AttioQLError as error:
        print_diagnostics(error.errors, text, sys.stderr)
        return EXIT_REJECTED
    print_diagnostics(query_warnings(text, context), text, sys.stderr)
    if not args.run:
        sys.stdout.write(dump_json(compiled, args.compact) + "\n")
        return EXIT_OK
    return _run(args, compiled, prog)


def query_warnings(text: str, context: Context) -> list[Diagnostic]:
    """Return the warnings of the query's filter, located in the whole query ``text``.

    Call it only for a query that compiled, because it raises for one that does not."""
    query = parse_query(text, context.limits)
    name = (f"{query.target.kind}/{query.target.name}" if query.target.kind
            else query.target.name)
    target = resolve_target(context.schema, name, query.target.span, text)
    binder = dataclasses.replace(context, target=target).binder()
    binder.bind(query.filter)
    return [warning.located(text) for warning in binder.warnings]


def _run(args: argparse.Namespace, compiled: dict[str, Any], prog: str) -> int:
    from ..api import AttioAPIError

    try:
        client = make_client(args)
    except UsageError as error:
        return usage_failure(prog, error)
    columns = ([column.strip() for column in args.columns.split(",") if column.strip()]
               if args.columns else list(DEFAULT_COLUMNS))
    rows: list[list[str]] = []
    try:
        with client:
            for record in client.query(compiled, page_size=args.page_size):
                if args.table:
                    rows.append([record_id(record), *(cell(record, c) for c in columns)])
                else:
                    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    except AttioAPIError as error:
        sys.stderr.write(f"{prog}: error: {error.message}\n")
        return EXIT_REJECTED
    if args.table:
        sys.stdout.write(format_table(["id", *columns], rows, indent=""))
    return EXIT_OK


def record_id(record: dict[str, Any]) -> str:
    """Return the record id of a record, or the entry id of a list entry."""
    identifier = record.get("id")
    if isinstance(identifier, dict):
        return str(identifier.get("record_id") or identifier.get("entry_id") or "")
    return ""


def cell(record: dict[str, Any], slug: str) -> str:
    """Format the values of one attribute of a record or list entry for a table cell."""
    values = record.get("values")
    if values is None:
        values = record.get("entry_values")
    if not isinstance(values, dict):
        return ""
    items = values.get(slug) or []
    return ", ".join(display_value(item) for item in items if isinstance(item, dict))


def display_value(value: dict[str, Any]) -> str:
    """Format one attribute value of Attio's record response by its readable part."""
    if isinstance(value.get("option"), dict):
        return str(value["option"].get("title", ""))
    if isinstance(value.get("status"), dict):
        return str(value["status"].get("title", ""))
    for key in ("full_name", "email_address", "domain", "phone_number", "value",
                "target_record_id", "referenced_actor_id", "interacted_at"):
        if value.get(key) is not None:
            return str(value[key])
    if value.get("currency_value") is not None:
        code = value.get("currency_code")
        return f"{value['currency_value']}" + (f" {code}" if code else "")
    place = [value.get(key) for key in ("locality", "region", "country_code")]
    return ", ".join(str(part) for part in place if part)
