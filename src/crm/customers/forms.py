"""Page forms: input shape only; the services hold the rules (USCC, address, one primary)."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from crm.org.models import OrgUnit, UnitKind, User

from . import divisions
from .models import Channel, Choice, ChoiceKind, Contact, CustomerStatus, DecisionRole, Direction
from .selectors import choices

CHOICE_FIELDS = {
    "region": (ChoiceKind.REGION, _("Region")),
    "industry": (ChoiceKind.INDUSTRY, _("Industry")),
    "rating": (ChoiceKind.RATING, _("Rating")),
    "nature": (ChoiceKind.NATURE, _("Enterprise nature")),
    "size": (ChoiceKind.SIZE, _("Enterprise size")),
    "credit_level": (ChoiceKind.CREDIT_LEVEL, _("Credit level")),
    "source": (ChoiceKind.SOURCE, _("Source")),
}
SENSITIVE = ("tax_id", "bank_account", "credit_level")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.unit})" if obj.unit_id else str(obj)


def _division_choices(parent: str | None) -> list[tuple[str, str]]:
    empty = [("", "—")]
    if parent is None:
        return empty
    return empty + [(d.code, d.name) for d in divisions.children(parent)]


class DateInput(forms.DateInput):
    """<input type="date"> with the ISO value it needs: a localised one ("2026/11/01") shows
    blank, and saving the form then wipes or refuses the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class BootstrapForm(forms.Form):
    """Gives widgets Bootstrap's classes, and `is-invalid` to fields with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(w, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            w.attrs["class"] = f"{w.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = f"{w.attrs.get('class', '')} is-invalid"


class AddressForm(BootstrapForm):
    """Province → city → district; each list narrows to the level above (htmx refreshes it)."""

    province = forms.ChoiceField(label=_("Province"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self._value("province")
        city = self._value("city")
        if divisions.get(city) is None or divisions.get(city).parent != province:  # type: ignore[union-attr]
            city = ""
        self.fields["province"].choices = _division_choices("")  # type: ignore[attr-defined]
        self.fields["city"].choices = _division_choices(province or None)  # type: ignore[attr-defined]
        self.fields["district"].choices = _division_choices(city or None)  # type: ignore[attr-defined]
        url = reverse_lazy("customers:divisions")
        for name in ("province", "city", "district"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-trigger": "change",
                    "hx-target": "#address-fields",
                    "hx-swap": "outerHTML",
                    "hx-include": "#address-fields",
                }
            )

    def address_fields(self) -> list[Any]:
        return [self["province"], self["city"], self["district"]]

    def _value(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix(name), "") or "")
        return str(self.initial.get(name, "") or "")


class CustomerForm(AddressForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False)
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        required=False,
        help_text=_("18 characters, e.g. 91110000600037341L"),
    )
    tax_id = forms.CharField(label=_("Tax ID"), max_length=30, required=False)
    bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=40, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Choice.objects.none())
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Choice.objects.none())
    rating = forms.ModelChoiceField(label=_("Rating"), queryset=Choice.objects.none())
    nature = forms.ModelChoiceField(label=_("Enterprise nature"), queryset=Choice.objects.none())
    size = forms.ModelChoiceField(label=_("Enterprise size"), queryset=Choice.objects.none())
    credit_level = forms.ModelChoiceField(label=_("Credit level"), queryset=Choice.objects.none())
    source = forms.ModelChoiceField(label=_("Source"), queryset=Choice.objects.none())
    credit_limit = forms.DecimalField(
        label=_("Credit limit"), min_value=0, max_digits=18, decimal_places=2, initial=0
    )
    cooperation_history = forms.CharField(
        label=_("Cooperation history"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    status = forms.ChoiceField(
        label=_("Lifecycle status"), choices=CustomerStatus.choices, initial="prospect"
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=200, required=False, help_text=_("Separate with commas.")
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    units_served = forms.ModelMultipleChoiceField(
        label=_("Business units served"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Shown with the duplicate warning: save although it looks like an existing customer.
    force = forms.BooleanField(label=_("This is not a duplicate: save anyway"), required=False)

    def __init__(
        self,
        *args: Any,
        owners: Any,
        sensitive: bool,
        instance: Any = None,
        owner_search: bool = False,
        **kwargs: Any,
    ) -> None:
        """`owner_search`: too many employees to list; the owner select offers the chosen one
        and the page searches the rest (customers:owners)."""
        super().__init__(*args, **kwargs)
        for name, (kind, _label) in CHOICE_FIELDS.items():
            field = self.fields[name]
            field.required = False
            current = getattr(instance, name, None) if instance is not None else None
            field.queryset = choices(kind, include=current)  # type: ignore[attr-defined]
        owner = self.fields["owner"]
        owner.queryset = owners  # type: ignore[attr-defined]
        if owner_search:  # the queryset still decides what may be saved
            try:  # the field's own reading of the value: anything malformed offers nobody
                chosen = owner.to_python(self["owner"].value())
            except ValidationError:
                chosen = None
            offered: list[tuple[Any, str]] = [("", "—")]
            if chosen is not None:
                offered.append((chosen.pk, owner.label_from_instance(chosen)))  # type: ignore[attr-defined]
            owner.widget.choices = offered  # type: ignore[attr-defined]
        self.fields["units_served"].queryset = OrgUnit.objects.filter(  # type: ignore[attr-defined]
            kind__in=[UnitKind.COMPANY, UnitKind.BRANCH]
        )
        if not sensitive:
            for name in SENSITIVE:
                del self.fields[name]

    GROUPS = [
        (_("Basic information"), ["name", "short_name", "uscc", "status", "phone", "tags"]),
        (_("Classification"), ["region", "industry", "rating", "nature", "size", "source"]),
        (_("Finance"), ["tax_id", "bank", "bank_account", "credit_level", "credit_limit"]),
        (_("Ownership"), ["owner", "units_served"]),
        (_("Cooperation"), ["cooperation_history"]),
    ]

    def groups(self) -> list[tuple[Any, list[Any]]]:
        """Fields in sections for the page (the address block is rendered on its own)."""
        return [
            (title, [self[n] for n in names if n in self.fields]) for title, names in self.GROUPS
        ]

    def changes(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        d.pop("force", None)
        d.pop("units_served", None)
        if "credit_limit" in d and d["credit_limit"] is None:
            d["credit_limit"] = 0
        return d


class ContactForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    title = forms.CharField(label=_("Job title"), max_length=60, required=False)
    role = forms.ChoiceField(
        label=_("Decision role"), choices=DecisionRole.choices, initial="other"
    )
    mobile = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    landline = forms.CharField(label=_("Landline"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    wechat = forms.CharField(label=_("WeChat"), max_length=60, required=False)
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=DateInput)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def changes(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


class InteractionForm(BootstrapForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND
    )
    occurred_at = forms.DateTimeField(
        label=_("Time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    contact: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.none(), required=False
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, JPG, PNG, DOCX, XLSX or TXT; at most 10 MB."),
    )

    def __init__(
        self, *args: Any, contacts: Any, listed: list[Contact] | None = None, **kwargs: Any
    ) -> None:
        """`listed`: the same contacts already read, shown without another query (the
        field would read them again through a server-side cursor)."""
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["contact"])
        field.queryset = contacts
        if listed is not None:
            field.choices = [("", field.empty_label), *((c.pk, str(c)) for c in listed)]


class FilterForm(forms.Form):
    """The list's query string; bad values are dropped, never a 500."""

    q = forms.CharField(required=False, max_length=100)
    owner = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    region = forms.IntegerField(required=False)
    industry = forms.IntegerField(required=False)
    rating = forms.IntegerField(required=False)
    credit_level = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *CustomerStatus.choices])
    tag = forms.CharField(required=False, max_length=20)
    created_from = forms.DateField(required=False)
    created_to = forms.DateField(required=False)
    updated_from = forms.DateField(required=False)
    updated_to = forms.DateField(required=False)
    sort = forms.CharField(required=False, max_length=20)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}


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
