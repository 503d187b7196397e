from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.customers.forms import DateInput

from .models import EquipmentStatus, EquipmentType, IntervalUnit, Skill


class EquipmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    type = forms.ModelChoiceField(label=_("Type"), queryset=EquipmentType.objects.none())
    model_number = forms.CharField(
        label=pgettext_lazy("equipment", "Model"), max_length=60, required=False
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    installed_on = forms.DateField(label=_("Installed on"), required=False, widget=DateInput)
    status = forms.ChoiceField(
        label=_("Status"), choices=EquipmentStatus.choices, initial=EquipmentStatus.RUNNING
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["type"]
        field.queryset = EquipmentType.objects.filter(active=True).select_related("skill")
        field.label_from_instance = lambda t: f"{t.name}（{t.skill.name}）"


class InstalledProductForm(forms.Form):
    product = forms.IntegerField(label=_("Product"), widget=forms.HiddenInput, required=False)
    code = forms.CharField(label=_("Product code"), max_length=40)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0.001, initial=1
    )


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    interval = forms.IntegerField(label=_("Every"), min_value=1, max_value=3650, initial=6)
    interval_unit = forms.ChoiceField(
        label=_("Interval unit"), choices=IntervalUnit.choices, initial=IntervalUnit.MONTHS
    )
    next_due = forms.DateField(label=_("Next due"), widget=DateInput)
    skill = forms.ModelChoiceField(
        label=_("Skill needed"),
        queryset=Skill.objects.none(),
        required=False,
        help_text=_("Empty: the skill the equipment type needs."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["skill"]
        field.queryset = Skill.objects.filter(active=True)


class VisitRecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label=_("Visited on"), widget=DateInput, required=False)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    findings = forms.CharField(
        label=_("Findings"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
