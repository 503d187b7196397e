"""Page forms of activities and targets: input shape only; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.customers.forms import BootstrapForm, DateInput, PersonChoiceField
from crm.org.models import OrgUnit, User

from .models_activities import ActivityKind, ActivityStatus, PeriodKind

_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _datetime_field(label: Any, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=_DATETIME_FORMATS,
    )


class ActivityForm(BootstrapForm):
    """Plan (or log) an activity. The customer, contact and opportunity are ids chosen with
    the customer picker; the view resolves them through the scoped selectors."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices, initial="visit")
    subject = forms.CharField(label=_("Subject"), max_length=200)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact = forms.IntegerField(required=False, widget=forms.HiddenInput)
    opportunity = forms.IntegerField(required=False, widget=forms.HiddenInput)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    planned_start = _datetime_field(_("Start"))
    planned_end = _datetime_field(_("End"), required=False)
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    # Create only: the activity already took place; it is saved as done with its outcome.
    log_only = forms.BooleanField(label=_("It already took place: log it as done"), required=False)
    notes = forms.CharField(
        label=_("Outcome notes"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    MAIN = ["kind", "subject", "planned_start", "planned_end", "purpose"]
    OUTCOME = ["notes", "next_step"]

    def __init__(self, *args: Any, owners: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
        self.fields["owner"].required = False
        if editing:
            del self.fields["log_only"]

    def main_fields(self) -> list[Any]:
        return [self[n] for n in self.MAIN]

    def outcome_fields(self) -> list[Any]:
        return [self[n] for n in self.OUTCOME]

    def changes(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        for key in self.OUTCOME:
            if key not in self.data:  # not on the page (an open activity's edit form)
                d.pop(key, None)
        for key in ("version", "log_only", "customer", "contact", "opportunity"):
            d.pop(key, None)
        if d.get("owner") is None:
            d.pop("owner", None)
        return d


class CompleteForm(BootstrapForm):
    notes = forms.CharField(
        label=_("What came of it"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RescheduleForm(BootstrapForm):
    planned_start = _datetime_field(_("New start"))
    planned_end = _datetime_field(_("New end"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActivityFilterForm(forms.Form):
    """The list's query string; bad values are dropped, never a 500."""

    q = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *ActivityKind.choices])
    status = forms.ChoiceField(
        required=False, choices=[("", ""), *ActivityStatus.choices, ("overdue", "")]
    )
    owner = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    customer = forms.IntegerField(required=False)
    opportunity = forms.IntegerField(required=False)
    start_from = forms.DateField(required=False)
    start_to = forms.DateField(required=False)
    sort = forms.CharField(required=False, max_length=20)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "\u3000" * max(0, obj.depth) + obj.name


class TargetForm(BootstrapForm):
    period_kind = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    period_start = forms.DateField(label=_("Any day of the period"), widget=DateInput)
    rep = PersonChoiceField(label=_("Sales rep"), queryset=User.objects.none(), required=False)
    org_unit = UnitChoiceField(
        label=_("or a unit"), queryset=OrgUnit.objects.none(), required=False
    )
    amount = forms.DecimalField(
        label=_("Target amount (amount won)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
    )

    def __init__(self, *args: Any, reps: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = reps  # type: ignore[attr-defined]
        self.fields["org_unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("rep") is None) == (data.get("org_unit") is None):
            raise forms.ValidationError(_("Choose either a rep or a unit."))
        return data


class TargetAmountForm(BootstrapForm):
    amount = forms.DecimalField(
        label=_("Target amount (amount won)"), min_value=0, max_digits=16, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
