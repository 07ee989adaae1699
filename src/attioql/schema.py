"""Workspace schemas: the objects, lists, attributes, options, statuses and members that
names in a filter resolve against.

A snapshot file contains the ``data`` arrays of Attio's schema endpoints unchanged (see
``docs/language.md``, "Workspace snapshots"); the pydantic models of
:mod:`attioql.snapshot` validate it. :class:`Schema` indexes a validated snapshot for the
binder's lookups. A part that is missing from the snapshot means
"unknown": values for it are accepted without a check.
"""

from __future__ import annotations

import functools
import json
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import AttioQLError, Diagnostic

if TYPE_CHECKING:
    from .snapshot import AttributeModel, Snapshot

BUNDLED_SCHEMAS = ("standard", "demo")


def fold(text: str) -> str:
    """Fold text for matching that ignores case: Unicode casefold of the NFC form."""
    return unicodedata.normalize("NFC", text).casefold().strip()


@dataclass(frozen=True)
class Attribute:
    """An attribute of an object or list, with what the binder needs to know about it."""

    slug: str
    title: str
    type: str
    target: str
    is_multiselect: bool = False
    is_archived: bool = False
    allowed_objects: tuple[str, ...] | None = None
    """Slugs of the objects a record reference may point to; ``None`` means any object."""
    unknown_object_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Option:
    """A select option or a status."""

    id: str
    title: str
    is_archived: bool = False


@dataclass(frozen=True)
class Member:
    id: str
    first_name: str
    last_name: str
    email: str
    access_level: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_suspended(self) -> bool:
        return self.access_level == "suspended"


@dataclass(frozen=True)
class Target:
    """An object or a list that can be queried."""

    kind: str  # "objects" or "lists"
    slug: str
    title: str
    parent_objects: tuple[str, ...] = ()
    attributes: Mapping[str, Attribute] = field(default_factory=dict)

    @property
    def qualified(self) -> str:
        return f"{self.kind}/{self.slug}"


@dataclass
class _AttributeIndex:
    by_slug: dict[str, Attribute]
    by_folded_slug: dict[str, list[Attribute]]
    by_title: dict[str, list[Attribute]]


class Schema:
    """A loaded workspace schema, indexed for lookups by slug, title and name."""

    def __init__(self, snapshot: Snapshot, name: str = "") -> None:
        self.snapshot = snapshot
        self.name = name
        object_slugs = {item.id.object_id: item.api_slug for item in snapshot.objects}
        self.objects: dict[str, Target] = {}
        self.lists: dict[str, Target] = {}
        self._indexes: dict[str, _AttributeIndex] = {}

        for obj in snapshot.objects:
            title = obj.plural_noun or obj.api_slug
            self.objects[obj.api_slug] = Target("objects", obj.api_slug, title)
        for lst in snapshot.lists:
            self.lists[lst.api_slug] = Target("lists", lst.api_slug, lst.name or lst.api_slug,
                                              tuple(lst.parent_object))

        for key, models in snapshot.attributes.items():
            kind, _, slug = key.partition("/")
            registries = {"objects": self.objects, "lists": self.lists}
            registry = registries.get(kind)
            if registry is None or slug not in registry:
                continue
            attributes = {model.api_slug: _attribute(model, key, object_slugs) for model in models}
            old = registry[slug]
            registry[slug] = Target(old.kind, old.slug, old.title, old.parent_objects, attributes)
            self._indexes[key] = _index(attributes.values())

        self.members: tuple[Member, ...] | None = None
        if snapshot.workspace_members is not None:
            self.members = tuple(
                Member(m.id.workspace_member_id, m.first_name or "", m.last_name or "",
                       m.email_address or "", m.access_level or "member")
                for m in snapshot.workspace_members
            )
        self._options = {
            key: tuple(Option(o.identifier, o.title, o.is_archived) for o in options)
            for part in (snapshot.select_options, snapshot.statuses) if part
            for key, options in part.items()
        }
        self.has_option_lists = snapshot.select_options is not None or snapshot.statuses is not None

    def __repr__(self) -> str:
        return f"<Schema {self.name or 'unnamed'}: {len(self.objects)} objects, {len(self.lists)} lists>"

    # Targets ---------------------------------------------------------------------------

    def find_targets(self, name: str) -> list[Target]:
        """Objects and lists whose slug matches ``name`` ignoring case (exact slugs first)."""
        kind, slash, rest = name.partition("/")
        if slash and kind.lower() in ("objects", "lists"):
            registry = self.objects if kind.lower() == "objects" else self.lists
            return _match_slug(registry, rest)
        return _match_slug(self.objects, name) + _match_slug(self.lists, name)

    def all_targets(self) -> list[Target]:
        return [*self.objects.values(), *self.lists.values()]

    # Attributes ------------------------------------------------------------------------

    def attribute_candidates(self, target: Target, name: str, quoted: bool) -> list[Attribute]:
        """Attributes that ``name`` may mean: an exact slug, else a slug ignoring case,
        else a title ignoring case and surrounding spaces. Archived ones are included.

        A name in backticks (``quoted``) follows the same order, so `` `limit` `` reaches an
        attribute whose slug is a keyword; surrounding spaces only count for titles."""
        index = self._indexes.get(target.qualified)
        if index is None:
            return []
        slug = name.strip() if quoted else name
        if slug in index.by_slug:
            return [index.by_slug[slug]]
        by_slug = index.by_folded_slug.get(slug.lower())
        if by_slug:
            return by_slug
        return index.by_title.get(fold(name), [])

    def has_attributes(self, target: Target) -> bool:
        return target.qualified in self._indexes

    # Options, statuses and members ------------------------------------------------------

    def options(self, target: Target, attribute: Attribute) -> tuple[Option, ...] | None:
        """Return the options or statuses of an attribute, or ``None`` when the snapshot
        lacks them (then any title is accepted)."""
        key = f"{target.qualified}/{attribute.slug}"
        return self._options.get(key)


def _attribute(model: AttributeModel, target: str, object_slugs: Mapping[str, str]) -> Attribute:
    allowed: tuple[str, ...] | None = None
    unknown: tuple[str, ...] = ()
    reference = model.config.record_reference
    if model.type == "record-reference" and reference is not None and reference.allowed_object_ids is not None:
        ids = reference.allowed_object_ids
        allowed = tuple(object_slugs[item] for item in ids if item in object_slugs)
        unknown = tuple(item for item in ids if item not in object_slugs)
    return Attribute(model.api_slug, model.title, model.type, target, model.is_multiselect,
                     model.is_archived, allowed, unknown)


def _index(attributes: Iterable[Attribute]) -> _AttributeIndex:
    by_slug: dict[str, Attribute] = {}
    by_folded: dict[str, list[Attribute]] = {}
    by_title: dict[str, list[Attribute]] = {}
    for attribute in attributes:
        by_slug[attribute.slug] = attribute
        by_folded.setdefault(attribute.slug.lower(), []).append(attribute)
        by_title.setdefault(fold(attribute.title), []).append(attribute)
    return _AttributeIndex(by_slug, by_folded, by_title)


def _match_slug(registry: Mapping[str, Target], name: str) -> list[Target]:
    if name in registry:
        return [registry[name]]
    lowered = name.lower()
    return [target for slug, target in registry.items() if slug.lower() == lowered]


# Loading -----------------------------------------------------------------------------


class SchemaLoadError(AttioQLError):
    """A snapshot file that is missing, not JSON, or not shaped like Attio's responses.

    Its code is ``value.invalid_schema``; the span is empty because no filter text is
    involved."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__([Diagnostic("value.invalid_schema", message, (0, 0), hint)])

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.hint))


def parse_snapshot(data: Mapping[str, Any], name: str = "") -> Schema:
    """Validate a snapshot already read as a mapping and index it."""
    from pydantic import ValidationError

    from .snapshot import Snapshot

    try:
        snapshot = Snapshot.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise SchemaLoadError(
            f"The workspace snapshot {name or ''} is not valid: {location}: {first['msg']}."
            .replace("  ", " "),
            "a snapshot holds the `data` arrays of Attio's schema endpoints; "
            "`attioql schema pull` writes one",
        ) from None
    return Schema(snapshot, name)


_bundled_lock = threading.Lock()


@functools.cache
def _bundled(name: str) -> Schema:
    text = resources.files("attioql").joinpath("schemas").joinpath(f"{name}.json").read_text("utf-8")
    return parse_snapshot(json.loads(text), name)


def load_schema(source: str | Path | Schema | Mapping[str, Any] | None = None) -> Schema:
    """Load a workspace schema.

    ``source`` is ``None`` or ``"standard"`` (Attio's standard objects, no members or
    options), ``"demo"`` (a fictional workspace), a path to a snapshot file, a snapshot
    already read as a mapping, or a :class:`Schema` (returned unchanged). Bundled schemas
    are loaded once per process.
    """
    if isinstance(source, Schema):
        return source
    if source is None:
        source = "standard"
    if isinstance(source, Mapping):
        return parse_snapshot(source)
    if isinstance(source, str) and source in BUNDLED_SCHEMAS:
        with _bundled_lock:
            return _bundled(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemaLoadError(
            f"No workspace snapshot at {str(path)!r}.",
            f"give a path to a snapshot file or a bundled schema: {', '.join(BUNDLED_SCHEMAS)}",
        ) from None
    except OSError as error:
        raise SchemaLoadError(f"Cannot read the workspace snapshot {str(path)!r}: {error}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaLoadError(f"The workspace snapshot {str(path)!r} is not JSON: {error}.") from None
    if not isinstance(data, dict):
        raise SchemaLoadError(f"The workspace snapshot {str(path)!r} is not a JSON object.")
    return parse_snapshot(data, str(path))
