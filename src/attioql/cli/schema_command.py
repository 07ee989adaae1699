"""`attioql schema pull` and `attioql schema show`, and the options shared by the commands
that call Attio's API."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..binder import _close_names, _or_list, dsl_operators
from ..core import resolve_target
from ..errors import AttioQLError
from ..rules import DEFAULT_RULES, AttioOperator, TypeRule
from ..schema import Attribute, Schema, SchemaLoadError, Target, load_schema
from .common import EXIT_OK, EXIT_REJECTED, UsageError, usage_failure

if TYPE_CHECKING:
    from ..api import AttioClient

TOKEN_VARIABLE = "ATTIO_API_KEY"

PULL_EXAMPLES = """\
examples:
  export ATTIO_API_KEY=...        # a token with the object_configuration:read,
                                  # list_configuration:read and user_management:read scopes
  attioql schema pull -o workspace.json
  attioql schema pull --token-file ~/.attio-token -o workspace.json
"""

SHOW_EXAMPLES = """\
examples:
  attioql schema show --schema demo
  attioql schema show --schema workspace.json companies
  attioql schema show --schema workspace.json companies tier
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schema", help="pull a workspace schema from Attio, or show one",
        description="Pull a workspace snapshot from Attio's API, or show the objects, lists, "
                    "attributes, options, statuses and members of a schema.",
    )
    actions = parser.add_subparsers(dest="schema_command", metavar="ACTION")
    actions.required = True

    pull = actions.add_parser(
        "pull", help="fetch the workspace schema from Attio and write a snapshot",
        description="Fetch the objects, lists, attributes, select options, statuses and "
                    "members of a workspace (archived ones included) and write a snapshot "
                    "file that --schema accepts. Progress goes to standard error.",
        epilog=PULL_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_api_options(pull)
    pull.add_argument("-o", "--output", default="-", metavar="FILE",
                      help="snapshot file to write (default: standard output)")
    pull.add_argument("-q", "--quiet", action="store_true", help="print no progress")
    pull.set_defaults(handler=run_pull)

    show = actions.add_parser(
        "show", help="print the objects, lists, attributes and members of a schema",
        description="Print a schema as tables: without TARGET the objects, lists and "
                    "members; with TARGET its attributes, their types and operators, and "
                    "the options and statuses; with ATTRIBUTE one attribute in detail.",
        epilog=SHOW_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument("--schema", default="standard", metavar="NAME|PATH",
                      help="workspace schema: standard (default), demo, or a snapshot file")
    show.add_argument("target", nargs="?", metavar="TARGET",
                      help="an object or list slug, such as companies or lists/sales_pipeline")
    show.add_argument("attribute", nargs="?", metavar="ATTRIBUTE",
                      help="an attribute slug or title of TARGET")
    show.set_defaults(handler=run_show)


# Options for commands that call Attio ------------------------------------------------------


def add_api_options(parser: argparse.ArgumentParser) -> None:
    """Add the token, base URL and timeout options."""
    parser.add_argument("--token-file", metavar="FILE",
                        help=f"file that holds the Attio API token (default: the "
                             f"{TOKEN_VARIABLE} environment variable)")
    parser.add_argument("--base-url", default="https://api.attio.com", metavar="URL",
                        help="Attio API address (default: https://api.attio.com)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="seconds to wait for each response (default: 30)")


def read_token(args: argparse.Namespace) -> str:
    """Return the API token from --token-file or the environment; raise UsageError."""
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise UsageError(f"cannot read the token file {args.token_file!r}: "
                             f"{error.strerror or error}") from None
        if not token:
            raise UsageError(f"the token file {args.token_file!r} is empty")
        return token
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise UsageError(f"no Attio API token: set {TOKEN_VARIABLE} or pass --token-file FILE")
    return token


class _StderrHandler(logging.Handler):
    """Print the client's log records (its retries) on the current standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"attioql: {self.format(record)}\n")


def make_client(args: argparse.Namespace) -> AttioClient:
    """Build an AttioClient from the API options; raise UsageError."""
    try:
        from ..api import AttioAuthError, AttioClient
    except ImportError:
        raise UsageError("calling Attio needs httpx: pip install 'attioql[api]'") from None
    api_logger = logging.getLogger("attioql.api")
    if not any(isinstance(handler, _StderrHandler) for handler in api_logger.handlers):
        api_logger.addHandler(_StderrHandler(logging.WARNING))
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be more than 0 seconds, not {args.timeout:g}")
    token = read_token(args)
    try:
        return AttioClient(token, args.base_url, timeout=args.timeout)
    except AttioAuthError as error:
        raise UsageError(error.message) from None


# schema pull ------------------------------------------------------------------------------


def run_pull(args: argparse.Namespace) -> int:
    from ..api import AttioAPIError

    try:
        client = make_client(args)
    except UsageError as error:
        return usage_failure("attioql schema pull", error)

    interactive = sys.stderr.isatty()

    def progress(number: int, description: str) -> None:
        if args.quiet:
            return
        line = f"attioql: request {number}: {description}"
        if interactive:
            sys.stderr.write(f"\r\033[K{line}")
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    try:
        with client:
            snapshot = client.pull_schema(progress)
    except AttioAPIError as error:
        if interactive and not args.quiet:
            sys.stderr.write("\n")
        sys.stderr.write(f"attioql schema pull: error: {error.message}\n")
        return EXIT_REJECTED
    if interactive and not args.quiet:
        sys.stderr.write("\n")

    text = json.dumps(snapshot, ensure_ascii=False, indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
        where = "standard output"
    else:
        try:
            _write_atomically(Path(args.output), text)
        except OSError as error:
            sys.stderr.write(f"attioql schema pull: error: cannot write {args.output!r}: "
                             f"{error.strerror or error}\n")
            return EXIT_REJECTED
        where = args.output
    if not args.quiet:
        sys.stderr.write(f"attioql: wrote {where}: {_summary(snapshot)}\n")
    return EXIT_OK


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file, so a failed write keeps the old snapshot."""
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _summary(snapshot: dict[str, object]) -> str:
    def size(key: str) -> int:
        value = snapshot.get(key)
        return len(value) if isinstance(value, (list, dict)) else 0

    attributes = snapshot.get("attributes")
    attribute_count = (sum(len(items) for items in attributes.values())
                       if isinstance(attributes, dict) else 0)
    return (f"{size('objects')} objects, {size('lists')} lists, {attribute_count} attributes, "
            f"{size('select_options') + size('statuses')} option and status lists, "
            f"{size('workspace_members')} members")


# schema show ------------------------------------------------------------------------------


def run_show(args: argparse.Namespace) -> int:
    try:
        schema = load_schema(args.schema)
    except SchemaLoadError as error:
        return usage_failure("attioql schema show", UsageError(str(error)))
    if args.target is None:
        sys.stdout.write(show_workspace(schema))
        return EXIT_OK
    try:
        target = resolve_target(schema, args.target)
    except AttioQLError as error:
        hint = f" ({error.hint})" if error.hint else ""
        return usage_failure("attioql schema show", UsageError(error.message + hint))
    if args.attribute is None:
        sys.stdout.write(show_target(schema, target))
        return EXIT_OK
    attribute = _find_attribute(schema, target, args.attribute)
    if attribute is None:
        close = _close_names(args.attribute, list(target.attributes))
        if close:
            hint = f" (did you mean {_or_list(close)}?)"
        else:
            command = shlex.join(["attioql", "schema", "show", "--schema", args.schema,
                                  args.target])
            hint = f" (run `{command}` to list its attributes)"
        return usage_failure("attioql schema show", UsageError(
            f"`{target.qualified}` has no attribute `{args.attribute}`{hint}"))
    sys.stdout.write(show_attribute(schema, target, attribute))
    return EXIT_OK


def _find_attribute(schema: Schema, target: Target, name: str) -> Attribute | None:
    candidates = schema.attribute_candidates(target, name, quoted=False)
    return candidates[0] if candidates else None


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    """Render rows as left-aligned columns under a header and a rule line."""
    widths = [len(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))

    def line(cells: Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
        return (indent + "  ".join(padded)).rstrip()

    lines = [line(headers), line(["-" * width for width in widths])]
    lines += [line(row) for row in rows]
    return "\n".join(lines) + "\n"


def show_workspace(schema: Schema) -> str:
    """Render the objects, lists and members of a schema as tables."""
    out: list[str] = []
    workspace = schema.snapshot.workspace or {}
    if workspace.get("name") or workspace.get("id"):
        out.append(f"Workspace: {workspace.get('name') or '(no name)'}"
                   + (f" ({workspace['id']})" if workspace.get("id") else "") + "\n\n")

    out.append("Objects\n")
    out.append(format_table(
        ["slug", "title", "attributes"],
        [[target.slug, target.title, _attribute_count(schema, target)]
         for target in schema.objects.values()]))

    out.append("\nLists\n")
    if schema.lists:
        out.append(format_table(
            ["slug", "name", "parent objects", "attributes"],
            [[target.slug, target.title, ", ".join(target.parent_objects),
              _attribute_count(schema, target)] for target in schema.lists.values()]))
    else:
        out.append("  none\n")

    out.append("\nMembers\n")
    if schema.members is None:
        out.append("  not in this schema\n")
    elif not schema.members:
        out.append("  none\n")
    else:
        out.append(format_table(
            ["name", "email", "access", "id"],
            [[member.full_name, member.email, member.access_level, member.id]
             for member in schema.members]))
    return "".join(out)


def _attribute_count(schema: Schema, target: Target) -> str:
    return str(len(target.attributes)) if schema.has_attributes(target) else "unknown"


def show_target(schema: Schema, target: Target) -> str:
    """Render the attributes of one object or list, then its options and statuses."""
    heading = f"{target.qualified}: {target.title}"
    if target.parent_objects:
        heading += f", entries of {', '.join(target.parent_objects)}"
    if not schema.has_attributes(target):
        return heading + "\n\n  The schema does not list the attributes of this target.\n"
    out = [f"{heading}, {len(target.attributes)} attributes\n\n"]
    rows = [[attribute.slug, attribute.title, _type_label(attribute),
             _operator_label(attribute)] for attribute in target.attributes.values()]
    out.append(format_table(["slug", "title", "type", "operators"], rows))
    out.append("\n  Each operator also has its negation: !=, not in, does not contain, "
               "is empty and so on.\n")

    choices = [attribute for attribute in target.attributes.values()
               if attribute.type in ("select", "status")]
    for attribute in choices:
        options = schema.options(target, attribute)
        kind = "statuses" if attribute.type == "status" else "options"
        if options is None:
            listing = "not in this schema"
        elif not options:
            listing = "none"
        else:
            listing = ", ".join(option.title + (" (archived)" if option.is_archived else "")
                                for option in options)
        out.append(f"\n{attribute.slug} {kind}: {listing}")
    if choices:
        out.append("\n")
    return "".join(out)


def show_attribute(schema: Schema, target: Target, attribute: Attribute) -> str:
    """Render one attribute: its type, its properties with their operators, and its
    options or statuses."""
    out = [f"{target.qualified}.{attribute.slug}: {attribute.title}\n\n"]
    out.append(f"  type: {attribute.type}\n")
    out.append(f"  multi-valued: {'yes' if attribute.is_multiselect else 'no'}\n")
    out.append(f"  archived: {'yes' if attribute.is_archived else 'no'}\n")
    if attribute.type == "record-reference":
        links = ("any object" if attribute.allowed_objects is None
                 else ", ".join(attribute.allowed_objects + attribute.unknown_object_ids))
        out.append(f"  links to: {links}\n")
    rule = DEFAULT_RULES.get(attribute.type)
    if rule is None:
        out.append("\n  attioql has no filter rules for this type.\n")
        return "".join(out)
    if attribute.is_archived:
        out.append("\n  This attribute is archived, and archived attributes cannot be "
                   "filtered.\n")
        return "".join(out)

    rows: list[list[str]] = []
    bare = _bare_operators(rule)
    if rule.default_property is None:
        rows.append(["(attribute)", "name a property"])
    elif bare:
        rows.append(["(attribute)", ", ".join(_display_operators(bare))])
    for name in rule.named_properties:
        rows.append([name, ", ".join(_display_operators(rule.properties[name].operators))])
    out.append("\n" + format_table(["property", "operators"], rows))
    if rule.aliases:
        aliases = ", ".join(f"{alias} = {name}" for alias, name in rule.aliases.items())
        out.append(f"\n  aliases: {aliases}\n")

    if attribute.type in ("select", "status"):
        options = schema.options(target, attribute)
        kind = "Statuses" if attribute.type == "status" else "Options"
        out.append(f"\n{kind}\n")
        if options is None:
            out.append("  not in this schema\n")
        elif not options:
            out.append("  none\n")
        else:
            out.append(format_table(
                ["title", "id", "archived"],
                [[option.title, option.id, "yes" if option.is_archived else ""]
                 for option in options]))
    return "".join(out)


def _type_label(attribute: Attribute) -> str:
    label = attribute.type
    if attribute.type == "record-reference" and attribute.allowed_objects:
        label += f" to {', '.join(attribute.allowed_objects)}"
    flags = [flag for flag, on in (("multi", attribute.is_multiselect),
                                   ("archived", attribute.is_archived)) if on]
    if flags:
        label += f" ({', '.join(flags)})"
    return label


def _bare_operators(rule: TypeRule) -> set[AttioOperator]:
    """Return the Attio operators that a condition on the attribute itself may use.

    These are the operators of the default property, plus `$not_empty` when `is empty`
    has a property to use."""
    operators: set[AttioOperator] = set()
    default = rule.default_property
    if default is not None and default in rule.properties:
        operators |= rule.properties[default].operators
    empty_rule = rule.properties.get(rule.empty_property) \
        if rule.empty_property is not None else None
    if empty_rule is not None and "$not_empty" in empty_rule.operators:
        operators.add("$not_empty")
    return operators


def _operator_label(attribute: Attribute) -> str:
    rule = DEFAULT_RULES.get(attribute.type)
    if rule is None:
        return "not filterable"
    if attribute.is_archived:
        return "archived, so not filterable"
    if rule.default_property is None:
        return "name a property: " + ", ".join(rule.named_properties)
    operators = [op for op in _display_operators(_bare_operators(rule))
                 if op not in _NEGATIONS]
    return ", ".join(operators) if operators else "name a property"


def _display_operators(operators: frozenset[AttioOperator] | set[AttioOperator]) -> list[str]:
    """Return the attioql operators for ``operators`` as canonical text spells them, with
    `is not empty` (Attio's `$not_empty`) before its negation `is empty`."""
    spelled = {"not contains": "does not contain"}
    result = [spelled.get(operator, operator) for operator in dsl_operators(operators)]
    if "is empty" in result:
        result.remove("is empty")
        result.append("is empty")
    return result


_NEGATIONS = frozenset({"!=", "not in", "not between", "does not contain",
                        "does not start with", "does not end with", "is empty"})
"""Negated operators, left out of the attribute table to keep it narrow. A note under the
table states that each operator has a negation. `is empty` is the negation of `is not
empty`, which is Attio's `$not_empty`."""
