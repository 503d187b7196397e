"""The one Ninja API object; every app's router is mounted here."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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


# Pydantic's messages are English only; the common ones are said again in the user's language.
_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "too_long": gettext_lazy("At most %(max_length)s items."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "int_from_float": gettext_lazy("Enter a whole number."),
    "decimal_parsing": gettext_lazy("Enter a number."),
    "decimal_type": gettext_lazy("Enter a number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "greater_than": gettext_lazy("Must be greater than %(gt)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Enter a date and time such as 2026-01-31T09:30:00+08:00."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "string_pattern_mismatch": gettext_lazy("The value has the wrong format."),
    "string_type": gettext_lazy("Enter text."),
    "list_type": gettext_lazy("Enter a list."),
    "dict_type": gettext_lazy("Enter an object."),
    "model_type": gettext_lazy("Enter an object."),
    "model_attributes_type": gettext_lazy("Enter an object."),
}


def _message(err: dict[str, Any]) -> str:
    template = _MESSAGES.get(str(err.get("type", "")))
    if template is None:
        return str(err.get("msg", ""))
    try:
        return str(template) % {k: v for k, v in (err.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(err.get("msg", ""))


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(_message(err))
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
    if exc.status_code == 400:
        # Ninja's only 400 is a body it cannot parse (not JSON, not UTF-8): input that is not
        # valid, reported like every other invalid input so each endpoint documents one 422.
        return error_response(
            request,
            422,
            "validation_error",
            _("Some fields are not valid."),
            {"__all__": [str(_("The request body is not valid JSON."))]},
        )
    return error_response(request, exc.status_code, "http_error", str(exc))


def _mount() -> None:
    from crm.org.api import auth_router, org_router, system_router

    api.add_router("/", auth_router)
    api.add_router("/", org_router)
    api.add_router("/", system_router)
    # Fixed paths (/customers/quality) before /customers/{customer_id}, which would match them.
    api.add_router("/", "crm.customers.api_data.router")
    api.add_router("/", "crm.customers.api.router")
    api.add_router("/", "crm.products.api.router")
    api.add_router("/", "crm.sales.api.router")
    api.add_router("/", "crm.sales.api_activities.router")
    api.add_router("/", "crm.service.api.router")
    api.add_router("/", "crm.fieldservice.api.router")
    api.add_router("/", "crm.orders.api.router")
    api.add_router("/", "crm.system.api.router")
    api.add_router("/", "crm.commissions.api.router")
    api.add_router("/", "crm.knowledge.api.router")
    api.add_router("/", "crm.core.api.router")


_mount()
