"""The approval engine (SYS-5): rules send a document to an approver; the document is locked
while its request is pending; the approver's decision calls back the document's app.

A document app registers its kind in AppConfig.ready():

    register_approvable("quote", model=Quote, label=_("Quote"), url=quote_url,
                        on_decided=quote_on_decided)

and its services call `approval_submit` when a document is submitted (it returns None when
no rule matches), `ensure_unlocked(document)` before every edit, and nothing else: the
approver decides through `approval_decide` (inbox page and API), which calls `on_decided`
inside the same transaction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.core.access import get_access
from crm.core.audit import audit_log
from crm.core.errors import Conflict, Forbidden, NotFound
from crm.core.models import AuditAction
from crm.core.modules import Special

from .models_approvals import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalRule,
    ApprovalStatus,
    ApproverKind,
    Condition,
)

# The fact each condition reads.
FACTS: dict[str, str] = {
    Condition.DISCOUNT_ABOVE: "discount_pct",
    Condition.AMOUNT_ABOVE: "amount",
    Condition.CREDIT_EXCEEDED: "credit_exceeded",
}


class DocumentLocked(Conflict):
    """An edit of a document whose approval is pending (409, code `approval_pending`)."""

    code = "approval_pending"
    default_message = gettext_lazy(
        "This document is waiting for approval and cannot be changed until it is decided."
    )


@dataclass(frozen=True)
class Approvable:
    kind: str
    model: type[models.Model]
    label: Any
    url: Callable[[Any], str]
    on_decided: Callable[[Any, bool, ApprovalRequest, Any], None]


_registry: dict[str, Approvable] = {}


def register_approvable(
    kind: str,
    *,
    model: type[models.Model],
    label: Any,
    url: Callable[[Any], str],
    on_decided: Callable[[Any, bool, ApprovalRequest, Any], None],
) -> None:
    """Called in an AppConfig.ready(); registering a kind again replaces it."""
    if kind not in ApprovalKind.values:
        raise ValueError(f"unknown approval kind {kind!r}; add it to ApprovalKind")
    _registry[kind] = Approvable(kind, model, label, url, on_decided)


def approvable(kind: str) -> Approvable:
    try:
        return _registry[kind]
    except KeyError:
        raise ValueError(f"approval kind {kind!r} is not registered") from None


def document_url(request: ApprovalRequest) -> str:
    entry = _registry.get(request.kind)
    doc = request.document
    return entry.url(doc) if entry is not None and doc is not None else ""


# ---- rules -------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool | float):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def rule_matches(rule: ApprovalRule, facts: dict[str, Any]) -> bool:
    value = facts.get(FACTS[rule.condition])
    if rule.condition == Condition.CREDIT_EXCEEDED:
        return value is True
    number = _decimal(value)
    return number is not None and number > rule.threshold


def rule_text(rule: ApprovalRule, facts: dict[str, Any]) -> str:
    """Why the rule matched, in the user's language, e.g. "折扣 20% 超过 15%"."""
    value = facts.get(FACTS[rule.condition])
    if rule.condition == Condition.DISCOUNT_ABOVE:
        return _("Discount %(value)s%% is above %(limit)s%%") % {
            "value": _plain(value),
            "limit": _plain(rule.threshold),
        }
    if rule.condition == Condition.AMOUNT_ABOVE:
        return _("Amount %(value)s is above %(limit)s") % {
            "value": _plain(value),
            "limit": _plain(rule.threshold),
        }
    return _("The customer's credit limit is exceeded")


def _plain(value: Any) -> str:
    number = _decimal(value)
    if number is None:
        return str(value)
    text = format(number.normalize(), "f")
    return text


def rules_for(kind: str, org_unit: Any) -> QuerySet[ApprovalRule]:
    """Active rules of `kind` for a document of `org_unit`: global ones and those of the unit's
    business unit or any unit above it."""
    qs = ApprovalRule.objects.filter(kind=kind, active=True).select_related("approver_role")
    unit_q = Q(business_unit__isnull=True)
    if org_unit is not None:
        unit_q |= Q(business_unit_id__in=_ancestor_ids(org_unit))
    return qs.filter(unit_q).order_by("sort_order", "id")


def _ancestor_ids(unit: Any) -> list[int]:
    """The ids on the unit's materialised path, root first ("/1/4/9/" → [1, 4, 9])."""
    ids = [int(x) for x in (unit.path or "").strip("/").split("/") if x]
    return ids or [unit.pk]


def pick_approver(rule: ApprovalRule, owner: Any, org_unit: Any) -> Any:
    """The designated approver for a MANAGER rule: the holder of the rule's role in the nearest
    unit at or above the owner's unit (never the owner). None when there is nobody, or for a
    ROLE rule (any holder decides)."""
    from crm.org.models import User

    if rule.approver_kind != ApproverKind.MANAGER:
        return None
    unit = getattr(owner, "unit", None) or org_unit
    if unit is None:
        return None
    candidates = User.objects.filter(
        unit_id__in=_ancestor_ids(unit),
        is_active=True,
        roles=rule.approver_role_id,
        roles__is_deleted=False,
    )
    owner_id = getattr(owner, "pk", None)
    if owner_id is not None:
        candidates = candidates.exclude(pk=owner_id)
    return candidates.select_related("unit").order_by("-unit__depth", "id").first()


# ---- submit, lock, decide ----------------------------------------------------------------


def _serialisable(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in facts.items()}


def _document_q(document: Any) -> Q:
    ct = ContentType.objects.get_for_model(document, for_concrete_model=False)
    return Q(content_type=ct, object_id=document.pk)


def approval_pending_for(document: Any) -> ApprovalRequest | None:
    """The document's pending request (the lock), or None."""
    return (
        ApprovalRequest.objects.filter(_document_q(document), status=ApprovalStatus.PENDING)
        .select_related("approver", "approver_role")
        .first()
    )


def ensure_unlocked(document: Any) -> None:
    """Services call this before changing a document; pending approval → DocumentLocked."""
    if ApprovalRequest.objects.filter(
        _document_q(document), status=ApprovalStatus.PENDING
    ).exists():
        raise DocumentLocked()


def approval_submit(
    *, document: Any, kind: str, facts: dict[str, Any], user: Any
) -> ApprovalRequest | None:
    """Evaluate the active rules of `kind` against `facts`; when any matches, create the
    pending request (the document is locked from now on) and return it, else None.

    Facts: {"discount_pct": Decimal, "amount": Decimal, "credit_exceeded": bool}; a missing
    fact matches no rule. Caller holds the document in its own transaction.
    """
    approvable(kind)
    org_unit = getattr(document, "org_unit", None)
    owner = getattr(document, "owner", None)
    matched = [r for r in rules_for(kind, org_unit) if rule_matches(r, facts)]
    if not matched:
        return None
    first = matched[0]
    approver = pick_approver(first, owner, org_unit)
    request = ApprovalRequest(
        kind=kind,
        content_type=ContentType.objects.get_for_model(document, for_concrete_model=False),
        object_id=document.pk,
        document_repr=str(document)[:200],
        owner=owner,
        org_unit=org_unit,
        facts=_serialisable(facts),
        reasons=[{"id": r.pk, "name": r.name, "text": rule_text(r, facts)} for r in matched],
        approver=approver,
        # A ROLE rule, or a MANAGER rule that found nobody: the role's holders decide.
        approver_role=first.approver_role if approver is None else None,
        requested_by=user,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise DocumentLocked() from None
    request.rules.set(matched)
    audit_log(
        instance=request,
        action=AuditAction.CREATE,
        actor=user,
        changes={
            "status": {
                "label": str(ApprovalRequest._meta.get_field("status").verbose_name),
                "old": "",
                "new": str(ApprovalStatus.PENDING.label),
            }
        },
    )
    return request


def can_decide(user: Any, request: ApprovalRequest) -> bool:
    if not request.is_pending or not getattr(user, "is_authenticated", False):
        return False
    if request.approver_id is not None and request.approver_id == user.pk:
        return True
    # Holders of the role decide, except on their own documents (nobody approves themselves).
    own = user.pk in (request.owner_id, request.requested_by_id)
    if (
        request.approver_role_id is not None
        and not own
        and request.approver_role_id in _role_ids(user)
    ):
        return True
    return get_access(user).has(Special.MANAGE_SYSTEM)


def approval_decide(
    request: ApprovalRequest, *, user: Any, approve: bool, comment: str
) -> ApprovalRequest:
    """Approve or reject a pending request (its approver, a holder of its role, or an
    administrator), then let the document's app apply the outcome in the same transaction."""
    with transaction.atomic():
        current = ApprovalRequest.objects.select_for_update().filter(pk=request.pk).first()
        if current is None:
            raise NotFound()
        if not current.is_pending:
            raise Conflict(_("This approval request has already been decided."), code="decided")
        if not can_decide(user, current):
            raise Forbidden(_("Only the designated approver may decide this request."))
        comment = (comment or "").strip()[:500]
        if not approve and not comment:
            from crm.core.errors import ValidationFailed

            raise ValidationFailed(fields={"comment": [_("Say why the request is rejected.")]})
        current.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
        current.decided_by = user
        current.decided_at = timezone.now()
        current.comment = comment
        current.save(update_fields=["status", "decided_by", "decided_at", "comment"])
        _log_status(current, user, ApprovalStatus.PENDING)
        document = current.document
        if document is not None:
            approvable(current.kind).on_decided(document, approve, current, user)
    return current


def approval_withdraw(*, document: Any, user: Any) -> ApprovalRequest | None:
    """Cancel the document's pending request (its app calls this when the submitter takes the
    document back); returns the cancelled request, or None when nothing was pending."""
    with transaction.atomic():
        current = (
            ApprovalRequest.objects.select_for_update()
            .filter(_document_q(document), status=ApprovalStatus.PENDING)
            .first()
        )
        if current is None:
            return None
        current.status = ApprovalStatus.CANCELLED
        current.decided_by = user
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_by", "decided_at"])
        _log_status(current, user, ApprovalStatus.PENDING)
    return current


def _log_status(request: ApprovalRequest, user: Any, old: str) -> None:
    audit_log(
        instance=request,
        action=AuditAction.UPDATE,
        actor=user,
        changes={
            "status": {
                "label": str(ApprovalRequest._meta.get_field("status").verbose_name),
                "old": str(ApprovalStatus(old).label),
                "new": request.get_status_display(),
            }
        },
    )


# ---- reads -------------------------------------------------------------------------------


def approvals_of(document: Any) -> QuerySet[ApprovalRequest]:
    """The document's approval history, newest first (callers checked access to it)."""
    return ApprovalRequest.objects.filter(_document_q(document)).select_related(
        "approver", "approver_role", "requested_by", "decided_by"
    )


def _role_ids(user: Any) -> list[int]:
    """The user's live roles (one query, cached on the user object for the request)."""
    cached = getattr(user, "_crm_approval_roles", None)
    if cached is None:
        cached = list(user.roles.filter(is_deleted=False).values_list("pk", flat=True))
        user._crm_approval_roles = cached
    return cached


def _mine_q(user: Any) -> Q:
    """Requests the user may decide: assigned to them, to one of their roles, or (for an
    administrator) any."""
    if get_access(user).has(Special.MANAGE_SYSTEM):
        return Q()
    return Q(approver=user) | Q(approver_role_id__in=_role_ids(user))


BOXES = ("pending", "decided", "requested")


def approvals_for_user(user: Any, box: str = "pending") -> QuerySet[ApprovalRequest]:
    """The inbox: pending for me, decided by me, or requested by me."""
    qs = ApprovalRequest.objects.select_related(
        "approver", "approver_role", "requested_by", "decided_by", "owner"
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if box == "decided":
        return qs.filter(decided_by=user).exclude(status=ApprovalStatus.CANCELLED)
    if box == "requested":
        return qs.filter(requested_by=user)
    qs = qs.filter(_mine_q(user), status=ApprovalStatus.PENDING)
    if not get_access(user).has(Special.MANAGE_SYSTEM):
        # A role holder does not decide their own documents (see can_decide).
        qs = qs.exclude(Q(approver__isnull=True) & (Q(owner=user) | Q(requested_by=user)))
    return qs.order_by("requested_at", "id")


def approval_get_for_user(*, user: Any, pk: Any) -> ApprovalRequest:
    """A request the user may see: one they may decide, decided, requested or own; else 404."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    seen = Q(decided_by=user) | Q(requested_by=user) | Q(owner=user)
    if get_access(user).has(Special.MANAGE_SYSTEM):
        seen = Q()  # (Q() | x is x, so an administrator's "everything" is not OR-ed)
    else:
        seen |= _mine_q(user)
    obj = (
        ApprovalRequest.objects.filter(seen, pk=key)
        .select_related("approver", "approver_role", "requested_by", "decided_by", "owner")
        .first()
    )
    if obj is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    return obj


def pending_count(user: Any) -> int:
    return approvals_for_user(user, "pending").count()


# ---- reminders ---------------------------------------------------------------------------


def reminders(today: date) -> Iterable[Any]:
    """Pending approvals older than a day, to their approver (or the holders of the role)."""
    from crm.org.models import User
    from crm.system.reminders import PERIOD_DAILY, Reminder

    cutoff = timezone.now() - timedelta(days=1)
    pending = ApprovalRequest.objects.filter(
        status=ApprovalStatus.PENDING, requested_at__lte=cutoff
    ).order_by("id")
    by_role: dict[int, list[int]] = {}
    role_ids = {r.approver_role_id for r in pending if r.approver_role_id}
    for user_id, role_id in User.objects.filter(roles__in=role_ids, is_active=True).values_list(
        "pk", "roles"
    ):
        by_role.setdefault(role_id, []).append(user_id)
    for r in pending:
        recipients = [r.approver_id] if r.approver_id else by_role.get(r.approver_role_id or 0, [])
        for user_id in recipients:
            yield Reminder(
                user_id=user_id,
                key=f"approval-pending:{r.pk}",
                title=_("Approval waiting: %(doc)s") % {"doc": r.document_repr},
                body="; ".join(x.get("text", "") for x in r.reasons),
                url=f"/sales/approvals/{r.pk}/",
                due=today,
                period=PERIOD_DAILY,
            )
