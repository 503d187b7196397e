from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.customers.forms import DateInput
from crm.org.models import OrgUnit, User

from .models import (
    Channel,
    DayKind,
    EntryKind,
    Priority,
    ServiceCalendar,
    TicketCategory,
    TicketStatus,
    TicketType,
)


class TicketForm(forms.Form):
    customer = forms.IntegerField(label=_("Customer"), widget=forms.HiddenInput, required=False)
    # Shown when the ticket is not opened from a customer: "code name" picked from the list.
    customer_text = forms.CharField(
        label=_("Customer"),
        max_length=220,
        required=False,
        help_text=_("Type a name, pinyin or code and pick the customer from the list."),
    )
    # A select of the chosen customer's contacts (service/_contact_field.html), reloaded by
    # htmx when the customer changes; the view checks that it is one of the customer's.
    contact = forms.IntegerField(label=_("Contact"), required=False, min_value=1)
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ModelChoiceField(label=_("Type"), queryset=TicketType.objects.none())
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=TicketCategory.objects.none(), required=False
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    product = forms.CharField(
        label=_("Product"),
        max_length=220,
        required=False,
        help_text=_("Type a name or code and pick the product from the list."),
    )
    order = forms.CharField(
        label=_("Order number"),
        max_length=40,
        required=False,
        help_text=_("An order of this customer, when the ticket is about one."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, options in (
            ("customer_text", "customer-options"),
            ("product", "product-options"),
            ("order", "order-options"),
        ):
            self.fields[name].widget.attrs.update(
                {"class": "form-control", "list": options, "autocomplete": "off"}
            )
        type_field: Any = self.fields["type"]
        type_field.queryset = TicketType.objects.filter(active=True)
        category_field: Any = self.fields["category"]
        category_field.queryset = TicketCategory.objects.filter(active=True).select_related("type")
        category_field.label_from_instance = lambda c: f"{c.type.name} · {c.name}"


class TicketEditForm(TicketForm):
    """The ticket form of an existing ticket: its customer stays; `version` guards the edit."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["customer"]
        del self.fields["customer_text"]

    @staticmethod
    def initial_for(ticket: Any) -> dict[str, Any]:
        return {
            "version": ticket.version,
            "contact": ticket.contact_id,
            "title": ticket.title,
            "type": ticket.type_id,
            "category": ticket.category_id,
            "channel": ticket.channel,
            "priority": ticket.priority,
            "product": f"{ticket.product.code} {ticket.product.name}" if ticket.product else "",
            "order": ticket.order.number if ticket.order else "",
            "description": ticket.description,
        }


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=TicketStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(max_length=500, required=False)


class AssignForm(forms.Form):
    """A queue of the user's service scope and, optionally, one of its agents (the service
    checks the agent belongs to the queue)."""

    queue = forms.ModelChoiceField(label=_("Queue"), queryset=OrgUnit.objects.none())
    owner = forms.ModelChoiceField(
        label=_("Assigned agent"), queryset=User.objects.none(), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Handover note"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from . import selectors

        super().__init__(*args, **kwargs)
        queue_field: Any = self.fields["queue"]
        queue_field.queryset = selectors.queues_for_user(user)
        owner_field: Any = self.fields["owner"]
        owner_field.queryset = User.objects.filter(is_active=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the type and size rule is the service's (one for all)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices, initial=EntryKind.REPLY)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=20000,
    )
    # Named as the API's field (the service's errors name it); the metaclass moves declared
    # fields off the class, so the form's own `files` (the uploads) is untouched.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        required=False,
        help_text=_("Optional. PDF, JPG, PNG, DOCX, XLSX or TXT; at most 10 MB each."),
    )


WEEKDAY_LABELS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class CalendarForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=60)
    tz = forms.CharField(label=_("Time zone"), max_length=40, initial="Asia/Shanghai")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAY_LABELS):
            self.fields[f"day_{day}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                help_text=_("e.g. 09:00-12:00, 13:00-18:00; empty = day off"),
            )

    @staticmethod
    def initial_for(calendar: Any) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": calendar.version,
            "name": calendar.name,
            "tz": calendar.tz,
        }
        for day in range(7):
            spans = (calendar.hours or {}).get(str(day), [])
            out[f"day_{day}"] = ", ".join(f"{a}-{b}" for a, b in spans)
        return out


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=DayKind.choices)
    note = forms.CharField(label=_("Note"), max_length=60, required=False)


class PolicyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    type = forms.ModelChoiceField(
        label=_("Ticket type"),
        queryset=TicketType.objects.none(),
        required=False,
        empty_label=_("Any type"),
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    calendar = forms.ModelChoiceField(label=_("Calendar"), queryset=ServiceCalendar.objects.none())
    first_response_minutes = forms.IntegerField(
        label=_("First response (business minutes)"), min_value=1, max_value=10_000_000
    )
    resolution_minutes = forms.IntegerField(
        label=_("Resolution (business minutes)"), min_value=1, max_value=10_000_000
    )
    warn_percent = forms.IntegerField(
        label=_("Warning point (percent of the target)"), min_value=1, max_value=99, initial=80
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type_field: Any = self.fields["type"]
        type_field.queryset = TicketType.objects.filter(active=True)
        calendar_field: Any = self.fields["calendar"]
        calendar_field.queryset = ServiceCalendar.objects.all()
        priority_field: Any = self.fields["priority"]
        priority_field.choices = [("", _("Any priority")), *Priority.choices]
        if editing:  # what a policy applies to is its identity; make a new one instead
            self.fields["type"].disabled = True
            self.fields["priority"].disabled = True


class QueueManagerForm(forms.Form):
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=OrgUnit.objects.none())
    manager = forms.ModelChoiceField(
        label=_("Manager"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queue_field: Any = self.fields["queue"]
        queue_field.queryset = OrgUnit.objects.all()
        queue_field.label_from_instance = lambda u: f"{'　' * u.depth}{u.name}"
        manager_field: Any = self.fields["manager"]
        manager_field.queryset = User.objects.filter(is_active=True)
