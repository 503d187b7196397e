"""API input and output shapes of the organisation module."""

from datetime import datetime

from ninja import Field, Schema

from crm.api.schemas import InputSchema
from crm.core.modules import Scope


class TokenIn(InputSchema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=256)


class TokenOut(Schema):
    token: str


class TokenInfoOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class UnitRef(Schema):
    id: int
    name: str


class RoleRef(Schema):
    id: int
    code: str
    name: str


class ModuleScopeOut(Schema):
    actions: list[str]
    scope: Scope


class MeOut(Schema):
    id: int
    username: str
    name: str
    unit: UnitRef | None
    roles: list[RoleRef]
    modules: dict[str, ModuleScopeOut]
    specials: list[str]
    language: str


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    depth: int
    sort_order: int
    version: int
    created_at: datetime
    updated_at: datetime


class UnitIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: str = Field(..., max_length=16)
    parent_id: int
    sort_order: int = Field(0, ge=0, le=1_000_000)


class UnitPatch(InputSchema):
    version: int = Field(..., ge=1)
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = Field(None, max_length=16)
    sort_order: int | None = Field(None, ge=0, le=1_000_000)


class UnitMoveIn(InputSchema):
    version: int = Field(..., ge=1)
    parent_id: int


class EmployeeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    phone: str
    unit: UnitRef | None
    roles: list[RoleRef]
    is_active: bool
    version: int


class EmployeeIn(InputSchema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    name: str = Field("", max_length=60)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
    unit_id: int
    role_ids: list[int] = Field(default_factory=list, max_length=50)


class EmployeePatch(InputSchema):
    version: int = Field(..., ge=1)
    name: str | None = Field(None, max_length=60)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    unit_id: int | None = None
    role_ids: list[int] | None = Field(None, max_length=50)


class GrantOut(Schema):
    module: str
    can_view: bool
    can_create: bool
    can_edit: bool
    can_delete: bool
    can_export: bool
    scope: Scope


class GrantIn(InputSchema):
    can_view: bool = False
    can_create: bool = False
    can_edit: bool = False
    can_delete: bool = False
    can_export: bool = False
    scope: Scope = Scope.OWN


class RoleOut(Schema):
    id: int
    code: str
    name: str
    description: str
    can_view_sensitive: bool
    can_export: bool
    can_bulk_delete: bool
    can_manage_system: bool
    grants: list[GrantOut]
    version: int


class RoleIn(InputSchema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(..., min_length=1, max_length=60)
    description: str = Field("", max_length=200)


class RolePatch(InputSchema):
    version: int = Field(..., ge=1)
    name: str | None = Field(None, min_length=1, max_length=60)
    description: str | None = Field(None, max_length=200)
    can_view_sensitive: bool | None = None
    can_export: bool | None = None
    can_bulk_delete: bool | None = None
    can_manage_system: bool | None = None
    grants: dict[str, GrantIn] | None = None


class ParameterOut(Schema):
    key: str
    label: str
    value: str
    default: str
    version: int


class ParameterIn(InputSchema):
    value: str = Field(..., max_length=200)
    version: int | None = Field(None, ge=0)


class DeletedOut(Schema):
    model: str
    id: int
    label: str
    deleted_at: datetime | None
