"""Pages of approvals (SYS-5): the approver's inbox, one request with its decision form, and
the rules page of administrators. Thin: the rules are in approvals.py."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from crm.core.access import get_access, get_in_scope, require_special
from crm.core.errors import DomainError, ValidationFailed
from crm.core.modules import Special
from crm.core.pagination import paginate
from crm.web.pages import page_view, show_error

from . import approvals, services_approvals
from .models_approvals import ApprovalRule

BOX_LABELS = (
    ("pending", gettext_lazy("Waiting for me")),
    ("decided", gettext_lazy("Decided by me")),
    ("requested", gettext_lazy("Requested by me")),
)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    comment = forms.CharField(label=gettext_lazy("Comment"), max_length=500, required=False)


class RuleForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ApprovalRule
        fields = [
            "name",
            "kind",
            "condition",
            "threshold",
            "business_unit",
            "approver_kind",
            "approver_role",
            "active",
            "sort_order",
        ]


@page_view
def approval_inbox(request: HttpRequest) -> HttpResponse:
    box = request.GET.get("box", "pending")
    if box not in approvals.BOXES:
        box = "pending"
    qs = approvals.approvals_for_user(request.user, box)
    try:
        page = paginate(qs, request.GET.get("page"), request.GET.get("page_size"))
    except DomainError:
        page = paginate(qs)
    return render(
        request,
        "sales/approvals/inbox.html",
        {
            "page": page,
            "box": box,
            "boxes": BOX_LABELS,
            "can_manage": get_access(request.user).has(Special.MANAGE_SYSTEM),
        },
    )


@page_view
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = approvals.approval_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "sales/approvals/detail.html",
        {
            "req": r,
            "document_url": approvals.document_url(r),
            "can_decide": approvals.can_decide(request.user, r),
            "form": DecideForm(),
        },
    )


@require_POST
@page_view
def approval_decide(request: HttpRequest, pk: int) -> HttpResponseBase:
    r = approvals.approval_get_for_user(user=request.user, pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed()
    approve = form.cleaned_data["decision"] == "approve"
    approvals.approval_decide(
        r, user=request.user, approve=approve, comment=form.cleaned_data["comment"]
    )
    messages.success(request, _("Approved.") if approve else _("Rejected."))
    return redirect("sales:approval_inbox")


@page_view
def rule_list(request: HttpRequest) -> HttpResponse:
    require_special(request.user, Special.MANAGE_SYSTEM)
    rules = ApprovalRule.objects.select_related("business_unit", "approver_role")[:500]
    return render(request, "sales/approvals/rules.html", {"rules": rules})


@page_view
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_special(request.user, Special.MANAGE_SYSTEM)
    rule = get_in_scope(ApprovalRule.objects.all(), pk) if pk else None
    source = request.POST if request.method == "POST" else None
    form = RuleForm(source, instance=rule, initial={"version": rule.version if rule else None})
    status = 200
    if source is not None:
        status = 422
        if form.is_valid():
            data: dict[str, Any] = {
                k: v for k, v in form.cleaned_data.items() if k in services_approvals.RULE_FIELDS
            }
            try:
                if rule is None:
                    services_approvals.rule_create(actor=request.user, **data)
                else:
                    version = form.cleaned_data.get("version") or rule.version
                    services_approvals.rule_update(
                        rule=rule, version=version, actor=request.user, **data
                    )
            except DomainError as exc:
                show_error(request, exc, cast(forms.Form, form))
                status = exc.status
            else:
                messages.success(request, _("Saved."))
                return redirect("sales:approval_rules")
    return render(
        request, "sales/approvals/rule_form.html", {"form": form, "rule": rule}, status=status
    )


@require_POST
@page_view
def rule_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    require_special(request.user, Special.MANAGE_SYSTEM)
    rule = get_in_scope(ApprovalRule.objects.all(), pk)
    services_approvals.rule_delete(rule=rule, actor=request.user)
    messages.success(request, _("Deleted."))
    return redirect("sales:approval_rules")
