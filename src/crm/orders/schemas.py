"""API shapes of orders, shipments, returns and receivables: input and output kept apart."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from crm.api.schemas import Id, InputSchema
from crm.customers.schemas import IsoDate, Ref
from crm.sales.schemas import Amount, Quantity, Version

from .models import OrderStatus
from .models_receivables import EntryKind, FapiaoType, PaymentMethod
from .models_shipping import ShipmentStatus

Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=4)]
Short = Annotated[str, StringConstraints(max_length=100)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Note = Annotated[str, StringConstraints(max_length=500)]
Terms = Annotated[int, Field(ge=0, le=365)]


# --- orders --------------------------------------------------------------------------------


class SalesOrderLineIn(InputSchema):
    product_id: Id
    quantity: Quantity
    # Empty: the customer's price today (customer price, price list, list price).
    unit_price: Amount | None = None
    discount_percent: Percent = Decimal(0)
    tax_rate: Percent | None = None  # empty: 13 %


class SalesOrderIn(InputSchema):
    customer_id: Id
    opportunity_id: Id | None = None
    order_date: IsoDate | None = None
    payment_terms_days: Terms | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] = ""
    lines: list[SalesOrderLineIn] = Field(min_length=1, max_length=200)


class SalesOrderPatch(InputSchema):
    """Only a draft changes; `lines`, when sent, replace all lines."""

    version: Version
    order_date: IsoDate | None = None
    payment_terms_days: Terms | None = None
    notes: Annotated[str, StringConstraints(max_length=5000)] | None = None
    lines: list[SalesOrderLineIn] | None = Field(default=None, min_length=1, max_length=200)


class SalesOrderTransitionIn(InputSchema):
    to: OrderStatus
    version: Version
    comment: Note = ""


class SalesOrderLineOut(Schema):
    id: int
    product: Ref
    unit: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    shipped_quantity: Decimal
    returned_quantity: Decimal


class SalesOrderOut(Schema):
    id: int
    number: str
    customer: Ref
    opportunity_id: int | None
    quote_id: int | None
    contract_id: int | None
    owner: Ref
    org_unit: Ref
    status: OrderStatus
    order_date: date
    payment_terms_days: int | None
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    created_at: datetime
    updated_at: datetime
    version: int


class SalesOrderStatusChangeOut(Schema):
    from_status: str
    to_status: OrderStatus
    changed_at: datetime
    changed_by: Ref | None
    comment: str


class SalesOrderDetailOut(SalesOrderOut):
    notes: str
    lines: list[SalesOrderLineOut]
    allowed_transitions: list[OrderStatus]
    can_edit: bool
    approval_pending: bool
    status_history: list[SalesOrderStatusChangeOut]


# --- shipments and returns -----------------------------------------------------------------


class QuantityLineIn(InputSchema):
    order_line_id: Id
    quantity: Quantity


class ShipmentIn(InputSchema):
    carrier: Short = ""
    tracking_number: Short = ""
    shipped_on: IsoDate | None = None
    note: Note = ""
    lines: list[QuantityLineIn] = Field(min_length=1, max_length=200)


class ShipmentEventIn(InputSchema):
    status: ShipmentStatus
    at: datetime | None = None
    note: Note = ""


class ShipmentEventOut(Schema):
    id: int
    status: ShipmentStatus
    at: datetime
    note: str


class QuantityLineOut(Schema):
    order_line_id: int
    quantity: Decimal


class ShipmentOut(Schema):
    id: int
    number: str
    order_id: int
    carrier: str
    tracking_number: str
    status: ShipmentStatus
    shipped_on: date
    lines: list[QuantityLineOut]
    events: list[ShipmentEventOut]
    version: int


class SalesReturnIn(InputSchema):
    order_id: Id
    reason: Reason
    returned_on: IsoDate | None = None
    lines: list[QuantityLineIn] = Field(min_length=1, max_length=200)


class SalesReturnOut(Schema):
    id: int
    number: str
    order_id: int
    customer: Ref
    reason: str
    returned_on: date
    gross_amount: Decimal
    lines: list[QuantityLineOut]


# --- receivables ---------------------------------------------------------------------------


class InvoiceIn(InputSchema):
    order_id: Id
    shipment_id: Id | None = None  # invoice this shipment; empty: the rest of the order
    fapiao_type: FapiaoType = FapiaoType.SPECIAL
    fapiao_number: Annotated[str, StringConstraints(max_length=40)] = ""
    issue_date: IsoDate | None = None
    due_date: IsoDate | None = None  # empty: issue date + payment terms


class InvoiceOut(Schema):
    id: int
    number: str
    fapiao_type: FapiaoType
    fapiao_number: str
    customer: Ref
    order_id: int
    shipment_id: int | None
    issue_date: date
    due_date: date
    net_amount: Decimal
    tax_amount: Decimal
    gross_amount: Decimal
    open_amount: Decimal


class AllocationIn(InputSchema):
    invoice_id: Id
    amount: Amount


class AllocationsIn(InputSchema):
    allocations: list[AllocationIn] = Field(min_length=1, max_length=200)


class PaymentIn(InputSchema):
    customer_id: Id
    amount: Amount
    received_on: IsoDate | None = None
    method: PaymentMethod = PaymentMethod.TRANSFER
    reference: Short = ""
    allocations: list[AllocationIn] = Field(default=[], max_length=200)


class AllocationOut(Schema):
    invoice_id: int
    invoice_number: str
    amount: Decimal


class PaymentOut(Schema):
    id: int
    number: str
    customer: Ref
    received_on: date
    amount: Decimal
    method: PaymentMethod
    reference: str
    unallocated: Decimal
    allocations: list[AllocationOut]


class AgingBucketsOut(Schema):
    not_due: Decimal
    d0_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    d90_plus: Decimal
    total: Decimal


class AgingCustomerOut(AgingBucketsOut):
    customer: Ref


class AgingOut(Schema):
    on: date
    totals: AgingBucketsOut
    customers: list[AgingCustomerOut]
    count: int
    page: int
    page_size: int


class LedgerEntryOut(Schema):
    kind: EntryKind
    amount: Decimal
    on: date
    document: str


class CustomerReceivablesOut(Schema):
    customer: Ref
    balance: Decimal
    overdue: Decimal
    credit_limit: Decimal | None
    payment_terms_days: int | None
    ledger: list[LedgerEntryOut]


class CreditLimitIn(InputSchema):
    amount: Amount | None = None  # empty: no limit
    payment_terms_days: Terms | None = None
    version: Version | None = None  # the one last read; empty for a customer without a row


class CreditLimitOut(Schema):
    customer: Ref
    amount: Decimal | None
    payment_terms_days: int | None
    version: int | None
