"""Page forms of leads, opportunities, stages and the forecast: input shape only; the
services hold the rules."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.customers.forms import BootstrapForm, DateInput, PersonChoiceField
from crm.customers.models import Choice, Contact
from crm.org.models import User
from crm.products.models import Product

from .models import ForecastCategory, LeadStatus, OpportunityStatus, Stage


class LeadForm(BootstrapForm):
    company = forms.CharField(label=_("Company"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    title = forms.CharField(label=_("Job title"), max_length=60, required=False)
    mobile = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    source = forms.ModelChoiceField(
        label=_("Source"), queryset=Choice.objects.none(), required=False
    )
    owner = PersonChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: yourself."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, owners: Any, sources: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


class LeadStatusForm(forms.Form):
    status = forms.ChoiceField(choices=LeadStatus.choices)
    reason = forms.CharField(max_length=200, required=False)
    version = forms.IntegerField()


class ConvertForm(BootstrapForm):
    # "new" or the id of an existing customer (a listed match, or one found by code).
    customer_choice = forms.CharField(required=False, initial="new")
    customer_code = forms.CharField(
        label=_("Or the code of another existing customer"), max_length=20, required=False
    )
    create_contact = forms.BooleanField(
        label=_("Add the lead's person as a contact"), required=False, initial=True
    )
    opportunity_name = forms.CharField(label=_("Opportunity name"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, max_digits=16, decimal_places=2, initial=0
    )
    expected_close = forms.DateField(label=_("Expected close"), widget=DateInput)
    force = forms.BooleanField(label=_("This is not a duplicate: create anyway"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OpportunityForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    customer = forms.CharField(
        label=_("Customer"),
        max_length=220,
        help_text=_("Type a name, pinyin or code and pick the customer from the list."),
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        initial=0,
        help_text=_("With product lines, the amount is their total."),
    )
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Empty: the stage's default probability."),
    )
    expected_close = forms.DateField(label=_("Expected close"), widget=DateInput)
    competitors = forms.CharField(label=_("Competitors"), max_length=200, required=False)
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, owners: Any, stages: Any, contacts: Any, editing: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["contact"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["customer"].widget.attrs["list"] = "customer-options"
        self.fields["customer"].widget.attrs["autocomplete"] = "off"
        if editing:
            # The stage moves through the board or the stage buttons (with history).
            del self.fields["stage"]
        else:
            self.fields["stage"].queryset = stages  # type: ignore[attr-defined]


class LineForm(BootstrapForm):
    """One product line. The picker (sales/lines.js) fills `product` with the chosen id and
    `product_text` with “CODE name”; typing in the text clears the id. Without JavaScript the
    typed text names the product (a code, or words that find exactly one active product)."""

    product = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    product_text = forms.CharField(label=_("Product"), max_length=300, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=0, max_digits=16, decimal_places=4, required=False
    )
    unit_price = forms.DecimalField(
        label=_("Unit price"), min_value=0, max_digits=16, decimal_places=2, required=False
    )

    def __init__(
        self, *args: Any, user: Any, known: dict[int, Product] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.known = known or {}
        # The product the line shows (its unit): the initial one, then the cleaned one.
        self.picked: Product | None = None
        initial = self.initial.get("product")
        if isinstance(initial, Product):
            self.picked = initial
            self.initial["product"] = initial.pk
            self.initial["product_text"] = picker_label(initial)
        f = self.fields
        f["product"].widget.attrs["class"] = "line-product"
        f["product_text"].widget.attrs.update(
            {
                "class": f"{f['product_text'].widget.attrs['class']} line-product-text",
                "autocomplete": "off",
                "placeholder": _("Code, name, specification or brand"),
                "aria-label": _("Product"),
                "hx-get": reverse("sales:product_options"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "next .line-product-options",
                "hx-include": "#id_customer",
                "hx-sync": "this:replace",
            }
        )
        for name, css in (("quantity", "line-quantity"), ("unit_price", "line-price")):
            attrs = f[name].widget.attrs
            attrs["class"] = f"{attrs['class']} {css}"
            attrs["aria-label"] = f[name].label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "product" in self.errors:
            return data
        data["product"] = product = self._product(data)
        if product is not None:
            self.picked = product
            if not data.get("quantity"):
                self.add_error("quantity", _("Enter a quantity greater than zero."))
        return data

    def _product(self, data: dict[str, Any]) -> Product | None:
        from crm.products.selectors import products_named_by

        pid = data.get("product")
        text = (data.get("product_text") or "").strip()
        if not text and self.add_prefix("product_text") in self.data:
            return None  # the text was cleared: the line is removed
        product = None
        if pid is not None:
            product = (
                self.known.get(pid) or Product.objects.select_related("unit").filter(pk=pid).first()
            )
            if product is None:
                self.add_error(
                    "product_text", _("This product does not exist; pick one from the list.")
                )
                return None
            if text and not text.startswith(product.code):
                product = None  # retyped without the picker: the text names the product
        if product is None:
            if not text:
                return None
            found = products_named_by(self.user, text)
            if len(found) != 1:
                message = (
                    _("No active product matches “%(query)s”.")
                    if not found
                    else _(
                        "Several products match “%(query)s”; pick one from the list or enter "
                        "its code."
                    )
                )
                self.add_error("product_text", message % {"query": text})
                return None
            product = found[0]
        if not product.active:
            self.add_error(
                "product_text",
                _("“%(product)s” is not in use; choose an active product.")
                % {"product": picker_label(product)},
            )
            return None
        return product


def picker_label(product: Product) -> str:
    return f"{product.code} {product.name}"


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        # The products the posted ids name, in one query for all lines.
        ids = {
            int(value)
            for key, value in (self.data.items() if self.is_bound else ())
            if key.startswith(f"{self.prefix}-")
            and key.endswith("-product")
            and str(value).isdigit()
            and len(str(value)) < 19
        }
        self.known = (
            {p.pk: p for p in Product.objects.select_related("unit").filter(pk__in=ids)}
            if ids
            else {}
        )

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"user": self.user, "known": self.known}

    def lines(self) -> list[dict[str, Any]]:
        return [
            {"product": d["product"], "quantity": d["quantity"], "unit_price": d.get("unit_price")}
            for d in (f.cleaned_data for f in self.forms)
            if d.get("product") is not None and not d.get("DELETE")
        ]


LineFormSet = forms.formset_factory(
    LineForm, formset=BaseLineFormSet, extra=3, max_num=200, can_delete=False
)


class CloseForm(BootstrapForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (OpportunityStatus.WON, _("Won")),
            (OpportunityStatus.LOST, pgettext_lazy("opportunity", "Lost")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class StageForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=40)
    probability = forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100)
    forecast_category = forms.ChoiceField(
        label=_("Forecast category"), choices=ForecastCategory.choices
    )
    is_won = forms.BooleanField(label=_("Won"), required=False)
    is_lost = forms.BooleanField(label=pgettext_lazy("opportunity", "Lost"), required=False)
    active = forms.BooleanField(label=_("In use"), required=False)


class OpportunityFilterForm(forms.Form):
    """The list's and the board's query string; bad values are dropped, never a 500."""

    q = forms.CharField(required=False, max_length=100)
    owner = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    customer = forms.IntegerField(required=False)
    stage = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *OpportunityStatus.choices])
    close_from = forms.DateField(required=False)
    close_to = forms.DateField(required=False)
    sort = forms.CharField(required=False, max_length=20)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}


class LeadFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    owner = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    source = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *LeadStatus.choices])
    sort = forms.CharField(required=False, max_length=20)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}


class ForecastForm(forms.Form):
    period = forms.ChoiceField(
        required=False, choices=[("month", _("Month")), ("quarter", _("Quarter"))]
    )
    group_by = forms.ChoiceField(
        required=False,
        choices=[("owner", _("Rep")), ("unit", _("Unit")), ("business_unit", _("Business unit"))],
    )
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    business_unit = forms.IntegerField(required=False)
    owner = forms.IntegerField(required=False)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
