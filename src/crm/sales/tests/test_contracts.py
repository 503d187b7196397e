"""Contracts: from an accepted quote or directly, framework amounts, activation through
approval, termination, renewal, attachments, expiry and its reminder; the API and pages."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.core.errors import Conflict, ValidationFailed
from crm.org.models import Role
from crm.sales import approvals, services_contracts, services_quotes
from crm.sales.approvals import DocumentLocked
from crm.sales.models_approvals import ApprovalRule
from crm.sales.models_contracts import Contract, ContractStatus
from crm.sales.models_quotes import Quote, QuoteStatus

from .conftest import in_days
from .fixtures_quotes import *  # noqa: F403

pytestmark = pytest.mark.usefixtures("demo_once")
S = ContractStatus


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def accepted_quote(east_quote: Quote, rep_east: Any) -> Quote:
    q = services_quotes.quote_transition(
        quote=east_quote, to=QuoteStatus.SENT, version=east_quote.version, actor=rep_east
    )
    return services_quotes.quote_transition(
        quote=q, to=QuoteStatus.ACCEPTED, version=q.version, actor=rep_east
    )


@pytest.fixture
def contract(accepted_quote: Quote, rep_east: Any) -> Contract:
    return services_contracts.contract_from_quote(actor=rep_east, quote=accepted_quote)


def test_from_accepted_quote_copies_lines(contract: Contract, accepted_quote: Quote) -> None:
    assert contract.number == f"HT{contract.pk:09d}" and contract.status == S.DRAFT
    assert contract.customer == accepted_quote.customer and contract.quote == accepted_quote
    assert contract.gross_amount == accepted_quote.gross_amount
    assert contract.lines.count() == accepted_quote.lines.count()
    assert contract.our_party == "本公司" and contract.customer_party == contract.customer.name
    assert contract.end_date == contract.start_date + timedelta(days=364)
    assert contract.payment_terms_days == 30


def test_only_accepted_quotes_become_contracts(east_quote: Quote, rep_east: Any) -> None:
    with pytest.raises(Conflict):
        services_contracts.contract_from_quote(actor=rep_east, quote=east_quote)


def test_framework_contract_and_term_check(rep_east: Any, pipeline_east_customer: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services_contracts.contract_create(
            actor=rep_east,
            customer=pipeline_east_customer,
            title="框架",
            start_date=in_days(10),
            end_date=in_days(1),
        )
    assert "end_date" in exc.value.fields
    c = services_contracts.contract_create(
        actor=rep_east,
        customer=pipeline_east_customer,
        title="年度框架协议",
        start_date=in_days(0),
        end_date=in_days(365),
        is_framework=True,
        framework_amount=Decimal("5000000"),
        payment_terms_days=60,
    )
    assert c.amount == Decimal("5000000") and c.gross_amount == 0
    c = services_contracts.contract_transition(
        contract=c, to=S.ACTIVE, version=c.version, actor=rep_east
    )
    assert c.status == S.ACTIVE and c.signed_on == timezone.localdate()


def test_activation_through_approval_locks_then_rejection_returns_to_draft(
    contract: Contract, rep_east: Any, mgr_east: Any
) -> None:
    ApprovalRule.objects.create(
        name="大额合同",
        kind="contract",
        condition="amount_above",
        threshold=Decimal("1000"),
        approver_role=Role.objects.get(code="sales_manager"),
    )
    c = services_contracts.contract_transition(
        contract=contract, to=S.ACTIVE, version=contract.version, actor=rep_east
    )
    assert c.status == S.PENDING
    with pytest.raises(DocumentLocked):
        services_contracts.contract_update(contract=c, version=c.version, actor=rep_east, title="x")
    with pytest.raises(DocumentLocked):
        services_contracts.attachment_add(
            contract=c, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), actor=rep_east
        )
    req = approvals.approval_pending_for(c)
    assert req is not None and req.approver == mgr_east
    approvals.approval_decide(req, user=mgr_east, approve=False, comment="金额需复核")
    c.refresh_from_db()
    assert c.status == S.DRAFT and c.status_comment == "金额需复核"
    c = services_contracts.contract_transition(
        contract=c, to=S.ACTIVE, version=c.version, actor=rep_east
    )
    req = approvals.approval_pending_for(c)
    assert req is not None
    approvals.approval_decide(req, user=mgr_east, approve=True, comment="")
    c.refresh_from_db()
    assert c.status == S.ACTIVE


def test_terminate_needs_a_reason_and_renewal_links(contract: Contract, rep_east: Any) -> None:
    c = services_contracts.contract_transition(
        contract=contract, to=S.ACTIVE, version=contract.version, actor=rep_east
    )
    new = services_contracts.contract_renew(contract=c, version=c.version, actor=rep_east)
    assert new.renewal_of == c and new.status == S.DRAFT
    assert new.start_date == c.end_date + timedelta(days=1)
    assert new.end_date - new.start_date == c.end_date - c.start_date
    assert new.lines.count() == c.lines.count()
    with pytest.raises(Conflict):
        services_contracts.contract_renew(contract=c, version=c.version, actor=rep_east)
    with pytest.raises(ValidationFailed):
        services_contracts.contract_transition(
            contract=c, to=S.TERMINATED, version=c.version, actor=rep_east
        )
    c = services_contracts.contract_transition(
        contract=c, to=S.TERMINATED, version=c.version, actor=rep_east, comment="客户破产"
    )
    assert c.status == S.TERMINATED and c.terminated_on == timezone.localdate()


def test_attachments_type_and_size(contract: Contract, rep_east: Any) -> None:
    with pytest.raises(ValidationFailed):
        services_contracts.attachment_add(
            contract=contract, file=SimpleUploadedFile("x.exe", b"MZ"), actor=rep_east
        )
    a = services_contracts.attachment_add(
        contract=contract, file=SimpleUploadedFile("合同扫描件.pdf", b"%PDF-1.4 x"), actor=rep_east
    )
    assert a.name == "合同扫描件.pdf" and a.size == 10


def test_expiry_and_reminder_at_the_lead_time(contract: Contract, rep_east: Any) -> None:
    from crm.org.services import parameter_set
    from crm.sales.reminders import contracts_expiring

    c = services_contracts.contract_transition(
        contract=contract, to=S.ACTIVE, version=contract.version, actor=rep_east
    )
    parameter_set(key="contract_expiry_reminder_days", value="10", version=None, actor=None)
    assert list(contracts_expiring(c.end_date - timedelta(days=11))) == []
    (r,) = contracts_expiring(c.end_date - timedelta(days=10))
    assert r.user_id == rep_east.pk and r.key == f"contract-expiry:{c.pk}"
    assert list(contracts_expiring(c.end_date + timedelta(days=1))) == []  # expired by the run
    c.refresh_from_db()
    assert c.status == S.EXPIRED
    assert services_contracts.contracts_expire(c.end_date + timedelta(days=1)) == 0


def test_api_flow(api_client: Any, rep_east: Any, rep_west: Any, accepted_quote: Quote) -> None:
    client = api_client(rep_east)
    draft_quote = client.post_json("/api/v1/contracts", {"quote_id": accepted_quote.pk})
    assert draft_quote.status_code == 201, draft_quote.content
    c = draft_quote.json()
    assert c["quote"]["id"] == accepted_quote.pk and c["amount_in_words"]
    r = client.patch_json(
        f"/api/v1/contracts/{c['id']}", {"version": c["version"], "payment_terms_days": 45}
    )
    assert r.status_code == 200 and r.json()["payment_terms_days"] == 45
    stale = client.patch_json(
        f"/api/v1/contracts/{c['id']}", {"version": c["version"], "title": "x"}
    )
    assert stale.status_code == 409
    c = r.json()
    up = client.post(
        f"/api/v1/contracts/{c['id']}/attachments",
        {"file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan")},
    )
    assert up.status_code == 201, up.content
    dl = client.get(up.json()["url"])
    assert dl.status_code == 200 and b"".join(dl.streaming_content) == b"%PDF-1.4 scan"
    assert api_client(rep_west).get(up.json()["url"]).status_code == 404
    bad = client.post(
        f"/api/v1/contracts/{c['id']}/attachments", {"file": SimpleUploadedFile("a.exe", b"x")}
    )
    assert bad.status_code == 422
    r = client.post_json(
        f"/api/v1/contracts/{c['id']}/transition", {"to": "active", "version": c["version"]}
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    c = r.json()
    r = client.post_json(f"/api/v1/contracts/{c['id']}/renew", {"version": c["version"]})
    assert r.status_code == 201 and r.json()["renewal_of"]["id"] == c["id"]
    assert client.get(f"/api/v1/contracts/{c['id']}").json()["renewed_by"]["id"] == r.json()["id"]
    assert client.get("/api/v1/contracts", {"status": "active"}).json()["count"] == 1
    assert api_client(rep_west).get(f"/api/v1/contracts/{c['id']}").status_code == 404
    missing = client.post_json("/api/v1/contracts", {"customer_id": accepted_quote.customer_id})
    assert missing.status_code == 422 and "start_date" in missing.json()["error"]["fields"]


def test_pages(
    page_client: Any,
    rep_east: Any,
    contract: Contract,
    accepted_quote: Quote,
    django_assert_max_num_queries: Any,
) -> None:
    client = page_client(rep_east)
    html = client.get("/sales/contracts/").content.decode()
    assert f"/sales/contracts/{contract.pk}/" in html
    with django_assert_max_num_queries(40):
        client.get("/sales/contracts/")
    detail = client.get(f"/sales/contracts/{contract.pk}/").content.decode()
    assert contract.number in detail and 'id="contract-to-active"' in detail
    quote_page = client.get(f"/sales/quotes/{accepted_quote.pk}/").content.decode()
    assert 'id="quote-contract-new"' in quote_page
    r = client.post(f"/sales/quotes/{accepted_quote.pk}/contract/")
    assert r.status_code == 302
    r = client.post(
        f"/sales/contracts/{contract.pk}/transition/", {"to": "active", "version": contract.version}
    )
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.status == S.ACTIVE
    up = client.post(
        f"/sales/contracts/{contract.pk}/attachments/",
        {"file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4")},
    )
    assert up.status_code == 302 and contract.attachments.count() == 1
    tab = client.get(f"/customers/{contract.customer_id}/tabs/contracts/").content.decode()
    assert f"/sales/contracts/{contract.pk}/" in tab
    new = client.get(f"/sales/contracts/new/?customer={contract.customer_id}")
    assert new.status_code == 200
    r = client.post(
        f"/sales/contracts/new/?customer={contract.customer_id}",
        {
            "title": "直接签订",
            "start_date": in_days(0).isoformat(),
            "end_date": in_days(100).isoformat(),
            "payment_terms_days": "30",
            "is_framework": "on",
            "framework_amount": "100000",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert Contract.objects.filter(title="直接签订", is_framework=True).exists()
