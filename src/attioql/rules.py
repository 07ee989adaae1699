"""The operator rules: per attribute type and property, which Attio operators a filter may
use, which property a bare attribute means, the property aliases, and the kind of value.

This table is the single source for the binder, the generated ``docs/operators.md`` and
the completion engine. The default table holds what Attio's filtering documentation lists
for each type; a caller whose workspace accepts more can extend it with
:meth:`Rules.with_operators` and pass the result as ``rules=``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

AttioOperator = Literal[
    "$eq", "$in", "$not_empty", "$contains", "$starts_with", "$ends_with",
    "$lt", "$lte", "$gt", "$gte",
]
ATTIO_OPERATORS: tuple[AttioOperator, ...] = (
    "$eq", "$in", "$not_empty", "$contains", "$starts_with", "$ends_with",
    "$lt", "$lte", "$gt", "$gte",
)

ValueKind = Literal[
    "text", "number", "rating", "boolean", "date", "timestamp", "option", "status",
    "member", "record_id", "phone_number", "country_code", "interaction_type", "domain",
    "none",
]

Style = Literal["operators", "implicit_option", "record", "actor"]
"""How a condition on the property is written in Attio JSON:

* ``operators``: ``{"$op": value, ...}``;
* ``implicit_option``: a select or status equality as the bare title (``{"tier": "SMB"}``);
* ``record``: ``{"target_object": ..., "target_record_id": ...}``;
* ``actor``: ``{"referenced_actor_type": "workspace-member", "referenced_actor_id": ...}``.
"""

VALUE = ""
"""The property key that stands for the attribute itself (no property segment)."""

INTERACTION_TYPES = ("email", "calendar-event", "call", "chat-thread", "in-person-meeting",
                     "meeting")


@dataclass(frozen=True)
class PropertyRule:
    operators: frozenset[AttioOperator]
    value_kind: ValueKind
    style: Style = "operators"
    explicit_key: str | None = None
    """For select and status: the key of the explicit equality form used inside paths and
    groups (``{"status": {"$eq": ...}}``)."""


@dataclass(frozen=True)
class TypeRule:
    """The rules for one attribute type."""

    type: str
    properties: Mapping[str, PropertyRule]
    default_property: str | None = VALUE
    """The property a path that stops at the attribute means; ``None`` when one is required."""
    empty_property: str | None = None
    """The property `is [not] empty` uses when the path stops at the attribute."""
    default_for_dates_only: bool = False
    """Interaction attributes: the default property applies to date values only."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    description: str = ""

    def resolve_property(self, name: str) -> str | None:
        """Return the property that ``name`` (a property or an alias) means, if any."""
        if name in self.properties and name != VALUE:
            return name
        lowered = name.lower()
        for candidate in self.properties:
            if candidate and candidate.lower() == lowered:
                return candidate
        alias = self.aliases.get(lowered)
        return alias

    @property
    def named_properties(self) -> list[str]:
        return [name for name in self.properties if name != VALUE]


def _ops(*names: AttioOperator) -> frozenset[AttioOperator]:
    return frozenset(names)


_COMPARABLE = _ops("$eq", "$gt", "$gte", "$lt", "$lte")
_TEXT_MATCH = _ops("$eq", "$contains", "$starts_with", "$ends_with")


def _single(type_: str, operators: frozenset[AttioOperator], kind: ValueKind,
            description: str) -> TypeRule:
    return TypeRule(type_, {VALUE: PropertyRule(operators, kind)}, description=description)


def _choice(type_: str, kind: ValueKind, key: str, description: str) -> TypeRule:
    return TypeRule(
        type_,
        {
            VALUE: PropertyRule(_ops("$eq"), kind, "implicit_option", key),
            "active_from": PropertyRule(_ops("$gt", "$gte", "$lt", "$lte"), "timestamp"),
        },
        description=description,
    )


_LOCATION_LINES = ("line_1", "line_2", "line_3", "line_4", "locality", "region", "postcode")

_DEFAULT_TYPES: tuple[TypeRule, ...] = (
    _single("text", _ops("$eq", "$in", "$contains", "$starts_with", "$ends_with"), "text",
            "Text; compared as written, so `007` stays the text \"007\"."),
    _single("number", _COMPARABLE, "number", "A number; a quoted number is accepted."),
    _single("currency", _COMPARABLE, "number",
            "A currency amount, compared as a number; a quoted number is accepted."),
    _single("rating", _COMPARABLE, "rating", "A star rating, a whole number from 0 to 5."),
    _single("checkbox", _ops("$eq"), "boolean", "`true`, `false`, `yes` or `no`."),
    _single("date", _COMPARABLE, "date",
            "A calendar date; a date or a relative date, never a time of day."),
    _single("timestamp", _COMPARABLE, "timestamp",
            "A moment in time; a date means that whole day in the time zone."),
    _choice("select", "option", "option", "An option, by title (any case) or id."),
    _choice("status", "status", "status", "A status, by title (any case) or id."),
    TypeRule(
        "personal-name",
        {name: PropertyRule(_TEXT_MATCH | {"$not_empty"}, "text")
         for name in ("full_name", "first_name", "last_name")},
        default_property="full_name",
        empty_property="full_name",
        description="A person's name; a bare attribute means the full name.",
    ),
    TypeRule(
        "email-address",
        {name: PropertyRule(_TEXT_MATCH, "text")
         for name in ("email_address", "email_domain", "email_root_domain",
                      "email_local_specifier")},
        default_property="email_address",
        aliases={"domain": "email_domain", "root_domain": "email_root_domain",
                 "local": "email_local_specifier"},
        description="An email address; a bare attribute means the whole address.",
    ),
    TypeRule(
        "domain",
        {
            VALUE: PropertyRule(_ops("$not_empty"), "none"),
            "domain": PropertyRule(_TEXT_MATCH, "domain"),
            "root_domain": PropertyRule(_TEXT_MATCH, "domain"),
        },
        default_property="domain",
        empty_property=VALUE,
        description="A web domain; a URL's scheme and path are removed with a warning.",
    ),
    TypeRule(
        "phone-number",
        {
            "phone_number": PropertyRule(_TEXT_MATCH, "phone_number"),
            "country_code": PropertyRule(_ops("$eq", "$not_empty"), "country_code"),
        },
        default_property="phone_number",
        aliases={"country": "country_code"},
        description="A phone number in E.164 form; spaces, dots, dashes and brackets are removed.",
    ),
    TypeRule(
        "location",
        {
            **{name: PropertyRule(_TEXT_MATCH, "text") for name in _LOCATION_LINES},
            "country_code": PropertyRule(_ops("$eq", "$starts_with"), "country_code"),
        },
        default_property=None,
        aliases={"city": "locality", "state": "region", "country": "country_code",
                 "zip": "postcode", "postal_code": "postcode"},
        description="An address; a property such as `city` is required.",
    ),
    TypeRule(
        "interaction",
        {
            "interacted_at": PropertyRule(_COMPARABLE, "timestamp"),
            "owner_member_id": PropertyRule(_ops("$eq", "$not_empty"), "member"),
            "interaction_type": PropertyRule(_ops("$eq", "$not_empty"), "interaction_type"),
        },
        default_property="interacted_at",
        empty_property="owner_member_id",
        default_for_dates_only=True,
        aliases={"owner": "owner_member_id", "type": "interaction_type", "at": "interacted_at"},
        description="An email or calendar interaction; a bare attribute compares its date.",
    ),
    TypeRule(
        "record-reference",
        {"target_record_id": PropertyRule(_ops("$eq", "$in"), "record_id", "record")},
        default_property="target_record_id",
        description="A link to records, by record id; follow it with a dot to filter on "
                    "the linked record's attributes.",
    ),
    TypeRule(
        "actor-reference",
        {VALUE: PropertyRule(_ops("$eq"), "member", "actor")},
        description="A workspace member, by name, email, id or `me`.",
    ),
)


@dataclass(frozen=True)
class Rules:
    """The rules table: one :class:`TypeRule` per Attio attribute type."""

    types: Mapping[str, TypeRule]

    def get(self, type_: str) -> TypeRule | None:
        return self.types.get(type_)

    def with_operators(self, type_: str, property_: str | None,
                       operators: Iterable[AttioOperator]) -> Rules:
        """Return a copy that also allows ``operators`` on a type's property
        (``None`` or ``""`` for the attribute itself)."""
        rule = self.types[type_]
        key = property_ or VALUE
        unknown = set(operators) - set(ATTIO_OPERATORS)
        if unknown:
            raise ValueError(f"not Attio operators: {', '.join(sorted(unknown))}")
        current = rule.properties.get(key, PropertyRule(frozenset(), "text"))
        updated = replace(current, operators=current.operators | frozenset(operators))
        properties = {**rule.properties, key: updated}
        return Rules({**self.types, type_: replace(rule, properties=properties)})


DEFAULT_RULES = Rules({rule.type: rule for rule in _DEFAULT_TYPES})
