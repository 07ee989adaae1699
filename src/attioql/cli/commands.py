"""The registry of subcommands, in the order `attioql --help` lists them."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from . import compile_command, query_command, repl_command, report_commands, schema_command

Register = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]

REGISTRY: list[Register] = [
    compile_command.register_compile,
    compile_command.register_check,
    query_command.register,
    schema_command.register,
    report_commands.register,
    repl_command.register,
]
