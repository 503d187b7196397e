from typing import Any

import pytest

from crm.core.errors import NotFound
from crm.customers import services
from crm.customers.selectors import (
    CustomerFilters,
    contact_get_for_user,
    contacts_for_user,
    customer_get_for_user,
    customers_for_user,
)


def _names(user: Any, **filters: Any) -> set[str]:
    return {c.name for c in customers_for_user(user, CustomerFilters(**filters))}


@pytest.mark.parametrize("query", ["zsh", "ZSH", "zhongshihua", "中石化", "石油", "zgsy"])
def test_search_by_name_pinyin_and_initials(
    rep_east: Any, east_customer: Any, make_customer: Any, query: str
) -> None:
    make_customer(rep_east, name="上海申能化工有限公司")
    assert _names(rep_east, search=query) == {"中国石油化工股份有限公司"}


def test_traditional_query_finds_simplified_name(rep_east: Any, make_customer: Any) -> None:
    make_customer(rep_east, name="华东客户服务中心")
    assert _names(rep_east, search="華東客戶") == {"华东客户服务中心"}


def test_simplified_query_finds_traditional_name(rep_east: Any, make_customer: Any) -> None:
    make_customer(rep_east, name="臺灣電子貿易公司")
    assert _names(rep_east, search="台湾电子") == {"臺灣電子貿易公司"}


def test_contact_name_and_phone_find_the_customer(rep_east: Any, east_customer: Any) -> None:
    services.contact_create(
        customer=east_customer,
        actor=rep_east,
        name="欧阳娜娜",
        mobile="13912345678",
        landline="021-66667777",
    )
    for q in ("13912345678", "2345678", "02166667777", "欧阳", "oyn"):
        assert _names(rep_east, search=q) == {east_customer.name}, q
    # code, USCC and several words (all must match)
    assert _names(rep_east, search=east_customer.code.lower()) == {east_customer.name}
    assert _names(rep_east, search="中国 化工") == {east_customer.name}
    assert _names(rep_east, search="中国 不存在") == set()


def test_sensitive_values_are_not_searchable(rep_east: Any, make_customer: Any) -> None:
    make_customer(rep_east, name="敏感公司", tax_id="TAX998877", bank_account="6222000011112222")
    assert _names(rep_east, search="998877") == set()
    assert _names(rep_east, search="62220000") == set()


def test_scope_rep_sees_own_manager_subtree_leader_all(
    rep_east: Any,
    rep_east_2: Any,
    rep_west: Any,
    mgr_east: Any,
    mgr_west: Any,
    leader: Any,
    make_customer: Any,
) -> None:
    make_customer(rep_east, name="甲")
    make_customer(rep_east_2, name="乙")
    make_customer(rep_west, name="丙")
    assert _names(rep_east) == {"甲"}
    assert _names(rep_east_2) == {"乙"}
    assert _names(mgr_east) == {"甲", "乙"}
    assert _names(mgr_west) == {"丙"}
    assert _names(leader) == {"甲", "乙", "丙"}


def test_out_of_scope_and_missing_are_the_same_404(
    rep_west: Any, east_customer: Any, leader: Any
) -> None:
    with pytest.raises(NotFound):
        customer_get_for_user(user=rep_west, pk=east_customer.pk)
    with pytest.raises(NotFound):
        customer_get_for_user(user=rep_west, pk=999999)
    assert customer_get_for_user(user=leader, pk=east_customer.pk) == east_customer


def test_contacts_follow_their_customers_scope(
    rep_east: Any, rep_west: Any, east_customer: Any
) -> None:
    contact = services.contact_create(customer=east_customer, actor=rep_east, name="王强")
    assert list(contacts_for_user(rep_east)) == [contact]
    assert list(contacts_for_user(rep_west)) == []
    with pytest.raises(NotFound):
        contact_get_for_user(user=rep_west, pk=contact.pk)
    # a deleted customer's contacts disappear with it
    services.customer_delete(customer=east_customer, actor=rep_east)
    assert list(contacts_for_user(rep_east)) == []


def test_filters_and_sorting(rep_east: Any, make_customer: Any, leader: Any) -> None:
    from crm.customers.models import Choice

    chem = Choice.objects.get(kind="industry", label="石油化工")
    make_customer(rep_east, name="甲化工", industry=chem, status="active", tags="重点,国企")
    make_customer(rep_east, name="乙贸易", status="prospect", tags="国企重点")
    assert _names(rep_east, industry=chem.pk) == {"甲化工"}
    assert _names(rep_east, status="prospect") == {"乙贸易"}
    assert _names(rep_east, tag="重点") == {"甲化工"}
    assert _names(rep_east, unit=rep_east.unit_id) == {"甲化工", "乙贸易"}
    assert _names(leader, unit=leader.unit_id) == {"甲化工", "乙贸易"}
    names = [c.name for c in customers_for_user(rep_east, CustomerFilters(ordering="name"))]
    assert names == sorted(names)
    # an unknown ordering falls back to the default rather than failing
    assert customers_for_user(rep_east, CustomerFilters(ordering="password")).count() == 2


def test_credit_filter_needs_the_sensitive_permission(
    rep_east: Any, leader: Any, make_customer: Any, admin: Any
) -> None:
    from crm.customers.models import Choice

    aaa = Choice.objects.get(kind="credit_level", label="AAA")
    services.customer_create(actor=admin, name="甲", credit_level=aaa, owner=rep_east)
    make_customer(rep_east, name="乙")
    assert _names(leader, credit_level=aaa.pk) == {"甲"}
    # the filter is ignored for a reader who may not see credit levels (no leak by filtering)
    assert _names(rep_east, credit_level=aaa.pk) == {"甲", "乙"}


def test_list_entries_come_without_a_query_per_row(
    rep_east: Any, mgr_east: Any, make_customer: Any, django_assert_num_queries: Any
) -> None:
    from crm.customers.models import Choice, Customer
    from crm.customers.selectors import customer_page_for_user

    chem = Choice.objects.get(kind="industry", label="石油化工")
    aaa = Choice.objects.get(kind="credit_level", label="AAA")
    retired = Choice.objects.create(kind="rating", label="停用评级")
    for i in range(3):
        make_customer(rep_east, name=f"条目{i}", industry=chem, rating=retired)
    Choice.objects.filter(pk=retired.pk).update(active=False)  # retired after use
    one = make_customer(rep_east, name="无条目")
    Customer.objects.filter(pk=one.pk).update(credit_level=aaa)
    # the page: the same rows in the same order as customers_for_user, entries set
    page = customer_page_for_user(mgr_east, CustomerFilters(), page_size=3)
    expected = list(customers_for_user(mgr_east, CustomerFilters())[:3])
    assert [c.pk for c in page.items] == [c.pk for c in expected]
    with django_assert_num_queries(0):
        seen = [(c.industry, c.rating, c.region, c.owner, c.org_unit) for c in page.items]
    assert all(row == (chem, retired, None, rep_east, rep_east.unit) for row in seen[1:])
    # one customer: its entries (a retired one too) with no query on reading them
    customer = customer_get_for_user(user=mgr_east, pk=one.pk)
    with django_assert_num_queries(0):
        assert (customer.credit_level, customer.industry, customer.owner) == (aaa, None, rep_east)
