"""attioql: a filter language for the Attio CRM.

    >>> import attioql
    >>> attioql.compile_filter("tier = smb", target="companies", schema="demo")
    {'tier': 'SMB'}

The entry points load on first use, so ``import attioql`` stays cheap for a program that
only catches :class:`AttioQLError` or compiles later; the errors load at once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import AttioQLError, BindError, DecompileError, Diagnostic, ParseError

if TYPE_CHECKING:
    from .analysis import Analysis, analyze
    from .core import check, compile_filter, compile_query, resolve_dates
    from .dates import ResolvedDate
    from .decompiler import decompile
    from .explainer import explain
    from .formatter import format
    from .parser import Limits
    from .rules import DEFAULT_RULES, Rules
    from .schema import Schema, load_schema

__version__ = "0.1.0"

# Public name -> the module that defines it.
_LAZY = {
    "Analysis": ".analysis",
    "analyze": ".analysis",
    "check": ".core",
    "compile_filter": ".core",
    "compile_query": ".core",
    "resolve_dates": ".core",
    "ResolvedDate": ".dates",
    "decompile": ".decompiler",
    "explain": ".explainer",
    "format": ".formatter",
    "Limits": ".parser",
    "DEFAULT_RULES": ".rules",
    "Rules": ".rules",
    "Schema": ".schema",
    "load_schema": ".schema",
}

__all__ = [
    "DEFAULT_RULES",
    "Analysis",
    "AttioQLError",
    "BindError",
    "DecompileError",
    "Diagnostic",
    "Limits",
    "ParseError",
    "ResolvedDate",
    "Rules",
    "Schema",
    "analyze",
    "check",
    "compile_filter",
    "compile_query",
    "decompile",
    "explain",
    "format",
    "load_schema",
    "resolve_dates",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'attioql' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
