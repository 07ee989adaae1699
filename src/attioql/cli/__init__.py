"""The `attioql` command line.

Each subcommand lives in its own module with a ``register(subparsers)`` function that adds
its parser and sets ``handler``. Exit status: 0 on success, 1 when the input is rejected
(diagnostics on stderr), 2 for a usage error (a bad option, an unknown target or schema).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import commands

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

DESCRIPTION = """\
attioql compiles a human filter language into the filter JSON of Attio's REST API.

examples:
  attioql compile -t companies --schema demo 'tier = smb and fit_score >= 4'
  attioql check -t people --schema demo 'nmae = x'
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="attioql", description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for register in commands.REGISTRY:
        register(subparsers)
    return parser


def _version() -> str:
    from .. import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return status


def run() -> None:
    sys.exit(main())
