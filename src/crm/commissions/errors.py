"""Stable error codes of commissions (the API's `error.code`)."""

from django.utils.translation import gettext_lazy as _

from crm.core.errors import Conflict


class PeriodClosed(Conflict):
    code = "period_closed"
    default_message = _(
        "This commission period is closed; its statements can no longer be recomputed."
    )
