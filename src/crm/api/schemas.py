"""Shapes every router shares: the error body and the list envelope."""

from typing import Any, Generic, TypeVar

from ninja import Schema
from pydantic import BaseModel

T = TypeVar("T")


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


# Responses every authenticated endpoint may give besides its success.
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}
