"""Monthly ticket figures for the managers' statistics at scale (issue #6 points 8 and 10).

One row per month of creation and (queue, customer's unit, type, category): how many tickets,
their SLA clocks met / decided, and their complaint revisits. `crm manage refresh_service_stats`
rebuilds them every night, up to the moment it runs; the statistics read those rows for what
they cover (`TicketMonthRefresh`) and compute the rest — the tickets created since the last
run, and any month nobody summarised — from the tickets themselves. A ticket's figures are
those of the last run: a change to an older ticket (resolved, revisited) shows the next day.

The customer's unit is stored so that a manager's scope (the tickets of their queues *or* of
their customers, `selectors.tickets_for_user`) is a filter on the rows; it is empty when the
customer was deleted (nobody sees such a ticket through the customer).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketMonth(models.Model):
    month = models.DateField(_("month"))  # first day, in the display time zone
    # Plain ids, no foreign key: the rows are rebuilt, never edited, and units and types are
    # never removed for real (units are soft-deleted, types deactivated).
    org_unit_id = models.BigIntegerField(_("queue"))
    customer_unit_id = models.BigIntegerField(_("customer's unit"), null=True)
    type_id = models.BigIntegerField(_("type"))
    category_id = models.BigIntegerField(_("category"), null=True)
    tickets = models.PositiveIntegerField(_("tickets"), default=0)
    # Tickets with an SLA policy, and their clocks: met, and decided (met or overdue).
    with_sla = models.PositiveIntegerField(default=0)
    first_met = models.PositiveIntegerField(default=0)
    first_total = models.PositiveIntegerField(default=0)
    resolution_met = models.PositiveIntegerField(default=0)
    resolution_total = models.PositiveIntegerField(default=0)
    # Revisits made (status done), and the satisfaction they recorded.
    revisited = models.PositiveIntegerField(default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    satisfaction_n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket month figures")
        verbose_name_plural = _("ticket month figures")
        indexes = [models.Index(fields=["month"], name="svc_ticket_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.org_unit_id} {self.type_id}"


class TicketMonthRefresh(models.Model):
    """A month whose figures `TicketMonth` holds: those of its tickets created before `until`
    (the month's end, or the moment of the run for the current month)."""

    month = models.DateField(_("month"), unique=True)
    until = models.DateTimeField(_("covers tickets created before"))
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("ticket month refresh")
        verbose_name_plural = _("ticket month refreshes")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
