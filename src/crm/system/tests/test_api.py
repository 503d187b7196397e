"""API of notifications: own inbox, unread filter and count, read marks (another employee's
notification is a 404), the preference with its version (stale → 409), the run log."""

from typing import Any

import pytest

from crm.system import services
from crm.system.models import Notification, ReminderRun

pytestmark = pytest.mark.usefixtures("demo_once")


@pytest.fixture
def inbox(rep_east: Any, rep_west: Any) -> list[Notification]:
    made = [
        services.notify(user=rep_east, key=f"k{i}", title=f"提醒 {i}", url=f"/orders/{i}/")
        for i in range(3)
    ]
    services.notify(user=rep_west, key="west", title="西区提醒")
    return [n for n in made if n is not None]


def test_list_unread_filter_and_count(api_client: Any, rep_east: Any, inbox: list) -> None:
    client = api_client(rep_east)
    body = client.get("/api/v1/notifications?page_size=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2 and body["page_size"] == 2
    assert {"id", "key", "title", "url", "read_at", "email_state"} <= set(body["items"][0])
    client.post_json(f"/api/v1/notifications/{inbox[0].pk}/read")
    assert client.get("/api/v1/notifications/unread-count").json() == {"count": 2}
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert unread["count"] == 2 and inbox[0].pk not in {i["id"] for i in unread["items"]}
    everything = client.get("/api/v1/notifications").json()["items"]
    assert everything[-1]["id"] == inbox[0].pk  # read ones last


def test_bad_paging_is_422(api_client: Any, rep_east: Any) -> None:
    r = api_client(rep_east).get("/api/v1/notifications?page=0&unread=maybe")
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"


def test_read_another_users_notification_is_404(
    api_client: Any, rep_east: Any, admin: Any, rep_west: Any, inbox: list
) -> None:
    west = Notification.objects.get(recipient=rep_west)
    for user in (rep_east, admin):
        r = api_client(user).post_json(f"/api/v1/notifications/{west.pk}/read")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    west.refresh_from_db()
    assert west.read_at is None
    r = api_client(rep_west).post_json(f"/api/v1/notifications/{west.pk}/read")
    assert r.status_code == 200 and r.json()["read_at"]


def test_read_all(api_client: Any, rep_east: Any, rep_west: Any, inbox: list) -> None:
    r = api_client(rep_east).post_json("/api/v1/notifications/read-all")
    assert r.json() == {"marked": 3}
    assert api_client(rep_west).get("/api/v1/notifications/unread-count").json()["count"] == 1


def test_preferences_with_version(api_client: Any, rep_east: Any) -> None:
    client = api_client(rep_east)
    pref = client.get("/api/v1/notifications/preferences").json()
    assert pref == {"email_enabled": True, "has_email": bool(rep_east.email), "version": 1}
    r = client.put_json("/api/v1/notifications/preferences", {"email_enabled": False, "version": 1})
    assert r.status_code == 200 and r.json()["email_enabled"] is False
    r = client.put_json("/api/v1/notifications/preferences", {"email_enabled": True, "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    stale = client.put_json(
        "/api/v1/notifications/preferences", {"email_enabled": False, "version": 1}
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale_version"
    bad = client.put_json("/api/v1/notifications/preferences", {"email_enabled": "x"})
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {
        "email_enabled",
        "version",
    }


def test_reminder_runs_for_admins_only(api_client: Any, admin: Any, leader: Any) -> None:
    from datetime import date

    ReminderRun.objects.create(day=date(2026, 11, 30), errors=[{"where": "job", "error": "x"}])
    body = api_client(admin).get("/api/v1/reminder-runs").json()
    assert body["count"] == 1 and body["items"][0]["errors"] == [{"where": "job", "error": "x"}]
    r = api_client(leader).get("/api/v1/reminder-runs")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


def test_anonymous_is_401(api_client: Any) -> None:
    r = api_client(None).get("/api/v1/notifications/unread-count")
    assert r.status_code == 401
