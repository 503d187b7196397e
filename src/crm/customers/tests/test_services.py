from decimal import Decimal
from typing import Any

import pytest

from crm.core.audit import history_for
from crm.core.errors import Conflict, StaleVersion, ValidationFailed
from crm.customers import services
from crm.customers.models import Choice, Contact, Customer

from .conftest import VALID_USCC


def test_create_defaults_owner_unit_code_and_history(rep_east: Any, make_customer: Any) -> None:
    # given a sales rep
    # when they create a customer
    c = make_customer(rep_east, name="上海申能化工有限公司")
    # then they own it, in their unit, with a generated code and a history entry
    assert c.owner == rep_east and c.org_unit == rep_east.unit
    assert c.code.startswith("C") and len(c.code) == 9
    assert history_for(c).count() == 1
    second = make_customer(rep_east, name="另一家公司")
    assert int(second.code[1:]) == int(c.code[1:]) + 1


def test_valid_uscc_is_accepted_and_normalised(rep_east: Any, make_customer: Any) -> None:
    from stdnum.cn import uscc

    assert uscc.is_valid(VALID_USCC)
    c = make_customer(rep_east, uscc=VALID_USCC.lower())
    assert c.uscc == VALID_USCC


def test_invalid_uscc_is_refused_with_a_field_error(rep_east: Any, make_customer: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        make_customer(rep_east, uscc="91110000600037341X")
    assert "uscc" in exc.value.fields
    assert Customer.objects.count() == 0


def test_uscc_is_unique_among_live_customers(rep_east: Any, make_customer: Any) -> None:
    first = make_customer(rep_east, uscc=VALID_USCC)
    with pytest.raises(ValidationFailed) as exc:
        make_customer(rep_east, name="重复", uscc=VALID_USCC)
    assert "uscc" in exc.value.fields
    # once the first is deleted the code is free again, and restoring the first conflicts
    services.customer_delete(customer=first, actor=rep_east)
    make_customer(rep_east, name="新客户", uscc=VALID_USCC)
    with pytest.raises(Conflict):
        services.customer_restore(customer=Customer.all_objects.get(pk=first.pk), actor=rep_east)


def test_address_levels_must_belong_together(rep_east: Any, make_customer: Any) -> None:
    c = make_customer(rep_east, province="31", city="3101", district="310115", street="张江路 1 号")
    assert c.address.startswith("上海市 浦东新区")
    with pytest.raises(ValidationFailed) as exc:
        make_customer(rep_east, name="错地址", province="31", city="5101", district="510104")
    assert set(exc.value.fields) == {"city"}
    with pytest.raises(ValidationFailed) as exc:
        make_customer(rep_east, name="错地址", province="31", city="3101", district="510104")
    assert set(exc.value.fields) == {"district"}


def test_stale_version_is_refused_and_changes_nothing(rep_east: Any, east_customer: Any) -> None:
    # given a customer changed by someone else after we read it (version 1 → 2)
    services.customer_update(customer=east_customer, version=1, actor=rep_east, phone="1")
    # when we save with the old version
    with pytest.raises(StaleVersion) as exc:
        services.customer_update(customer=east_customer, version=1, actor=rep_east, name="改名")
    # then 409 and the name is unchanged
    assert exc.value.status == 409
    assert Customer.objects.get(pk=east_customer.pk).name == "中国石油化工股份有限公司"


def test_update_records_history_and_refreshes_search(rep_east: Any, east_customer: Any) -> None:
    updated = services.customer_update(
        customer=east_customer,
        version=east_customer.version,
        actor=rep_east,
        short_name="石化",
        credit_limit=Decimal("1000.50"),
        tags="重点, 国企,重点",
    )
    assert updated.version == 2 and updated.tags == "重点,国企"
    entry = history_for(updated).first()
    assert entry is not None and {"short_name", "credit_limit", "tags"} <= set(entry.changes)
    assert "shihua" in Customer.objects.get(pk=updated.pk).search_text


def test_choice_of_the_wrong_list_is_refused(rep_east: Any, make_customer: Any) -> None:
    rating = Choice.objects.filter(kind="rating").first()
    with pytest.raises(ValidationFailed) as exc:
        make_customer(rep_east, industry=rating)
    assert "industry" in exc.value.fields


def test_soft_delete_and_restore(rep_east: Any, east_customer: Any) -> None:
    services.customer_delete(customer=east_customer, actor=rep_east)
    assert not Customer.objects.filter(pk=east_customer.pk).exists()
    restored = services.customer_restore(
        customer=Customer.all_objects.get(pk=east_customer.pk), actor=rep_east
    )
    assert not restored.is_deleted
    assert [e.action for e in history_for(restored)][:2] == ["restore", "delete"]


def test_first_contact_is_primary_and_only_one_primary(rep_east: Any, east_customer: Any) -> None:
    a = services.contact_create(customer=east_customer, actor=rep_east, name="王强")
    b = services.contact_create(
        customer=east_customer, actor=rep_east, name="李娜", mobile="13812345678"
    )
    assert Contact.objects.get(pk=a.pk).is_primary and not b.is_primary
    services.contact_update(contact=b, version=b.version, actor=rep_east, is_primary=True)
    primaries = list(Contact.objects.filter(customer=east_customer, is_primary=True))
    assert [c.pk for c in primaries] == [b.pk]
    # deleting the primary hands the role to another contact
    services.contact_delete(contact=Contact.objects.get(pk=b.pk), actor=rep_east)
    assert Contact.objects.get(pk=a.pk).is_primary


def test_contact_phones_are_validated(rep_east: Any, east_customer: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        services.contact_create(
            customer=east_customer, actor=rep_east, name="张三", mobile="12345", landline="123"
        )
    assert set(exc.value.fields) == {"mobile", "landline"}
    ok = services.contact_create(
        customer=east_customer,
        actor=rep_east,
        name="张三",
        mobile="+86 138-1234-5678",
        landline="021-12345678",
    )
    assert ok.mobile == "13812345678"


def test_interaction_attachment_limits(
    rep_east: Any, east_customer: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationFailed) as exc:
        services.interaction_create(
            customer=east_customer,
            actor=rep_east,
            channel="call",
            occurred_at=timezone.now(),
            summary="电话沟通",
            attachment=SimpleUploadedFile("x.exe", b"MZ"),
        )
    assert "attachment" in exc.value.fields
    item = services.interaction_create(
        customer=east_customer,
        actor=rep_east,
        channel="visit",
        occurred_at=timezone.now(),
        summary="上门拜访",
        attachment=SimpleUploadedFile("纪要.txt", "会议纪要".encode()),
    )
    assert item.attachment_name == "纪要.txt" and item.author == rep_east
