"""attioql: a filter language for the Attio CRM.

    >>> import attioql
    >>> attioql.compile_filter("tier = smb", target="companies", schema="demo")
    {'tier': 'SMB'}
"""

from .analyze import Analysis, analyze
from .core import check, compile_filter, compile_query, resolve_dates
from .dates import ResolvedDate
from .decompiler import decompile
from .errors import AttioQLError, BindError, DecompileError, Diagnostic, ParseError
from .explain import explain
from .formatter import format
from .parser import Limits
from .rules import DEFAULT_RULES, Rules
from .schema import Schema, load_schema

__version__ = "0.1.0"

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
