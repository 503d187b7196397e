"""Customers in the browser: merge duplicates and undo, export what the filter shows,
reassign a rep's customers."""

import csv
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .conftest import sign_in

pytestmark = pytest.mark.e2e


def test_merge_two_duplicates_then_undo(page: Page) -> None:
    from crm.customers import services
    from crm.customers.models import Contact, Customer
    from crm.org.models import User

    rep = User.objects.get(username="rep_east_1")
    keep = services.customer_create(actor=rep, name="杭州龙井茶业有限公司", phone="0571-1")
    dup = services.customer_create(actor=rep, name="杭州龍井茶業集團", phone="0571-2")
    services.contact_create(customer=keep, actor=rep, name="王一")
    services.contact_create(customer=dup, actor=rep, name="李二")
    services.contact_create(customer=dup, actor=rep, name="张三")
    services.interaction_create(
        customer=dup, actor=rep, channel="call", occurred_at=timezone.now(), summary="来电"
    )

    sign_in(page, "mgr_east")
    page.goto("/customers/duplicates/")
    expect(page.locator("#duplicate-table")).to_contain_text("杭州龍井茶業集團")
    page.locator(".merge-link").first.click()
    # the older customer (a) remains by default
    expect(page.locator("#survivor-a")).to_be_checked()
    expect(page.locator("#merge-fields")).to_be_visible()
    page.check("#keep-merged-phone")
    page.click("#merge-submit")
    expect(page).to_have_url(re.compile(rf"/customers/{keep.pk}/"))
    page.click("#tab-contacts-button")
    for name in ("王一", "李二", "张三"):
        expect(page.locator("#tab-contacts")).to_contain_text(name)
    assert Customer.all_objects.get(pk=dup.pk).is_deleted
    assert Customer.objects.get(pk=keep.pk).phone == "0571-2"

    page.locator(".merge-undo button").click()
    expect(page.locator(".merge-undo")).to_have_count(0)
    assert not Customer.all_objects.get(pk=dup.pk).is_deleted
    assert Contact.objects.filter(customer=dup).count() == 2
    assert Customer.objects.get(pk=keep.pk).phone == "0571-1"


def test_export_what_the_filter_shows(page: Page) -> None:
    from crm.customers import services
    from crm.org.models import User

    rep = User.objects.get(username="rep_east_1")
    services.customer_create(actor=rep, name="重点甲公司", tags="重点")
    services.customer_create(actor=rep, name="=1+2 重点乙公司", tags="重点")
    services.customer_create(actor=rep, name="普通丙公司")

    sign_in(page, "mgr_east")
    page.goto("/customers/?tag=重点")
    expect(page.locator("#customer-table tbody tr")).to_have_count(2)
    with page.expect_download() as info:
        page.click("#export-csv")
    path = info.value.path()
    text = open(path, encoding="utf-8-sig").read()  # noqa: SIM115, PTH123
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["编码", "名称"]
    assert sorted(r[1] for r in rows[1:]) == sorted(["重点甲公司", "'=1+2 重点乙公司"])


def test_reassign_all_customers_of_a_rep(page: Page) -> None:
    from crm.customers import services
    from crm.customers.models import Customer
    from crm.org.models import User

    leaving = User.objects.get(username="rep_east_1")
    taking = User.objects.get(username="rep_east_2")
    for i in range(3):
        services.customer_create(actor=leaving, name=f"离职交接客户{i}")

    sign_in(page, "mgr_east")
    page.goto("/customers/")
    page.click("#reassign-open")
    # Bootstrap's collapse animates: a click while the form still moves can miss
    expect(page.locator("#reassign-form")).to_have_class(re.compile(r"\bshow\b"))
    page.check("#reassign-owner")
    page.select_option("#reassign-from", str(leaving.pk))
    page.select_option("#reassign-to", str(taking.pk))
    page.click("#reassign-submit")
    expect(page.locator("#reassign-count")).to_contain_text("3")
    page.click("#reassign-confirm")
    expect(page.locator(".alert-success")).to_contain_text("3")
    assert not Customer.objects.filter(owner=leaving).exists()
    assert Customer.objects.filter(owner=taking).count() == 3


def test_owners_are_searched_when_there_are_many(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the select limit, the owner filter and the reassign fields are searched: type,
    pick from what matches, filter and reassign as with the full selects."""
    from crm.customers import services, views
    from crm.customers.models import Customer
    from crm.org.models import User

    monkeypatch.setattr(views, "OWNER_SELECT_LIMIT", 1)  # the server runs in this process
    leaving = User.objects.get(username="rep_east_1")
    taking = User.objects.get(username="rep_east_2")
    services.customer_create(actor=leaving, name="搜索负责人甲公司")
    services.customer_create(actor=taking, name="搜索负责人乙公司")

    sign_in(page, "mgr_east")
    page.goto("/customers/")
    page.click("button[aria-controls=more-filters]")
    expect(page.locator("#more-filters")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.locator(f"#filter-owner option[value='{taking.pk}']")).to_have_count(0)
    page.get_by_label("搜索负责人", exact=True).fill("rep_east_2")
    expect(page.locator(f"#filter-owner option[value='{taking.pk}']")).to_have_count(1)
    page.select_option("#filter-owner", str(taking.pk))
    page.click("#customer-filters button[type=submit]")
    expect(page.locator("#customer-table")).to_contain_text("搜索负责人乙公司")
    expect(page.locator("#customer-table")).not_to_contain_text("搜索负责人甲公司")
    # the chosen owner stays chosen on the filtered page; the search text is not in the URL
    expect(page.locator("#filter-owner")).to_have_value(str(taking.pk))
    assert "q=rep" not in page.url

    page.goto("/customers/")
    page.click("#reassign-open")
    expect(page.locator("#reassign-form")).to_have_class(re.compile(r"\bshow\b"))
    page.check("#reassign-owner")
    page.get_by_label("搜索当前负责人").fill("rep_east_1")
    expect(page.locator(f"#reassign-from option[value='{leaving.pk}']")).to_have_count(1)
    page.select_option("#reassign-from", str(leaving.pk))
    page.get_by_label("搜索新负责人").fill("无此员工")
    expect(page.locator("#reassign-to")).to_contain_text("没有符合条件的员工")
    page.get_by_label("搜索新负责人").fill("rep_east_2")
    expect(page.locator(f"#reassign-to option[value='{taking.pk}']")).to_have_count(1)
    page.select_option("#reassign-to", str(taking.pk))
    page.click("#reassign-submit")
    page.click("#reassign-confirm")
    expect(page.locator(".alert-success")).to_be_visible()
    assert not Customer.objects.filter(owner=leaving, name__startswith="搜索负责人").exists()


def test_the_new_customer_form_searches_its_owner(
    page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm.customers import views
    from crm.customers.models import Customer
    from crm.org.models import User

    monkeypatch.setattr(views, "OWNER_SELECT_LIMIT", 1)
    taking = User.objects.get(username="rep_east_2")
    sign_in(page, "mgr_east")
    page.goto("/customers/new/")
    page.fill("#id_name", "表单搜索负责人有限公司")
    page.get_by_label("搜索负责人", exact=True).fill("rep_east_2")
    expect(page.locator(f"#id_owner option[value='{taking.pk}']")).to_have_count(1)
    page.select_option("#id_owner", str(taking.pk))
    page.click("#customer-save")
    expect(page.locator(".alert-success")).to_be_visible()
    assert Customer.objects.get(name="表单搜索负责人有限公司").owner == taking


def test_module_tabs_load_when_opened_by_mouse_or_keyboard(page: Page) -> None:
    from crm.customers import services
    from crm.org.models import User

    rep = User.objects.get(username="rep_east_1")
    customer = services.customer_create(actor=rep, name="宁波港联化工有限公司")
    sign_in(page, "rep_east_1")
    page.goto(f"/customers/{customer.pk}/")
    expect(page.locator("#customer-opportunities")).to_have_count(0)  # not loaded with the page

    # The keyboard: from the timeline tab, the right arrow opens the first module tab.
    page.click("#tab-timeline-button")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-opportunities-button")).to_have_class(re.compile(r"\bactive\b"))
    expect(page.locator("#tab-opportunities #customer-opportunities")).to_be_visible()

    # The mouse: another tab loads its own content once.
    page.click("#tab-activities-button")
    expect(page.locator("#tab-activities #customer-plan-visit")).to_be_visible()
