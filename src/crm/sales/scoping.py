"""The sales module's access rule on opportunities, in the shape PostgreSQL plans well.

`scoped(qs, user, Module.SALES)` filters a unit-scoped reader by joining the org unit and
matching its path, which hides from the planner how many rows a unit holds. Here the same rule
is resolved first to the list of the reader's unit ids (crm.core.access.scoped_by_unit_ids),
so `org_unit_id IN (…)` lets the planner read the board's and the forecast's indexes in order
and stop early. Own and all scopes are `scoped()` unchanged.
"""

from typing import Any

from django.db.models import QuerySet

from crm.core.access import scoped_by_unit_ids
from crm.core.modules import Module

from .models import Opportunity


def opportunities_in_scope(user: Any) -> QuerySet[Opportunity]:
    return scoped_by_unit_ids(Opportunity.objects.all(), user, Module.SALES)
