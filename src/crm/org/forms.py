"""Page forms: input shape only; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.core.modules import Module, Scope

from .models import OrgUnit, Role, UnitKind

INDENT = "\u3000"  # ideographic space: indents CJK names evenly


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by depth, so the tree reads in a plain select."""

    def label_from_instance(self, obj: Any) -> str:
        return INDENT * obj.depth + obj.name


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=256)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    sort_order = forms.IntegerField(
        label=_("Sort order"), min_value=0, max_value=1_000_000, initial=0
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitCreateForm(UnitForm):
    parent = UnitChoiceField(label=_("Parent unit"), queryset=OrgUnit.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units  # type: ignore[attr-defined]


class UnitMoveForm(forms.Form):
    parent = UnitChoiceField(label=_("New parent unit"), queryset=OrgUnit.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units  # type: ignore[attr-defined]


class EmployeeForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"),
        queryset=Role.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, units: Any, roles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if roles is None:
            del self.fields["roles"]
        else:
            self.fields["roles"].queryset = roles  # type: ignore[attr-defined]


class EmployeeCreateForm(EmployeeForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and @/./+/-/_ only.")},
    )
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, max_length=128
    )

    field_order = ["username", "password", "name", "email", "phone", "unit", "roles"]


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    can_view_sensitive = forms.BooleanField(label=_("View sensitive fields"), required=False)
    can_export = forms.BooleanField(label=_("Export data"), required=False)
    can_bulk_delete = forms.BooleanField(label=_("Bulk delete"), required=False)
    can_manage_system = forms.BooleanField(label=_("Manage the system"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for module in Module:
            for flag in ("view", "create", "edit", "delete", "export"):
                self.fields[f"{module.value}__can_{flag}"] = forms.BooleanField(required=False)
            self.fields[f"{module.value}__scope"] = forms.ChoiceField(
                choices=Scope.choices, initial=Scope.OWN
            )

    def grant_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": module.label,
                "flags": [
                    self[f"{module.value}__can_{f}"]
                    for f in ("view", "create", "edit", "delete", "export")
                ],
                "scope": self[f"{module.value}__scope"],
            }
            for module in Module
        ]

    def grants(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            m.value: {
                **{
                    f"can_{f}": data[f"{m.value}__can_{f}"]
                    for f in ("view", "create", "edit", "delete", "export")
                },
                "scope": data[f"{m.value}__scope"],
            }
            for m in Module
        }


class RoleCreateForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)


class ParameterForm(forms.Form):
    value = forms.CharField(label=_("Value"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
