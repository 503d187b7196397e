"""Page forms of orders and receivables: input shape only; the services hold the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.customers.forms import BootstrapForm, DateInput
from crm.sales.forms import BaseLineFormSet, LineForm

from .models import OrderStatus
from .models_receivables import FapiaoType, PaymentMethod
from .models_shipping import ShipmentStatus


class OrderForm(BootstrapForm):
    customer = forms.CharField(
        label=_("Customer"),
        max_length=220,
        help_text=_("Type a name, pinyin or code and pick the customer from the list."),
    )
    order_date = forms.DateField(label=_("Order date"), widget=DateInput)
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"),
        min_value=0,
        max_value=365,
        required=False,
        help_text=_("Empty: the customer's terms, else the system default."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )
    opportunity = forms.IntegerField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.attrs["list"] = "customer-options"
        self.fields["customer"].widget.attrs["autocomplete"] = "off"
        if editing:
            self.fields["customer"].disabled = True


class OrderLineForm(LineForm):
    """The opportunity line (product picker, quantity, price) plus discount and tax rate."""

    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        min_value=0,
        max_value=100,
        max_digits=7,
        decimal_places=4,
        required=False,
    )
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"),
        min_value=0,
        max_value=100,
        max_digits=7,
        decimal_places=4,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("discount_percent", "tax_rate"):
            self.fields[name].widget.attrs["aria-label"] = self.fields[name].label


class BaseOrderLineFormSet(BaseLineFormSet):
    def lines(self) -> list[dict[str, Any]]:
        return [
            {
                "product": d["product"],
                "quantity": d["quantity"],
                "unit_price": d.get("unit_price"),
                "discount_percent": d.get("discount_percent") or Decimal(0),
                "tax_rate": d.get("tax_rate"),
            }
            for d in (f.cleaned_data for f in self.forms)
            if d.get("product") is not None
        ]


OrderLineFormSet = forms.formset_factory(
    OrderLineForm, formset=BaseOrderLineFormSet, extra=3, max_num=200, can_delete=False
)


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=OrderStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(max_length=500, required=False)


class ShipmentForm(BootstrapForm):
    carrier = forms.CharField(label=_("Carrier"), max_length=100, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    shipped_on = forms.DateField(label=_("Shipped on"), widget=DateInput)


class ReturnForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)
    returned_on = forms.DateField(label=_("Returned on"), widget=DateInput)


class EventForm(BootstrapForm):
    status = forms.ChoiceField(label=_("Status"), choices=ShipmentStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class InvoiceForm(BootstrapForm):
    shipment = forms.IntegerField(required=False, widget=forms.HiddenInput)
    fapiao_type = forms.ChoiceField(label=_("Fapiao type"), choices=FapiaoType.choices)
    fapiao_number = forms.CharField(label=_("Fapiao number"), max_length=40, required=False)
    issue_date = forms.DateField(label=_("Issue date"), widget=DateInput)
    due_date = forms.DateField(
        label=_("Due date"),
        widget=DateInput,
        required=False,
        help_text=_("Empty: from the payment terms."),
    )


class PaymentForm(BootstrapForm):
    customer = forms.CharField(
        label=_("Customer"),
        max_length=220,
        help_text=_("Type a name, pinyin or code and pick the customer from the list."),
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=16, decimal_places=2
    )
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].widget.attrs["list"] = "customer-options"
        self.fields["customer"].widget.attrs["autocomplete"] = "off"


class CreditForm(BootstrapForm):
    amount = forms.DecimalField(
        label=_("Credit limit"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        required=False,
        help_text=_("Empty: no limit."),
    )
    payment_terms_days = forms.IntegerField(
        label=_("Payment terms (days)"), min_value=0, max_value=365, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StatementForm(forms.Form):
    """The period of a customer's statement (both days included)."""

    date_from = forms.DateField(label=_("From"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("To"), widget=DateInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
