"""Page forms of quotes: the header and the product lines (the opportunity's picker, plus a
discount and a tax rate per line). Input shape only; the services hold the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.customers.forms import BootstrapForm, DateInput
from crm.customers.models import Contact

from .forms import BaseLineFormSet, LineForm
from .services_quotes import DEFAULT_TAX_RATE, MAX_LINES


class QuoteForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput)
    notes = forms.CharField(
        label=_("Terms and notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]


class QuoteLineForm(LineForm):
    # Prices keep up to four places (the price_decimal_places parameter's maximum).
    unit_price = forms.DecimalField(
        label=_("Unit price"), min_value=0, max_digits=18, decimal_places=4, required=False
    )
    discount_pct = forms.DecimalField(
        label=_("Discount %"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    tax_rate = forms.DecimalField(
        label=_("Tax rate %"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        required=False,
        initial=DEFAULT_TAX_RATE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("discount_pct", "tax_rate"):
            attrs = self.fields[name].widget.attrs
            attrs["aria-label"] = self.fields[name].label


class BaseQuoteLineFormSet(BaseLineFormSet):
    def lines(self) -> list[dict[str, Any]]:
        return [
            {
                "product": d["product"],
                "quantity": d["quantity"],
                "unit_price": d.get("unit_price"),
                "discount_pct": d.get("discount_pct") or Decimal("0"),
                "tax_rate": d.get("tax_rate") if d.get("tax_rate") is not None else None,
            }
            for d in (f.cleaned_data for f in self.forms)
            if d.get("product") is not None and d.get("quantity")
        ]


QuoteLineFormSet = forms.formset_factory(
    QuoteLineForm, formset=BaseQuoteLineFormSet, extra=2, max_num=MAX_LINES, can_delete=False
)


class QuoteTransitionForm(forms.Form):
    to = forms.CharField(max_length=12)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    comment = forms.CharField(max_length=500, required=False)
