from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.customers.forms import DateInput
from crm.customers.models import Choice, ChoiceKind
from crm.org.models import OrgUnit, Role, UnitKind
from crm.products.models import Series

from .models import RuleKind


class RuleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ModelChoiceField(
        label=_("Role"), queryset=Role.objects.none(), required=False, empty_label=_("Any role")
    )
    series = forms.ModelChoiceField(
        label=_("Product series"),
        queryset=Series.objects.none(),
        required=False,
        empty_label=_("Any series"),
    )
    rating = forms.ModelChoiceField(
        label=_("Customer rating"),
        queryset=Choice.objects.none(),
        required=False,
        empty_label=_("Any rating"),
    )
    business_unit = forms.ModelChoiceField(
        label=_("Business unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("Any business unit"),
    )
    kind = forms.ChoiceField(
        label=_("Commission kind"), choices=RuleKind.choices, initial=RuleKind.RATE
    )
    rate = forms.DecimalField(
        label=_("Rate (%)"),
        min_value=0,
        max_value=100,
        max_digits=7,
        decimal_places=4,
        required=False,
        help_text=_("For a fixed rate."),
    )
    tiers = forms.CharField(
        label=_("Tiers"),
        required=False,
        max_length=1000,
        help_text=_("For tiered rates: from amount: rate %, e.g. 0:1, 100000:2"),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput, required=False)
    active = forms.BooleanField(label=_("Rule in force"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["role"].queryset = Role.objects.all()
        fields["series"].queryset = Series.objects.filter(active=True).select_related("brand")
        fields["series"].label_from_instance = lambda s: f"{s.brand.name} · {s.name}"
        fields["rating"].queryset = Choice.objects.filter(kind=ChoiceKind.RATING, active=True)
        fields["business_unit"].queryset = OrgUnit.objects.filter(kind=UnitKind.COMPANY)
