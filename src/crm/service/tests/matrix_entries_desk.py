"""The call-centre desk and the inbound-call API in the access matrix (see crm.testing.matrix).

Taking calls needs the service create right (admin, agent); the others who may view the
service module get 403; marketer and general 404. The target is a WEST customer.
"""

from crm.customers.models import Contact, Interaction
from crm.sales.models import Lead
from crm.service.models import Call
from crm.testing.matrix import api, page

from .matrix_entries import CAN_VIEW, CREATE, CREATORS, SERVICE, west_customer

WRITES = (Call, Interaction, Contact, Lead)

api(
    "service inbound call",
    "POST",
    "/api/v1/calls",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
    body={"caller": "+86 28 8765 4321", "called": "4008001234", "call_id": "pbx-1"},
    tables=WRITES,
)
page(
    "service desk",
    "GET",
    "/service/desk/?caller=13912345678",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
)
page(
    "service desk log call",
    "POST",
    "/service/desk/log/",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
    body=lambda users, t: {"caller": "13912345678", "customer": t.pk, "note": "咨询"},
    tables=WRITES,
)
page(
    "service desk new contact",
    "POST",
    "/service/desk/contact/",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    target=west_customer,
    body=lambda users, t: {"caller": "13912345678", "customer": t.pk, "name": "王强"},
    tables=WRITES,
)
page(
    "service desk new lead",
    "POST",
    "/service/desk/lead/",
    module=SERVICE,
    action=CREATE,
    allowed=CREATORS,
    forbidden=CAN_VIEW - CREATORS,
    body={"caller": "13912345678", "company": "新客户公司"},
    tables=WRITES,
)
