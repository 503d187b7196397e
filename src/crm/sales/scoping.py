"""The sales module's access rule on opportunities, in the shape PostgreSQL plans well.

`scoped(qs, user, Module.SALES)` filters a unit-scoped reader by joining the org unit and
matching its path, which hides from the planner how many rows a unit holds. Here the same rule
(crm.core.access.scope_q, applied to the org units) is resolved first to the list of the
reader's unit ids, so `org_unit_id IN (…)` lets the planner read the board's and the
forecast's indexes in order and stop early. Own and all scopes are `scoped()` unchanged.
"""

from typing import Any

from django.db.models import QuerySet

from crm.core.access import get_access, scope_q, scoped
from crm.core.modules import Module, Scope
from crm.org.models import OrgUnit

from .models import Opportunity


def opportunities_in_scope(user: Any) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.all()
    if get_access(user).scope(Module.SALES) in (Scope.UNIT, Scope.SUBTREE):
        units = OrgUnit.all_objects.filter(
            scope_q(user, Module.SALES, owner_field=None, unit_field="")
        )
        return qs.filter(org_unit_id__in=list(units.values_list("pk", flat=True)))
    return scoped(qs, user, Module.SALES)
