"""Pydantic models of the Attio API responses that a workspace snapshot holds.

Each model mirrors one response shape of Attio's schema endpoints and ignores the fields
attioql does not use. Building these classes costs tens of milliseconds, so
:mod:`attioql.schema` imports this module only when it validates a snapshot.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ObjectId(_Model):
    workspace_id: str | None = None
    object_id: str


class ObjectModel(_Model):
    """An entry of ``GET /v2/objects``."""

    id: ObjectId
    api_slug: str
    singular_noun: str | None = None
    plural_noun: str | None = None


class ListId(_Model):
    workspace_id: str | None = None
    list_id: str


class ListModel(_Model):
    """An entry of ``GET /v2/lists``."""

    id: ListId
    api_slug: str
    name: str | None = None
    parent_object: list[str] = Field(default_factory=list)


class RecordReferenceConfig(_Model):
    allowed_object_ids: list[str] | None = None


class AttributeConfig(_Model):
    record_reference: RecordReferenceConfig | None = None


class AttributeModel(_Model):
    """An entry of ``GET /v2/{objects|lists}/{slug}/attributes``."""

    id: dict[str, Any] = Field(default_factory=dict)
    title: str
    api_slug: str
    type: str
    description: str | None = None
    is_multiselect: bool = False
    is_archived: bool = False
    config: AttributeConfig = Field(default_factory=AttributeConfig)

    @field_validator("api_slug")
    @classmethod
    def _reject_operator_slug(cls, slug: str) -> str:
        # The slug becomes a key of the filter JSON, where a leading `$` marks an operator.
        if slug.startswith("$"):
            raise ValueError("an attribute slug cannot start with `$`")
        return slug


class OptionId(_Model):
    option_id: str | None = None
    status_id: str | None = None


class OptionModel(_Model):
    """An entry of ``.../options`` or ``.../statuses``."""

    id: OptionId
    title: str
    is_archived: bool = False

    @property
    def identifier(self) -> str:
        return self.id.option_id or self.id.status_id or ""


class MemberId(_Model):
    workspace_member_id: str


class MemberModel(_Model):
    """An entry of ``GET /v2/workspace_members``."""

    id: MemberId
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    access_level: str | None = None


class Snapshot(_Model):
    """A workspace snapshot file. ``None`` marks a part the snapshot does not have."""

    format: str | None = None
    version: int | None = None
    workspace: dict[str, Any] | None = None
    objects: list[ObjectModel] = Field(default_factory=list)
    lists: list[ListModel] = Field(default_factory=list)
    attributes: dict[str, list[AttributeModel]] = Field(default_factory=dict)
    select_options: dict[str, list[OptionModel]] | None = None
    statuses: dict[str, list[OptionModel]] | None = None
    workspace_members: list[MemberModel] | None = None
