"""`attioql repl`: an interactive prompt with completion, colours and live diagnostics."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import AttioQLError
from .common import EXIT_USAGE, add_schema_options, parse_now

REPL_EXAMPLES = """\
examples:
  attioql repl --schema demo
  attioql repl --schema workspace.json -t lists/sales_pipeline --me tom@example.com
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "repl", help="type filters interactively, with completion and live diagnostics",
        description="Start an interactive prompt: Tab completes, the bottom line shows the "
                    "first problem while you type, Enter prints the compiled JSON. Needs "
                    "the `repl` extra: pip install 'attioql[repl]'.",
        epilog=REPL_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-t", "--target", default=None,
                        help="object or list slug to filter (default: the schema's first "
                             "object, such as people)")
    add_schema_options(parser, target=False, week_start=False)
    parser.add_argument("--history", metavar="PATH", type=Path, default=None,
                        help="history file (default: $XDG_DATA_HOME/attioql/history or "
                             "~/.local/share/attioql/history)")
    parser.add_argument("--no-history", action="store_true",
                        help="keep the history in memory only")
    parser.set_defaults(handler=run_repl)


def run_repl(args: argparse.Namespace) -> int:
    try:
        from .. import repl
    except ImportError as error:  # pragma: no cover - the test extra installs prompt_toolkit
        sys.stderr.write(f"attioql repl: error: {error.name} is not installed; install the "
                         "repl extra: pip install 'attioql[repl]'\n")
        return EXIT_USAGE
    try:
        now = parse_now(args.now)
        session = repl.Session.open(args.schema, args.target, now, args.timezone, args.me)
    except ValueError as error:
        message = error.message if isinstance(error, AttioQLError) else str(error)
        hint = f" ({error.hint})" if isinstance(error, AttioQLError) and error.hint else ""
        sys.stderr.write(f"attioql repl: error: {message}{hint}\n")
        return EXIT_USAGE
    history = None if args.no_history else (args.history or repl.default_history_path())
    return repl.run(session, history)
