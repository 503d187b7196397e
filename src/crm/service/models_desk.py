"""The call-centre desk (SVC-2): every inbound call, with whom it was matched to.

A call from a known number is also an interaction (channel phone, inbound) on the customer's
timeline; a call that matched nobody or several waits for the agent to choose or capture the
caller, then gets its interaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Call(models.Model):
    # The telephony system's id of the call; a repeated POST with it changes nothing.
    call_id = models.CharField(_("call id"), max_length=64, null=True, blank=True)
    caller = models.CharField(_("caller"), max_length=80)
    # The caller normalised (national digits, or a lower-case e-mail); see crm.service.desk.
    caller_key = models.CharField(max_length=80, blank=True, editable=False)
    called = models.CharField(_("called number"), max_length=80, blank=True)
    received_at = models.DateTimeField(_("received at"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    interaction = models.OneToOneField(
        "customers.Interaction",
        verbose_name=_("interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lead = models.ForeignKey(
        "sales.Lead",
        verbose_name=_("lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_id"], condition=Q(call_id__isnull=False), name="svc_call_unique_id"
            )
        ]
        indexes = [models.Index(fields=["caller_key", "-received_at"], name="svc_call_caller")]

    def __str__(self) -> str:
        return f"{self.caller} {self.received_at:%Y-%m-%d %H:%M}"
