"""Demo activities and targets: realistic mix, timeline entries, idempotent."""

import pytest
from django.db.models import Count

from crm.customers.demo import load_customers
from crm.customers.models import Interaction
from crm.sales.demo_activities import load_activities
from crm.sales.models_activities import Activity, ActivityKind, ActivityStatus, Target

pytestmark = pytest.mark.usefixtures("demo_once")


def test_demo_activities_and_targets(db):
    load_customers(60)

    made = load_activities(customers=60)

    assert made["activities"] > 300 and made["targets"] > 40
    kinds = dict(Activity.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == set(ActivityKind.values)
    statuses = set(Activity.objects.values_list("status", flat=True))
    assert statuses == set(ActivityStatus.values)
    done_visits = Activity.objects.filter(kind="visit", status="done")
    assert done_visits.exists() and not done_visits.filter(interaction__isnull=True).exists()
    assert (
        Interaction.objects.filter(activity__isnull=False).count()
        == Activity.objects.filter(interaction__isnull=False).count()
    )
    assert Activity.objects.filter(kind="visit", is_planned=False, status="done").exists()
    assert not Activity.objects.filter(kind="visit", customer__isnull=True).exists()
    assert Target.objects.filter(rep__isnull=True, period_kind="year").exists()
    for a in Activity.objects.filter(customer__isnull=False).select_related(
        "customer__org_unit", "org_unit"
    )[:200]:
        # a rep's own customers; a manager's team's
        assert a.customer is not None
        assert a.customer.owner_id == a.owner_id or a.customer.org_unit.path.startswith(
            a.org_unit.path
        )

    again = load_activities(customers=60)

    assert again == {"activities": 0, "targets": 0}
