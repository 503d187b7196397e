"""Shapes every router shares: the error body and the list envelope."""

import re
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from crm.core.pagination import MAX_PAGE_SIZE, paginate

T = TypeVar("T")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _nul_error() -> PydanticCustomError:
    return PydanticCustomError("nul_character", str(_("Text may not contain NUL characters.")))


def _drop_nul(value: str) -> str:
    return value.replace("\x00", "")


# A free-text query parameter (a search term). PostgreSQL cannot compare text holding NUL
# characters, which no one types, so they are dropped rather than failing deep in a query.
Text = Annotated[str, AfterValidator(_drop_nul)]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_format", str(_("Enter a date as YYYY-MM-DD.")))


# A date parameter. pydantic alone also reads numbers as Unix times ("0" is 1970-01-01),
# which the schema (format: date) does not allow.
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class InputSchema(Schema):
    """Base of every request body: no text in it, however nested, may hold NUL characters.

    Stored text is refused with a 422 rather than silently changed; PostgreSQL cannot hold NUL.
    """

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value: Any) -> Any:
        # Ninja reads the schema's fields as attributes of whatever it is given and calls
        # callables: the JSON body "abc" would pass as {"title": "abc".title()}.
        if not isinstance(getattr(value, "_obj", value), dict):
            raise PydanticCustomError("model_type", str(_("Send a JSON object.")))
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise _nul_error()
        return value


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    count: int
    page: int
    page_size: int


# Query parameters of every list: the limits `crm.core.pagination.paginate` enforces.
# A primary key the database can hold (larger ones would fail in the query, not validate).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
PageNumber = Annotated[int, Field(ge=1)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]

# Responses every authenticated endpoint may give besides its success.
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def ref(obj: Any) -> dict[str, Any] | None:
    """A related record as the API shows it inline: its id and its name (or its text)."""
    return {"id": obj.pk, "name": str(getattr(obj, "name", "") or obj)} if obj is not None else None


def page_out(qs: Any, page: int, page_size: int, out: Any = None) -> dict[str, Any]:
    """A queryset paged in the database as the list envelope every endpoint returns."""
    p = paginate(qs, page, page_size)
    items = [out(i) for i in p.items] if out else p.items
    return {"items": items, "count": p.count, "page": p.page, "page_size": p.page_size}


class JobStartedOut(BaseModel):
    """A background job was started: poll GET /api/v1/jobs/{job_id}."""

    job_id: int
