from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, EntryKind, Priority, TicketCategory, TicketStatus, TicketType


class TicketForm(forms.Form):
    customer = forms.IntegerField(label=_("Customer"), widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ModelChoiceField(label=_("Type"), queryset=TicketType.objects.none())
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=TicketCategory.objects.none(), required=False
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field: Any = self.fields["type"]
        type_field.queryset = TicketType.objects.filter(active=True)
        category_field: Any = self.fields["category"]
        category_field.queryset = TicketCategory.objects.filter(active=True).select_related("type")
        category_field.label_from_instance = lambda c: f"{c.type.name} · {c.name}"


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=TicketStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(max_length=500, required=False)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices, initial=EntryKind.REPLY)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
