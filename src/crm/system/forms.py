from django import forms
from django.utils.translation import gettext_lazy as _

DELIVERY_CHOICES = [
    ("app", _("In the app only")),
    ("email", _("In the app and by e-mail (one digest a day)")),
]


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Reminders"), choices=DELIVERY_CHOICES, widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
