"""Stable error codes of orders and receivables (the API's `error.code`)."""

from django.utils.translation import gettext_lazy as _

from crm.core.errors import Conflict, ValidationFailed


class InvalidTransition(Conflict):
    code = "invalid_transition"


class NotOrderable(Conflict):
    """Only an accepted quote or an active contract becomes an order, and only once."""

    code = "not_orderable"


class OrderLocked(Conflict):
    code = "order_locked"
    default_message = _("Only a draft order can be changed.")


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    default_message = _(
        "This Idempotency-Key was already used with a different request body. Send a new key "
        "for a new order."
    )


class OverShipped(ValidationFailed):
    code = "quantity_exceeds_open"


class OverAllocated(ValidationFailed):
    code = "allocation_exceeds_open"


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})
