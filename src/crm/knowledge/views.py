"""Pages of the knowledge base. Thin: selectors read, services write."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm.core.access import require, require_special
from crm.core.audit import history_for
from crm.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from crm.core.modules import Action, Module, Special
from crm.core.pagination import paginate
from crm.products.models import Product
from crm.service import selectors as ticket_selectors
from crm.web.pages import confirm_delete, page_view, show_error

from . import selectors, services
from .forms import ArticleForm, CategoryForm, FilterForm, HelpfulForm
from .models import ArticleStatus

SORT_OPTIONS = [
    ("updated", gettext_lazy("Recently updated")),
    ("helpful", gettext_lazy("Most helpful")),
    ("title", gettext_lazy("Title")),
]


@page_view
def article_list(request: HttpRequest) -> HttpResponse:
    selectors.require_view(request.user)
    filters = FilterForm(request.GET).filters()
    qs = selectors.articles_for_user(request.user, filters)
    try:
        page = paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        page = paginate(qs)
    product_ids = selectors.articles_for_user(request.user).exclude(product=None)
    return render(
        request,
        "knowledge/article_list.html",
        {
            "page": page,
            "filters": filters,
            "filtered": any((filters.search, filters.product, filters.category, filters.status)),
            "sort_options": [(v, str(label)) for v, label in SORT_OPTIONS],
            "categories": selectors.categories(active_only=False),
            "products": Product.objects.filter(pk__in=product_ids.values("product_id")).order_by(
                "code"
            ),
            "statuses": ArticleStatus.choices,
            "can_create": selectors.can_write(request.user, Action.CREATE),
            "can_see_drafts": selectors.can_write(request.user),
        },
    )


@page_view
def article_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.CREATE)
    form = ArticleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                article = services.article_create(actor=request.user, **form.changes())
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Article “%(title)s” saved.") % {"title": article})
                return redirect("knowledge:article_detail", article.pk)
    return render(
        request, "knowledge/article_form.html", {"form": form, "article": None}, status=status
    )


@page_view
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SERVICE, Action.EDIT)
    initial = {
        "title": article.title,
        "body": article.body,
        "product": article.product_id,
        "category": article.category_id,
        "status": article.status,
        "version": article.version,
    }
    form = ArticleForm(request.POST or None, instance=article, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.article_update(
                    article=article,
                    version=form.cleaned_data["version"] or 0,
                    actor=request.user,
                    **form.changes(),
                )
            except DomainError as exc:
                show_error(request, exc, form)
                status = exc.status
            else:
                messages.success(request, _("Changes saved."))
                return redirect("knowledge:article_detail", article.pk)
    return render(
        request, "knowledge/article_form.html", {"form": form, "article": article}, status=status
    )


@page_view
def article_delete(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SERVICE, Action.DELETE)
    return confirm_delete(
        request,
        article,
        question=_("Move article “%(title)s” to the recycle bin?") % {"title": article},
        cancel=reverse("knowledge:article_detail", args=[article.pk]),
        delete=lambda: services.article_delete(article=article, actor=request.user),
        done=_("Article “%(title)s” moved to the recycle bin.") % {"title": article},
        then=reverse("knowledge:article_list"),
    )


@page_view
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.article_get_for_user(user=request.user, pk=pk)
    can_edit = selectors.can_write(request.user)
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "history": history_for(article)[:50],
            "marks": selectors.helpful_marks_of(article)[:20] if can_edit else [],
            "can_edit": can_edit,
            "can_delete": selectors.can_write(request.user, Action.DELETE),
        },
    )


@require_POST
@page_view
def article_helpful(request: HttpRequest, pk: int) -> HttpResponseBase:
    """ "This solved it" from a ticket's suggestions; back to the ticket."""
    article = selectors.article_get_for_user(user=request.user, pk=pk)
    require(request.user, Module.SERVICE, Action.EDIT)
    form = HelpfulForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(_("Choose the ticket."))
    ticket = ticket_selectors.ticket_get_for_user(user=request.user, pk=form.cleaned_data["ticket"])
    if not ticket_selectors.can_edit(request.user, ticket):
        raise Forbidden()
    if services.article_mark_helpful(article=article, ticket=ticket, actor=request.user):
        messages.success(
            request,
            _("Thank you: “%(title)s” is marked as the solution of this ticket.")
            % {"title": article},
        )
    else:
        messages.info(request, _("This ticket was already counted for this article."))
    return redirect("service:ticket_detail", ticket.pk)


# --- categories (system managers) -------------------------------------------------------------


@page_view
def category_list(request: HttpRequest) -> HttpResponse:
    """The categories, a form to add one; POST adds it."""
    require_special(request.user, Special.MANAGE_SYSTEM)
    form = CategoryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.category_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    order=form.cleaned_data["order"],
                )
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Category added."))
                return redirect("knowledge:category_list")
    return render(
        request,
        "knowledge/category_list.html",
        {"form": form, "categories": selectors.categories(active_only=False)},
        status=status,
    )


@page_view
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_special(request.user, Special.MANAGE_SYSTEM)
    category = selectors.category_get(pk)
    if category is None:
        raise NotFound()
    initial: dict[str, Any] = {
        "name": category.name,
        "order": category.order,
        "active": category.active,
    }
    form = CategoryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.category_update(category=category, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                show_error(request, exc, form)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("knowledge:category_list")
    return render(
        request,
        "knowledge/category_form.html",
        {"form": form, "category": category},
        status=status,
    )
