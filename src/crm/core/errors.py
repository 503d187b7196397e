"""Domain errors with stable codes; the API maps them to its error body, pages to messages."""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message: Any = _("The request is not valid.")

    def __init__(
        self, message: Any = None, *, code: str | None = None, fields: dict | None = None
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    default_message = _("Some fields are not valid.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("The record does not exist or you may not see it.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class StaleVersion(DomainError):
    status = 409
    code = "stale_version"
    default_message = _(
        "Someone else changed this record after you opened it. Reload it and apply your "
        "change again."
    )


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state of the record.")
