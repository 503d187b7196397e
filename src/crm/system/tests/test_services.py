"""notify, read marks and the preference: dedupe, daily period, link checks, scope."""

from datetime import date
from typing import Any

import pytest

from crm.core.errors import StaleVersion, ValidationFailed
from crm.core.models import AuditEntry
from crm.system import selectors, services
from crm.system.models import EmailState, Notification

pytestmark = pytest.mark.usefixtures("demo_once")


def test_notify_once_per_key(rep_east: Any) -> None:
    first = services.notify(user=rep_east, key="sla-breach:T1", title="工单超时", url="/service/")
    again = services.notify(user=rep_east, key="sla-breach:T1", title="工单超时")
    assert first is not None and again is None
    assert first.email_state == EmailState.NONE
    assert Notification.objects.filter(recipient=rep_east).count() == 1


def test_notify_daily_once_per_day(rep_east: Any) -> None:
    for day in (date(2026, 11, 29), date(2026, 11, 30), date(2026, 11, 30)):
        services.notify(user=rep_east, key="overdue:1", title="逾期", period="daily", day=day)
    assert sorted(Notification.objects.values_list("period_day", flat=True)) == [
        "2026-11-29",
        "2026-11-30",
    ]


def test_notify_with_email_waits_for_the_digest(rep_east: Any) -> None:
    n = services.notify(user=rep_east, key="approval:Q1", title="待审批", email=True)
    assert n is not None and n.email_state == EmailState.PENDING


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("url", {"url": "https://evil.example/"}),
        ("url", {"url": "//evil.example/"}),
        ("url", {"url": "/\\evil.example/"}),
        ("url", {"url": "javascript:alert(1)"}),
        ("key", {"key": ""}),
        ("key", {"key": "k" * 201}),
        ("title", {"title": "  "}),
        ("period", {"period": "weekly"}),
    ],
)
def test_notify_refuses_bad_input(rep_east: Any, field: str, kwargs: dict) -> None:
    args = {"user": rep_east, "key": "k", "title": "标题", **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        services.notify(**args)
    assert field in exc.value.fields


def test_mark_read_is_idempotent(rep_east: Any) -> None:
    n = services.notify(user=rep_east, key="a", title="甲")
    assert n is not None
    first = services.notification_mark_read(notification=n).read_at
    again = services.notification_mark_read(notification=n).read_at
    assert first is not None and first == again


def test_mark_all_read_touches_only_the_users_own(rep_east: Any, rep_west: Any) -> None:
    services.notify(user=rep_east, key="a", title="甲")
    services.notify(user=rep_east, key="b", title="乙")
    services.notify(user=rep_west, key="a", title="甲")
    assert services.notification_mark_all_read(user=rep_east) == 2
    assert selectors.unread_count(rep_east) == 0 and selectors.unread_count(rep_west) == 1


def test_preference_versioned_and_audited(rep_east: Any) -> None:
    assert selectors.preference_for(rep_east).email_enabled is True
    pref = services.preference_set(user=rep_east, email_enabled=False, version=1, actor=rep_east)
    assert pref.pk and not pref.email_enabled and pref.version == 1
    pref = services.preference_set(user=rep_east, email_enabled=True, version=1, actor=rep_east)
    assert pref.version == 2
    with pytest.raises(StaleVersion):
        services.preference_set(user=rep_east, email_enabled=False, version=1, actor=rep_east)
    assert AuditEntry.objects.filter(object_id=str(pref.pk), action="update").exists()


def test_preference_first_save_with_a_wrong_version_is_stale(rep_west: Any) -> None:
    with pytest.raises(StaleVersion):
        services.preference_set(user=rep_west, email_enabled=False, version=5, actor=rep_west)
