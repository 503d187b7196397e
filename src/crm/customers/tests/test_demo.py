"""The demo loader (`crm demo --customers N`): composed keys equal the services' keys."""

from typing import Any

import pytest
from django.db.models import Count

from crm.customers.dedupe import duplicate_pairs_for_user
from crm.customers.demo import load_customers
from crm.customers.models import Contact, Customer, Interaction
from crm.customers.normalise import normalise_name
from crm.customers.services import customer_search_text

pytestmark = pytest.mark.usefixtures("demo_once")


def test_tops_up_to_n_and_is_idempotent(demo: Any) -> None:
    made = load_customers(200)
    assert made["customers"] == 200 and made["contacts"] >= 200
    assert load_customers(200) == {"customers": 0, "contacts": 0, "interactions": 0}
    assert load_customers(230)["customers"] == 30
    assert Customer.all_objects.count() == 230
    codes = list(Customer.objects.order_by("code").values_list("code", flat=True))
    assert len(set(codes)) == 230 and codes[0] == "C00000001"


def test_composed_keys_equal_the_services_keys(demo: Any) -> None:
    load_customers(300)
    for c in Customer.objects.all():
        contacts = Contact.objects.filter(customer=c).values("name", "mobile", "landline")
        assert c.name_key == normalise_name(c.name), c.name
        assert c.search_text == customer_search_text(c, contacts), c.name


def test_contacts_interactions_and_owners(demo: Any) -> None:
    load_customers(200)
    per_customer = Customer.objects.annotate(n=Count("contacts")).values_list("n", flat=True)
    assert set(per_customer) <= {1, 2, 3, 4, 5}
    assert Contact.objects.filter(is_primary=True).count() == 200
    assert Interaction.objects.exists()
    owners = Customer.objects.values("owner").annotate(n=Count("id")).order_by("-n")
    counts = [o["n"] for o in owners]
    assert len(counts) == 3 and counts[0] > counts[-1] * 2  # skewed, Pareto-like


def test_planted_duplicates_are_found(demo: Any) -> None:
    load_customers(200)
    pairs = duplicate_pairs_for_user(demo["leader"])
    names = {frozenset((p.a["name"], p.b["name"])) for p in pairs}
    assert frozenset(("中国石油化工股份有限公司", "中国石化")) in names
    assert frozenset(("万华化学集团股份有限公司", "万华化学股份有限公司")) in names
    reasons = {r for p in pairs for r in p.reasons}
    assert {"tax_id", "phone", "name"} <= reasons
