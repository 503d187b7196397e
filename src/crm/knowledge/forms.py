"""Page forms: input shape only; the services sanitise and hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.customers.forms import BootstrapForm
from crm.products.models import Product

from . import selectors
from .models import ArticleStatus

MAX_ID = 2**63 - 1


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class ArticleForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=selectors.categories(), required=False
    )
    product = ProductChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ArticleStatus.choices, initial=ArticleStatus.DRAFT
    )
    body = forms.CharField(
        label=_("Solution"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        max_length=100_000,
        help_text=_(
            "Plain text, or HTML with paragraphs, headings, lists, tables, bold and links. "
            "Scripts, styles and other tags are removed when saved."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.categories(  # type: ignore[attr-defined]
            include=instance.category_id if instance else None
        )
        products = Product.objects.filter(active=True)
        if instance is not None and instance.product_id:
            products = Product.objects.filter(active=True) | Product.objects.filter(
                pk=instance.product_id
            )
        self.fields["product"].queryset = products.order_by("code")  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


class FilterForm(forms.Form):
    """The list's query string; bad values are dropped, never a 500."""

    q = forms.CharField(required=False, max_length=100)
    product = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    category = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    status = forms.ChoiceField(required=False, choices=[("", ""), *ArticleStatus.choices])
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in ("", *selectors.ORDERINGS)])

    def filters(self) -> selectors.ArticleFilters:
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        return selectors.ArticleFilters(
            search=(d.get("q") or "").replace("\x00", ""),
            product=d.get("product"),
            category=d.get("category"),
            status=d.get("status") or "",
            ordering=d.get("sort") or selectors.DEFAULT_ORDERING,
        )


class HelpfulForm(forms.Form):
    ticket = forms.IntegerField(min_value=1, max_value=MAX_ID)


class CategoryForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=40)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=2**31 - 1, initial=0)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
