"""Contracts in the access matrix (see crm.testing.matrix): the target is a draft contract of
the WEST (rep_west_1), seen and changed by the same roles as the west's quotes (see
matrix_entries_quotes)."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.core.modules import Action, Module
from crm.sales import services_contracts, services_quotes
from crm.sales.models_approvals import ApprovalRequest
from crm.sales.models_contracts import Contract, ContractAttachment, ContractLine
from crm.testing.matrix import api, page, roles

from .matrix_entries import CAN_VIEW, EDITORS, SEES_WEST, west_customer
from .matrix_entries_quotes import west_quote

SALES = Module.SALES.value
VIEW, CREATE, EDIT = (a.value for a in (Action.VIEW, Action.CREATE, Action.EDIT))
TABLES = (Contract, ContractLine, ContractAttachment, ApprovalRequest)
CREATORS_WEST = roles("admin", "mgr_west")  # creators who can see the west's customer


def west_contract(users: Any) -> Contract:
    today = timezone.localdate()
    return services_contracts.contract_create(
        actor=users["rep_west_1"],
        customer=west_customer(users),
        title="蜀能框架协议",
        start_date=today,
        end_date=today + timedelta(days=365),
        is_framework=True,
        framework_amount=Decimal("100000"),
    )


def west_active_contract(users: Any) -> Contract:
    c = west_contract(users)
    return services_contracts.contract_transition(
        contract=c, to="active", version=c.version, actor=users["rep_west_1"]
    )


def west_accepted_quote(users: Any) -> Any:
    rep = users["rep_west_1"]
    q = west_quote(users)
    q = services_quotes.quote_send(quote=q, version=q.version, actor=rep)
    return services_quotes.quote_transition(quote=q, to="accepted", version=q.version, actor=rep)


def west_attachment(users: Any) -> ContractAttachment:
    return services_contracts.attachment_add(
        contract=west_contract(users),
        file=SimpleUploadedFile("scan.txt", b"scan"),
        actor=users["rep_west_1"],
    )


def _file() -> dict[str, Any]:
    f = BytesIO(b"%PDF-1.4")
    f.name = "scan.pdf"
    return {"file": f}


api(
    "contract list",
    "GET",
    "/api/v1/contracts?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_contract,
    visible_to=SEES_WEST,
)
api(
    "contract create",
    "POST",
    "/api/v1/contracts",
    module=SALES,
    action=CREATE,
    allowed=CREATORS_WEST,
    forbidden=roles("leader", "agent", "finance"),
    target=west_customer,
    body=lambda users, c: {
        "customer_id": c.pk,
        "title": "直签",
        "start_date": "2030-01-01",
        "end_date": "2030-12-31",
        "is_framework": True,
        "framework_amount": "1000",
    },
    tables=TABLES,
)
api(
    "contract create from quote",
    "POST",
    "/api/v1/contracts",
    module=SALES,
    action=CREATE,
    allowed=CREATORS_WEST,
    forbidden=roles("leader", "agent", "finance"),
    target=west_accepted_quote,
    body=lambda users, q: {"quote_id": q.pk},
    tables=TABLES,
)
api(
    "contract detail",
    "GET",
    "/api/v1/contracts/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_contract,
)
api(
    "contract patch",
    "PATCH",
    "/api/v1/contracts/{id}",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contract,
    body=lambda users, c: {"version": c.version, "payment_terms_days": 45},
    tables=TABLES,
)
api(
    "contract transition",
    "POST",
    "/api/v1/contracts/{id}/transition",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contract,
    body=lambda users, c: {"version": c.version, "to": "active"},
    tables=TABLES,
)
api(
    "contract renew",
    "POST",
    "/api/v1/contracts/{id}/renew",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_active_contract,
    body=lambda users, c: {"version": c.version},
    tables=TABLES,
)
api(
    "contract attachment upload",
    "POST",
    "/api/v1/contracts/{id}/attachments",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contract,
    files=_file,
    tables=TABLES,
)
api(
    "contract attachment download",
    "GET",
    "/api/v1/contracts/attachments/{id}",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_attachment,
)

page(
    "contract list",
    "GET",
    "/sales/contracts/?page_size=200",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    target=west_contract,
    visible_to=SEES_WEST,
    marker=lambda c: f'href="/sales/contracts/{c.pk}/"',
)
page(
    "contract create",
    "GET",
    "/sales/contracts/new/?customer={id}",
    module=SALES,
    action=CREATE,
    allowed=CREATORS_WEST,
    forbidden=roles("leader", "agent", "finance"),
    target=west_customer,
)
page(
    "contract detail",
    "GET",
    "/sales/contracts/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_contract,
)
page(
    "contract edit",
    "POST",
    "/sales/contracts/{id}/edit/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contract,
    tables=TABLES,
    body=lambda users, c: {
        "version": c.version,
        "title": "改",
        "start_date": c.start_date.isoformat(),
        "end_date": c.end_date.isoformat(),
        "payment_terms_days": "30",
        "is_framework": "on",
        "framework_amount": "100000",
    },
)
page(
    "contract transition",
    "POST",
    "/sales/contracts/{id}/transition/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contract,
    tables=TABLES,
    body=lambda users, c: {"version": c.version, "to": "active"},
)
page(
    "contract renew",
    "POST",
    "/sales/contracts/{id}/renew/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_active_contract,
    tables=TABLES,
    body=lambda users, c: {"version": c.version},
)
page(
    "contract attachment upload",
    "POST",
    "/sales/contracts/{id}/attachments/",
    module=SALES,
    action=EDIT,
    allowed=EDITORS,
    forbidden=SEES_WEST - EDITORS,
    target=west_contract,
    files=_file,
    tables=TABLES,
)
page(
    "contract attachment download",
    "GET",
    "/sales/contracts/attachments/{id}/",
    module=SALES,
    action=VIEW,
    allowed=SEES_WEST,
    target=west_attachment,
)
page(
    "contract from quote",
    "POST",
    "/sales/quotes/{id}/contract/",
    module=SALES,
    action=CREATE,
    allowed=CREATORS_WEST,
    forbidden=roles("leader", "agent", "finance"),
    target=west_accepted_quote,
    tables=TABLES,
)
page(
    "contract lines totals preview",
    "POST",
    "/sales/contracts/preview/",
    module=SALES,
    action=VIEW,
    allowed=CAN_VIEW,
    body={"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"},
)
