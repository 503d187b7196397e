"""Demo commissions: the default rules, and the statements of the last months computed from
the demo's payments (nothing to do without orders demo data). Safe to run twice: rules are
seeded once, a recompute replaces a month's statements, closed months are left alone."""

from django.utils import timezone

from crm.org.models import Role, User

from .models import CommissionPeriod, CommissionRule, CommissionStatement
from .periods import period_of, previous
from .seed import seed_rules
from .services_compute import period_recompute


def load_commissions(months: int = 4) -> dict[str, int]:
    from crm.orders.models_receivables import PaymentAllocation

    if not PaymentAllocation.objects.exists():
        return {"rules": 0, "months": 0, "statements": 0}
    rules = seed_rules(CommissionRule, Role)
    actor = User.objects.filter(is_superuser=True).order_by("pk").first()
    period = period_of(timezone.localdate())
    done = 0
    for _ in range(months):
        if not CommissionPeriod.objects.filter(period=period, closed_at__isnull=False).exists():
            period_recompute(period=period, actor=actor)
            done += 1
        period = previous(period)
    statements = CommissionStatement.objects.count()
    return {"rules": rules, "months": done, "statements": statements}
