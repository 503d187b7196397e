"""The call-centre desk: number normalisation, caller lookup (customer phones, contact mobiles
and landlines, e-mail; several matches; no false substring matches), call logging (idempotent
on call_id, an inbound interaction on the timeline), capture as contact or lead, API, pages."""

from typing import Any

import pytest

from crm.customers import services as customer_services
from crm.customers.models import Interaction
from crm.sales.models import Lead
from crm.service import desk, selectors, services, services_desk
from crm.service.models import Call

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("021-12345678", "02112345678"),
        ("(021) 1234 5678", "02112345678"),
        ("+86 21 1234 5678", "02112345678"),
        ("0086-10-12345678", "01012345678"),
        ("862112345678", "02112345678"),
    ],
)
def test_normalise_phone(raw: str, key: str) -> None:
    assert desk.normalise(raw) == desk.Caller("phone", key)


def test_normalise_other_input() -> None:
    assert desk.normalise(" Wang@Example.COM ") == desk.Caller("email", "wang@example.com")
    assert desk.normalise("abc").kind == "" and desk.normalise("12").kind == ""
    assert desk.normalise("a@b").kind == ""


@pytest.fixture
def callers(rep_west: Any, rep_east: Any) -> dict[str, Any]:
    shu = customer_services.customer_create(
        actor=rep_west, name="成都蜀能贸易有限公司", phone="028-87654321"
    )
    pu = customer_services.customer_create(
        actor=rep_east, name="上海浦江化工有限公司", phone="+86 21 5555 6666"
    )
    wang = customer_services.contact_create(
        customer=shu, actor=rep_west, name="王强", mobile="13912345678", email="wq@shuneng.cn"
    )
    li = customer_services.contact_create(
        customer=pu, actor=rep_east, name="李娜", mobile="139 1234 5678"
    )
    return {"shu": shu, "pu": pu, "wang": wang, "li": li}


def test_find_by_customer_phone_contact_mobile_and_email(agent: Any, callers: Any) -> None:
    caller, matches = desk.find(agent, "+86 28 8765 4321")
    assert caller.key == "02887654321" and [m.customer for m in matches] == [callers["shu"]]
    assert matches[0].contacts == []
    _caller, matches = desk.find(agent, "021-55556666")
    assert [m.customer for m in matches] == [callers["pu"]]
    _caller, matches = desk.find(agent, "WQ@shuneng.cn")
    assert [(m.customer, m.contacts) for m in matches] == [(callers["shu"], [callers["wang"]])]
    # One mobile at two customers: both, each with its contact.
    _caller, matches = desk.find(agent, "+8613912345678")
    assert {(m.customer.pk, m.contacts[0].pk) for m in matches} == {
        (callers["shu"].pk, callers["wang"].pk), (callers["pu"].pk, callers["li"].pk)
    }  # fmt: skip
    # Digits inside a longer number are not a match.
    assert desk.find(agent, "87654321")[1] == []
    assert desk.find(agent, "13900000000")[1] == []


def test_find_is_scoped(rep_east: Any, callers: Any) -> None:
    _caller, matches = desk.find(rep_east, "13912345678")
    assert [m.customer for m in matches] == [callers["pu"]]


def test_call_log_is_idempotent_and_on_the_timeline(agent: Any, callers: Any) -> None:
    shu, wang = callers["shu"], callers["wang"]
    call, created = services_desk.call_log(
        actor=agent, caller="13912345678", call_id="pbx-1", customer=shu, contact=wang, note="咨询"
    )
    again, created_again = services_desk.call_log(actor=agent, caller="x", call_id="pbx-1")
    assert created and not created_again and again.pk == call.pk
    item = Interaction.objects.get(customer=shu)
    assert (item.channel, item.direction, item.contact) == ("call", "in", wang)
    assert "13912345678" in item.summary and "咨询" in item.summary
    assert services_desk.call_attach(call=call, customer=shu, actor=agent) == call
    with pytest.raises(Exception, match="另一|another"):
        services_desk.call_attach(call=call, customer=callers["pu"], actor=agent)
    assert Interaction.objects.filter(customer=shu).count() == 1


def test_capture_contact_and_lead(agent: Any, callers: Any) -> None:
    call, _ = services_desk.call_log(actor=agent, caller="0086 138 0000 1111")
    contact = services_desk.caller_add_contact(
        call=call, customer=callers["shu"], name="赵六", actor=agent
    )
    assert contact.mobile == "13800001111"
    assert desk.find(agent, "13800001111")[1][0].contacts == [contact]
    other, _ = services_desk.call_log(actor=agent, caller="010-66668888")
    lead = services_desk.caller_add_lead(
        call=other, company="北京新客户", contact_name="钱七", actor=agent
    )
    assert Lead.objects.get(pk=lead.pk).phone == "01066668888"
    assert Call.objects.get(pk=other.pk).lead_id == lead.pk


def test_calls_api(api_client: Any, agent: Any, rep_east: Any, callers: Any) -> None:
    services.ticket_create(actor=agent, customer=callers["shu"], title="漏油", type=_complaint())
    client = api_client(agent)
    body = {"caller": "+86 28 8765 4321", "called": "400-800-1234", "call_id": "pbx-9"}
    r = client.post_json("/api/v1/calls", body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["logged"] and out["open_tickets"] == 1 and out["caller_key"] == "02887654321"
    assert out["customers"][0]["id"] == callers["shu"].pk
    assert out["desk_url"].startswith("/service/desk/?caller=")
    again = client.post_json("/api/v1/calls", body)
    assert again.status_code == 200 and again.json()["id"] == out["id"]
    assert Interaction.objects.filter(customer=callers["shu"]).count() == 1
    several = client.post_json("/api/v1/calls", {"caller": "13912345678"}).json()
    assert len(several["customers"]) == 2 and not several["logged"]
    assert client.post_json("/api/v1/calls", {"caller": ""}).status_code == 422
    assert api_client(rep_east).post_json("/api/v1/calls", body).status_code == 403


def _complaint() -> Any:
    from crm.service.models import TicketType

    return TicketType.objects.get(code="complaint")


def test_desk_pages(
    page_client: Any, agent: Any, callers: Any, django_assert_max_num_queries: Any
) -> None:
    client = page_client(agent)
    assert client.get("/service/desk/").status_code == 200
    r = client.get("/service/desk/", {"caller": "028 8765 4321"})
    html = r.content.decode()
    assert 'id="desk-customer"' in html and callers["shu"].name in html
    r = client.post(
        "/service/desk/log/",
        {"caller": "028 8765 4321", "customer": callers["shu"].pk, "note": "报修"},
    )
    assert r.status_code == 302 and "call=" in r["Location"]
    page = client.get(r["Location"]).content.decode()
    assert 'id="desk-logged"' in page and "报修" in page
    r = client.get("/service/desk/", {"caller": "13912345678"})
    assert 'id="desk-choices"' in r.content.decode()
    r = client.get("/service/desk/", {"caller": "13912345678", "customer": callers["pu"].pk})
    assert callers["li"].name in r.content.decode()
    r = client.get("/service/desk/", {"caller": "13700000000", "find": "蜀能"})
    assert (
        'id="desk-unknown"' in r.content.decode() and 'id="desk-contact-form"' in r.content.decode()
    )
    r = client.post(
        "/service/desk/contact/",
        {"caller": "13700000000", "customer": callers["shu"].pk, "name": "孙八"},
    )
    assert r.status_code == 302
    r = client.post("/service/desk/lead/", {"caller": "13600000000", "company": "新公司"})
    assert r.status_code == 302 and Lead.objects.filter(company="新公司").exists()
    r = client.post("/service/desk/lead/", {"caller": "13600000000", "company": ""})
    assert r.status_code == 302 and not Lead.objects.filter(company="").exists()
    with django_assert_max_num_queries(30) as few:
        client.get("/service/desk/", {"caller": "13912345678"})
    for i in range(5):
        c = customer_services.customer_create(actor=agent, name=f"同号客户{i}")
        customer_services.contact_create(customer=c, actor=agent, name="某人", mobile="13912345678")
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get("/service/desk/", {"caller": "13912345678"})
    assert r.content.decode().count("list-group-item-action") == 7


def test_calls_follow_their_customers_scope(
    page_client: Any, agent: Any, demo: Any, callers: Any
) -> None:
    """A desk user whose customer scope is their own unit does not see, through a call, the
    name of another unit's customer: not among the caller's recent calls, not by its id."""
    from crm.org.models import Role, RolePermission, User

    role = Role.objects.create(code="desk_west", name="成都坐席")
    RolePermission.objects.create(
        role=role, module="service", can_view=True, can_create=True, can_edit=True, scope="unit"
    )
    RolePermission.objects.create(role=role, module="customers", can_view=True, scope="unit")
    west_desk = User.objects.create(username="desk_west", unit=demo["rep_west_1"].unit)
    west_desk.roles.add(role)
    east_call, _ = services_desk.call_log(
        actor=agent, caller="021-55556666", customer=callers["pu"], note="东区来电"
    )
    unmatched, _ = services_desk.call_log(actor=agent, caller="021-55556666")
    assert set(selectors.calls_for_user(west_desk)) == {unmatched}
    assert set(selectors.calls_for_user(agent)) == {east_call, unmatched}
    client = page_client(west_desk)
    html = client.get("/service/desk/", {"caller": "021-55556666"}).content.decode()
    assert callers["pu"].name not in html
    html = client.get("/service/desk/", {"caller": "021", "call": east_call.pk}).content.decode()
    assert callers["pu"].name not in html
