"""Page forms: input shape only; the services hold the rules (positive prices, codes, dates)."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.customers.forms import BootstrapForm, DateInput
from crm.customers.models import Choice, ChoiceKind
from crm.customers.selectors import choices
from crm.org.models import OrgUnit, UnitKind

from . import selectors
from .models import Brand, Series, UnitOfMeasure

MAX_ID = 2**63 - 1  # larger ids cannot be stored, so they match nothing


class SeriesChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.brand.name} / {obj.name}"


class ProductForm(BootstrapForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    brand = forms.ModelChoiceField(label=_("Brand"), queryset=Brand.objects.none(), required=False)
    series = SeriesChoiceField(label=_("Series"), queryset=Series.objects.none(), required=False)
    specification = forms.CharField(
        label=_("Specification"),
        max_length=200,
        required=False,
        help_text=_("e.g. 1220×2440×18 mm, E1; 200 kg/drum"),
    )
    unit = forms.ModelChoiceField(
        label=pgettext_lazy("unit of measure", "Unit"), queryset=UnitOfMeasure.objects.none()
    )
    list_price = forms.DecimalField(label=_("List price"), max_digits=18, decimal_places=4)
    active = forms.BooleanField(label=_("On sale"), required=False, initial=True)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"),
        min_value=0,
        max_value=600,
        initial=0,
        required=False,
        help_text=_("From shipment or the contract's start; 0: no warranty."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = instance
        self.fields["brand"].queryset = selectors.brands(  # type: ignore[attr-defined]
            include=current.brand_id if current else None
        )
        self.fields["series"].queryset = selectors.series_list(  # type: ignore[attr-defined]
            include=current.series_id if current else None
        )
        self.fields["unit"].queryset = selectors.units(  # type: ignore[attr-defined]
            include=current.unit_id if current else None
        )

    def changes(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        d["warranty_months"] = d.get("warranty_months") or 0
        return d


class FilterForm(forms.Form):
    """The list's query string; bad values are dropped, never a 500."""

    q = forms.CharField(required=False, max_length=100)
    brand = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    series = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    unit = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    active = forms.ChoiceField(required=False, choices=[("", ""), ("1", "1"), ("0", "0")])
    sort = forms.CharField(required=False, max_length=20)

    def filters(self) -> selectors.ProductFilters:
        self.is_valid()
        d = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
        active = d.pop("active", None)
        return selectors.ProductFilters(
            search=d.pop("q", ""),
            ordering=d.pop("sort", selectors.DEFAULT_ORDERING),
            active=None if active is None else active == "1",
            **d,
        )


FILTER_KEYS = set(FilterForm.base_fields)


def filter_query(params: QueryDict) -> str:
    """The list's filter as a query string: known keys only, no page."""
    clean = QueryDict(mutable=True)
    for key in sorted(params):
        if key in FILTER_KEYS:
            values = [v for v in params.getlist(key) if v != ""]
            if values:
                clean.setlist(key, values[:1])
    return clean.urlencode()


class UnitForm(BootstrapForm):
    code = forms.CharField(label=_("Code"), max_length=10)
    name = forms.CharField(label=_("Name"), max_length=20)
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("In use"), required=False)


class BrandForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    sort_order = forms.IntegerField(label=_("Sort order"), min_value=0, initial=0)
    active = forms.BooleanField(label=_("In use"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SeriesForm(BrandForm):
    brand = forms.ModelChoiceField(label=_("Brand"), queryset=Brand.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = Brand.objects.all()  # type: ignore[attr-defined]


class PriceListForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    business_unit = forms.ModelChoiceField(
        label=_("Business unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All business units"),
    )
    rating = forms.ModelChoiceField(
        label=_("Customer rating"),
        queryset=Choice.objects.none(),
        required=False,
        empty_label=_("All ratings"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Choice.objects.none(),
        required=False,
        empty_label=_("All regions"),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(
        label=_("Valid to"),
        widget=DateInput,
        required=False,
        help_text=_("Inclusive; leave empty for no end."),
    )
    active = forms.BooleanField(
        label=pgettext_lazy("price list", "In force"), required=False, initial=True
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business_unit"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            kind=UnitKind.COMPANY
        ).order_by("path")
        self.fields["rating"].queryset = choices(  # type: ignore[attr-defined]
            ChoiceKind.RATING, include=instance.rating if instance else None
        )
        self.fields["region"].queryset = choices(  # type: ignore[attr-defined]
            ChoiceKind.REGION, include=instance.region if instance else None
        )

    def changes(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


class ItemForm(BootstrapForm):
    product = forms.CharField(
        label=_("Product code"), max_length=40, widget=forms.TextInput(attrs={"list": "codes"})
    )
    price = forms.DecimalField(label=_("Price"), max_digits=18, decimal_places=4)


class CustomerPriceForm(BootstrapForm):
    product = forms.CharField(
        label=_("Product code"), max_length=40, widget=forms.TextInput(attrs={"list": "codes"})
    )
    price = forms.DecimalField(label=_("Price"), max_digits=18, decimal_places=4)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(
        label=_("Valid to"),
        widget=DateInput,
        required=False,
        help_text=_("Inclusive; leave empty for no end."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CustomerPriceEditForm(CustomerPriceForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["product"]
