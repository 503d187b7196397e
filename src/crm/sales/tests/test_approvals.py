"""The approval engine: rules, the approver up the tree, the lock, decisions and the inbox.

An opportunity stands in for a document here (it has an owner and a unit), registered under
the "order" kind for the duration of each test.
"""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from crm.core.errors import Conflict, Forbidden, ValidationFailed
from crm.org.models import OrgUnit, Role
from crm.sales import approvals
from crm.sales.approvals import DocumentLocked
from crm.sales.models_approvals import ApprovalRule, ApprovalStatus, ApproverKind, Condition
from crm.system.reminders import Reminder

from .conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions() -> Iterator[list[tuple[Any, bool, str]]]:
    """Registers opportunities as "order" documents; collects on_decided calls."""
    calls: list[tuple[Any, bool, str]] = []
    saved = approvals._registry.get("order")
    from crm.sales.models import Opportunity

    approvals.register_approvable(
        "order",
        model=Opportunity,
        label="test",
        url=lambda o: f"/sales/opportunities/{o.pk}/",
        on_decided=lambda doc, ok, req, user: calls.append((doc, ok, user.username)),
    )
    yield calls
    if saved is not None:
        approvals._registry["order"] = saved
    else:
        approvals._registry.pop("order", None)


@pytest.fixture
def rules(demo: Any) -> list[ApprovalRule]:
    manager = Role.objects.get(code="sales_manager")
    leader = Role.objects.get(code="leader")
    ApprovalRule.objects.filter(kind="order").delete()
    return [
        ApprovalRule.objects.create(
            name="折扣",
            kind="order",
            condition=Condition.DISCOUNT_ABOVE,
            threshold=Decimal("15"),
            approver_role=manager,
            sort_order=1,
        ),
        ApprovalRule.objects.create(
            name="大额",
            kind="order",
            condition=Condition.AMOUNT_ABOVE,
            threshold=Decimal("1000000"),
            approver_kind=ApproverKind.ROLE,
            approver_role=leader,
            sort_order=2,
        ),
    ]


@pytest.fixture
def doc(rep_east: Any, pipeline_east_customer: Any, make_opportunity: Any) -> Any:
    return make_opportunity(rep_east, pipeline_east_customer, expected_close=in_days(10))


def test_no_matching_rule_needs_no_approval(rules: Any, decisions: Any, doc: Any, rep_east: Any):
    facts = {"discount_pct": Decimal("15"), "amount": Decimal("1000")}
    assert approvals.approval_submit(document=doc, kind="order", facts=facts, user=rep_east) is None
    assert approvals.approval_pending_for(doc) is None
    approvals.ensure_unlocked(doc)


def test_discount_goes_to_the_manager_up_the_tree(
    rules: Any, decisions: Any, doc: Any, rep_east: Any, mgr_east: Any
):
    facts = {"discount_pct": Decimal("20.5"), "amount": Decimal("1000")}
    req = approvals.approval_submit(document=doc, kind="order", facts=facts, user=rep_east)
    assert req is not None
    # rep_east sits in 上海销售一组; the nearest sales manager is mgr_east of 上海分公司.
    assert req.approver == mgr_east
    assert req.status == ApprovalStatus.PENDING
    assert req.facts["discount_pct"] == "20.5"
    assert [r["name"] for r in req.reasons] == ["折扣"]
    assert "20.5" in req.reasons[0]["text"] and "15" in req.reasons[0]["text"]
    assert list(req.rules.all()) == [rules[0]]
    assert approvals.approval_pending_for(doc) == req
    with pytest.raises(DocumentLocked) as exc:
        approvals.ensure_unlocked(doc)
    assert exc.value.status == 409 and exc.value.code == "approval_pending"


def test_a_second_submission_while_pending_is_refused(
    rules: Any, decisions: Any, doc: Any, rep_east: Any
):
    facts = {"discount_pct": Decimal("30")}
    approvals.approval_submit(document=doc, kind="order", facts=facts, user=rep_east)
    with pytest.raises(DocumentLocked):
        approvals.approval_submit(document=doc, kind="order", facts=facts, user=rep_east)


def test_only_the_approver_decides_and_the_document_app_is_called(
    rules: Any, decisions: Any, doc: Any, rep_east: Any, mgr_east: Any, mgr_west: Any
):
    req = approvals.approval_submit(
        document=doc, kind="order", facts={"discount_pct": Decimal("30")}, user=rep_east
    )
    assert req is not None
    assert not approvals.can_decide(rep_east, req)
    with pytest.raises(Forbidden):
        approvals.approval_decide(req, user=mgr_west, approve=True, comment="")
    with pytest.raises(ValidationFailed):  # a rejection says why
        approvals.approval_decide(req, user=mgr_east, approve=False, comment=" ")
    done = approvals.approval_decide(req, user=mgr_east, approve=False, comment="折扣太高")
    assert done.status == ApprovalStatus.REJECTED and done.comment == "折扣太高"
    assert done.decided_by == mgr_east and done.decided_at is not None
    assert decisions == [(doc, False, "mgr_east")]
    assert approvals.approval_pending_for(doc) is None
    with pytest.raises(Conflict):
        approvals.approval_decide(req, user=mgr_east, approve=True, comment="")
    # History: both the submission and the decision are in the audit trail and the list.
    from crm.core.audit import history_for

    assert [h.action for h in history_for(done)] == ["update", "create"]
    assert list(approvals.approvals_of(doc)) == [done]


def test_role_rule_any_holder_decides(
    rules: Any, decisions: Any, doc: Any, rep_east: Any, leader: Any
):
    req = approvals.approval_submit(
        document=doc, kind="order", facts={"amount": Decimal("2000000")}, user=rep_east
    )
    assert (
        req is not None
        and req.approver is None
        and getattr(req.approver_role, "code", None) == "leader"
    )
    assert list(approvals.approvals_for_user(leader, "pending")) == [req]
    approvals.approval_decide(req, user=leader, approve=True, comment="同意")
    assert decisions[0][1] is True


def test_admin_may_decide_anything(rules: Any, decisions: Any, doc: Any, rep_east: Any, admin: Any):
    req = approvals.approval_submit(
        document=doc, kind="order", facts={"discount_pct": Decimal("16")}, user=rep_east
    )
    assert req is not None and approvals.can_decide(admin, req)


def test_credit_rule_and_unit_specific_rules(
    decisions: Any,
    doc: Any,
    rep_east: Any,
    rep_west: Any,
    make_opportunity: Any,
    pipeline_west_customer: Any,
):
    ApprovalRule.objects.filter(kind="order").delete()
    east = OrgUnit.objects.get(name="华东化工有限公司")
    ApprovalRule.objects.create(
        name="华东信用",
        kind="order",
        condition=Condition.CREDIT_EXCEEDED,
        business_unit=east,
        approver_role=Role.objects.get(code="sales_manager"),
    )
    west_doc = make_opportunity(rep_west, pipeline_west_customer, expected_close=in_days(10))
    facts = {"credit_exceeded": True}
    assert (
        approvals.approval_submit(document=west_doc, kind="order", facts=facts, user=rep_west)
        is None
    )
    assert (
        approvals.approval_submit(
            document=doc, kind="order", facts={"credit_exceeded": False}, user=rep_east
        )
        is None
    )
    assert approvals.approval_submit(document=doc, kind="order", facts=facts, user=rep_east)


def test_inactive_rules_and_bad_facts_match_nothing(
    rules: Any, decisions: Any, doc: Any, rep_east: Any
):
    ApprovalRule.objects.filter(pk=rules[0].pk).update(active=False)
    facts: dict[str, Any] = {"discount_pct": Decimal("90"), "amount": "not a number"}
    assert approvals.approval_submit(document=doc, kind="order", facts=facts, user=rep_east) is None


def test_manager_owner_goes_further_up(
    rules: Any,
    decisions: Any,
    mgr_east: Any,
    mgr_west: Any,
    pipeline_east_customer: Any,
    make_opportunity: Any,
):
    doc = make_opportunity(mgr_east, pipeline_east_customer, expected_close=in_days(5))
    req = approvals.approval_submit(
        document=doc, kind="order", facts={"discount_pct": Decimal("40")}, user=mgr_east
    )
    # No sales manager above 上海分公司 but mgr_east himself: the role's holders decide.
    assert (
        req is not None
        and req.approver is None
        and getattr(req.approver_role, "code", None) == "sales_manager"
    )
    assert not approvals.can_decide(mgr_east, req)  # not his own
    assert approvals.can_decide(mgr_west, req)


def test_inbox_boxes_and_visibility(
    rules: Any, decisions: Any, doc: Any, rep_east: Any, mgr_east: Any, mgr_west: Any
):
    req = approvals.approval_submit(
        document=doc, kind="order", facts={"discount_pct": Decimal("30")}, user=rep_east
    )
    assert req is not None
    assert list(approvals.approvals_for_user(mgr_east, "pending")) == [req]
    assert list(approvals.approvals_for_user(mgr_west, "pending")) == []
    assert list(approvals.approvals_for_user(rep_east, "requested")) == [req]
    approvals.approval_decide(req, user=mgr_east, approve=True, comment="")
    assert list(approvals.approvals_for_user(mgr_east, "decided")) == [req]
    assert approvals.approval_get_for_user(user=rep_east, pk=req.pk) == req
    from crm.core.errors import NotFound

    with pytest.raises(NotFound):
        approvals.approval_get_for_user(user=mgr_west, pk=req.pk)


def test_reminders_go_to_the_approver_daily(
    rules: Any, decisions: Any, doc: Any, rep_east: Any, mgr_east: Any
):
    from datetime import timedelta

    from django.utils import timezone

    from crm.sales.models_approvals import ApprovalRequest

    req = approvals.approval_submit(
        document=doc, kind="order", facts={"discount_pct": Decimal("30")}, user=rep_east
    )
    assert req is not None
    today = timezone.localdate()
    assert list(approvals.reminders(today)) == []  # not yet a day old
    ApprovalRequest.objects.filter(pk=req.pk).update(
        requested_at=timezone.now() - timedelta(days=2)
    )
    (reminder,) = approvals.reminders(today)
    assert isinstance(reminder, Reminder)
    assert reminder.user_id == mgr_east.pk and reminder.key == f"approval-pending:{req.pk}"
