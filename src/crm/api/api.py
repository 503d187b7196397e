"""The one Ninja API object; every app's router is mounted here."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from crm.core.errors import DomainError

from .auth import TokenAuth

api = NinjaAPI(
    title="CRM API",
    version="1.0.0",
    description="客户关系管理系统 JSON API. Authenticate with `POST /api/v1/auth/token`.",
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: Any, fields: dict | None = None
) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(str(err.get("msg", "")))
    return error_response(request, 422, "validation_error", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "not_authenticated", _("Sign in first: send a valid bearer token.")
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(
        request, 404, "not_found", _("The record does not exist or you may not see it.")
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


def _mount() -> None:
    from crm.org.api import auth_router, org_router, system_router

    api.add_router("/", auth_router)
    api.add_router("/", org_router)
    api.add_router("/", system_router)


_mount()
