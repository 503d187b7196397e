from typing import Any

from crm.customers.models import Customer

from .conftest import VALID_USCC


def _form(**overrides: Any) -> dict[str, Any]:
    data = {"name": "杭州新材料有限公司", "status": "prospect", "credit_limit": "0"}
    data.update(overrides)
    return data


def test_list_shows_own_customers(
    page_client: Any, rep_east: Any, east_customer: Any, west_customer: Any
) -> None:
    r = page_client(rep_east).get("/customers/")
    assert r.status_code == 200
    html = r.content.decode()
    assert east_customer.name in html and west_customer.name not in html


def test_list_search_by_initials_and_empty_state(
    page_client: Any, rep_east: Any, east_customer: Any
) -> None:
    client = page_client(rep_east)
    assert east_customer.name in client.get("/customers/", {"q": "zsh"}).content.decode()
    empty = client.get("/customers/", {"q": "不存在的客户"}).content.decode()
    assert 'id="customer-empty"' in empty
    # malformed filters are dropped, not a 500
    assert client.get("/customers/", {"owner": "x", "created_from": "bad"}).status_code == 200


def test_detail_of_own_customer(page_client: Any, rep_east: Any, east_customer: Any) -> None:
    r = page_client(rep_east).get(f"/customers/{east_customer.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert east_customer.code in html and 'id="history"' in html
    assert 'id="sensitive-tax-id"' not in html


def test_extension_tabs_load_on_their_own(
    page_client: Any, rep_east: Any, marketer: Any, east_customer: Any
) -> None:
    """The 360° page links each module's tab; the tab's content comes from its own address
    (a fragment for htmx, a page otherwise); an unknown tab or one the user may not open is
    404, like a customer outside the scope."""
    client = page_client(rep_east)
    html = client.get(f"/customers/{east_customer.pk}/").content.decode()
    url = f"/customers/{east_customer.pk}/tabs/tickets/"
    assert f'hx-get="{url}"' in html and 'id="customer-tickets"' not in html
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "ticket" in fragment
    page = client.get(url).content.decode()
    assert "<html" in page and east_customer.name in page
    assert client.get(f"/customers/{east_customer.pk}/tabs/nothing/").status_code == 404
    # the marketer sees the customer but has no service right: no tickets tab
    marketing = page_client(marketer)
    assert 'tabs/tickets/"' not in marketing.get(f"/customers/{east_customer.pk}/").content.decode()
    assert marketing.get(url).status_code == 404


def test_another_units_customer_page_is_404(
    page_client: Any, rep_west: Any, east_customer: Any
) -> None:
    client = page_client(rep_west)
    assert client.get(f"/customers/{east_customer.pk}/").status_code == 404
    assert client.get(f"/customers/{east_customer.pk}/edit/").status_code == 404
    assert client.post(f"/customers/{east_customer.pk}/edit/", _form(version=1)).status_code == 404


def test_create_with_invalid_uscc_shows_chinese_error_then_saves(
    page_client: Any, rep_east: Any
) -> None:
    client = page_client(rep_east)
    bad = client.post("/customers/new/", _form(uscc="91110000600037341X", owner=rep_east.pk))
    assert bad.status_code == 422
    assert "统一社会信用代码" in bad.content.decode() or "18" in bad.content.decode()
    assert not Customer.objects.exists()
    ok = client.post("/customers/new/", _form(uscc=VALID_USCC, owner=rep_east.pk))
    assert ok.status_code == 302
    c = Customer.objects.get()
    assert ok["Location"] == f"/customers/{c.pk}/" and c.uscc == VALID_USCC


def test_edit_with_stale_version_shows_conflict(
    page_client: Any, rep_east: Any, east_customer: Any
) -> None:
    client = page_client(rep_east)
    url = f"/customers/{east_customer.pk}/edit/"
    assert client.get(url).status_code == 200
    first = client.post(url, _form(name="新名称一", version=1, owner=rep_east.pk))
    assert first.status_code == 302
    second = client.post(url, _form(name="新名称二", version=1, owner=rep_east.pk))
    assert second.status_code == 409
    assert "Reload" in second.content.decode() or "重新" in second.content.decode()
    assert Customer.objects.get(pk=east_customer.pk).name == "新名称一"


def test_delete_needs_confirmation_and_is_soft(
    page_client: Any, mgr_east: Any, east_customer: Any
) -> None:
    client = page_client(mgr_east)
    url = f"/customers/{east_customer.pk}/delete/"
    assert client.get(url).status_code == 200
    assert Customer.objects.filter(pk=east_customer.pk).exists()
    assert client.post(url).status_code == 302
    assert Customer.all_objects.get(pk=east_customer.pk).is_deleted


def test_contact_add_edit_and_interaction_log(
    page_client: Any, rep_east: Any, east_customer: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = page_client(rep_east)
    base = f"/customers/{east_customer.pk}"
    bad = client.post(
        f"{base}/contacts/new/",
        {"contact-name": "王强", "contact-mobile": "123", "contact-role": "other"},
    )
    assert bad.status_code == 422
    ok = client.post(
        f"{base}/contacts/new/",
        {"contact-name": "王强", "contact-mobile": "13812345678", "contact-role": "decision_maker"},
    )
    assert ok.status_code == 302
    contact = east_customer.contacts.get()
    edit = client.post(
        f"/customers/contacts/{contact.pk}/edit/",
        {"name": "王强", "title": "采购经理", "role": "purchaser", "version": contact.version},
    )
    assert edit.status_code == 302
    log = client.post(
        f"{base}/interactions/new/",
        {
            "log-channel": "visit",
            "log-direction": "out",
            "log-occurred_at": "2026-03-01T10:00",
            "log-contact": contact.pk,
            "log-summary": "上门拜访，介绍新产品",
            "log-attachment": SimpleUploadedFile("报价.txt", b"price"),
        },
    )
    assert log.status_code == 302
    item = east_customer.interactions.get()
    download = client.get(f"/customers/interactions/{item.pk}/attachment/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"price"  # type: ignore[attr-defined]


def test_contact_edit_form_keeps_the_birthday(
    page_client: Any, rep_east: Any, east_customer: Any
) -> None:
    """<input type="date"> shows only an ISO value; a localised one rendered blank, so
    saving the form wiped the birthday."""
    from datetime import date

    from crm.customers import services

    contact = services.contact_create(
        customer=east_customer, actor=rep_east, name="李娜", birthday=date(1980, 5, 2)
    )
    html = page_client(rep_east).get(f"/customers/contacts/{contact.pk}/edit/").content.decode()
    assert 'type="date" name="birthday" value="1980-05-02"' in html


def test_attachment_of_another_unit_is_404(
    page_client: Any, rep_west: Any, rep_east: Any, east_customer: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from crm.customers import services

    settings.MEDIA_ROOT = tmp_path
    item = services.interaction_create(
        customer=east_customer,
        actor=rep_east,
        channel="email",
        occurred_at=timezone.now(),
        summary="邮件",
        attachment=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
    )
    assert (
        page_client(rep_west).get(f"/customers/interactions/{item.pk}/attachment/").status_code
        == 404
    )


def test_address_block_narrows_lists(page_client: Any, rep_east: Any) -> None:
    r = page_client(rep_east).get("/customers/divisions/", {"province": "31", "city": "5101"})
    html = r.content.decode()
    assert r.status_code == 200 and "3101" in html and "5101" not in html


def test_edit_form_resubmitted_unchanged_saves(
    page_client: Any, rep_east: Any, east_customer: Any
) -> None:
    # given the edit form as the page renders it (credit limit stored with 4 places)
    client = page_client(rep_east)
    form = client.get(f"/customers/{east_customer.pk}/edit/").context["form"]
    assert str(form.initial["credit_limit"]) == "0.00"
    data = {
        k: v.pk if hasattr(v, "pk") else v
        for k, v in form.initial.items()
        if v is not None and k != "units_served"
    }
    # when it is posted back unchanged but for the short name
    data["short_name"] = "改过的简称"
    r = client.post(f"/customers/{east_customer.pk}/edit/", data)
    # then it saves
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    east_customer.refresh_from_db()
    assert east_customer.short_name == "改过的简称"


def test_a_list_longer_than_the_count_cap_pages_without_a_total(
    page_client: Any, rep_east: Any, make_customer: Any, monkeypatch: Any
) -> None:
    from crm.customers import selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for i in range(3):
        make_customer(rep_east, name=f"封顶测试{i}有限公司")
    client = page_client(rep_east)
    first = client.get("/customers/?page_size=2", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "封顶测试" in first and "page=2" in first  # a next page
    assert "超过 2 条" in first
    second = client.get("/customers/?page_size=2&page=2").content.decode()
    assert second.count("封顶测试") >= 1 and "page=3" not in second


def test_list_and_360_page_query_counts_do_not_grow_with_the_data(
    page_client: Any, mgr_east: Any, rep_east: Any, make_customer: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.customers import services
    from crm.customers.models import Choice

    chem = Choice.objects.get(kind="industry", label="石油化工")
    client = page_client(mgr_east)

    def queries(url: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url)
        assert r.status_code == 200
        return len(ctx.captured_queries), r.content.decode()

    first = make_customer(rep_east, name="计数客户0", industry=chem)
    few, _html = queries("/customers/")
    few_detail, _html = queries(f"/customers/{first.pk}/")
    for i in range(1, 6):
        make_customer(rep_east, name=f"计数客户{i}", industry=chem)
    for i in range(4):
        contact = services.contact_create(customer=first, actor=rep_east, name=f"联系人{i}")
        services.interaction_create(
            customer=first,
            actor=rep_east,
            channel="call",
            direction="out",
            occurred_at=first.created_at,
            contact=contact,
            summary=f"沟通{i}",
            attachment=None,
        )
    many, html = queries("/customers/")
    assert many == few and html.count("石油化工") >= 7  # six rows and the filter
    many_detail, html = queries(f"/customers/{first.pk}/")
    assert many_detail == few_detail
    # the interaction form still offers every contact
    assert all(f">联系人{i}</option>" in html for i in range(4))


def test_list_rows_show_list_entries_and_hide_credit_level_without_permission(
    page_client: Any, rep_east: Any, leader: Any, admin: Any
) -> None:
    from crm.customers import services
    from crm.customers.models import Choice

    chem = Choice.objects.get(kind="industry", label="石油化工")
    aaa = Choice.objects.get(kind="credit_level", label="AAA")
    customer = services.customer_create(
        actor=admin, name="行显示客户", industry=chem, credit_level=aaa, owner=rep_east
    )
    url = f"/customers/?q={customer.code}"
    rows_of = {}
    for user in (rep_east, leader):
        html = page_client(user).get(url).content.decode()
        table = html[html.index('id="customer-table"') : html.index("</table>")]
        rows_of[user.username] = table
        assert f'href="/customers/{customer.pk}/"' in table
        assert "石油化工" in table and str(rep_east) in table
    assert "AAA" in rows_of["leader"] and "AAA" not in rows_of["rep_east_1"]
