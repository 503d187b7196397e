"""Pages: the bell in the shell and its count, the inbox (unread first, pages, empty state,
read marks, open), the delivery preference (stale version → message), the run log."""

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.system import services
from crm.system.models import Notification, NotificationPreference, ReminderRun

pytestmark = pytest.mark.usefixtures("demo_once")


def _notify(user: Any, n: int) -> list[Notification]:
    made = [
        services.notify(user=user, key=f"k{i}", title=f"提醒 {i}", url=f"/sales/?n={i}")
        for i in range(n)
    ]
    return [m for m in made if m is not None]


def test_shell_has_the_bell_and_it_costs_no_query(page_client: Any, rep_east: Any) -> None:
    client = page_client(rep_east)
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    _notify(rep_east, 3)
    with CaptureQueriesContext(connection) as after:
        home = client.get("/")
    assert 'id="bell"' in home.content.decode() and 'hx-get="/notifications/bell/"' in (
        home.content.decode()
    )
    assert len(after) == len(before)


def test_bell_count(page_client: Any, rep_east: Any) -> None:
    client = page_client(rep_east)
    assert b"badge" not in client.get("/notifications/bell/").content
    _notify(rep_east, 3)
    r = client.get("/notifications/bell/")
    assert r.status_code == 200 and 'data-count="3"' in r.content.decode()


def test_inbox_unread_first_and_paged(page_client: Any, rep_east: Any) -> None:
    made = _notify(rep_east, 25)
    services.notification_mark_read(notification=made[-1])
    client = page_client(rep_east)
    body = client.get("/notifications/").content.decode()
    assert "提醒 23" in body and "提醒 24" not in body  # read one is last, on page 2
    assert "25 条记录" in body or "25 records" in body
    assert "提醒 24" in client.get("/notifications/?page=2").content.decode()
    assert client.get("/notifications/?page=x").status_code == 200
    unread = client.get("/notifications/?unread=1").content.decode()
    assert 'data-unread="0"' not in unread


def test_inbox_queries_do_not_grow_with_rows(page_client: Any, rep_east: Any) -> None:
    client = page_client(rep_east)
    _notify(rep_east, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/notifications/")
    Notification.objects.all().delete()
    _notify(rep_east, 20)
    with CaptureQueriesContext(connection) as many:
        client.get("/notifications/")
    assert len(many) == len(few)


def test_empty_states(page_client: Any, rep_east: Any) -> None:
    client = page_client(rep_east)
    assert 'id="notification-empty"' in client.get("/notifications/").content.decode()
    assert "没有未读通知" in client.get("/notifications/?unread=1").content.decode()


def test_mark_read_open_and_read_all(page_client: Any, rep_east: Any, rep_west: Any) -> None:
    made = _notify(rep_east, 3)
    west = services.notify(user=rep_west, key="w", title="西区")
    assert west is not None
    client = page_client(rep_east)
    r = client.post(f"/notifications/{made[0].pk}/read/", {"next": "/notifications/?unread=1"})
    assert r.status_code == 302 and r.url == "/notifications/?unread=1"
    r = client.post(f"/notifications/{made[1].pk}/read/", {"open": "1"})
    assert r.status_code == 302 and r.url == "/sales/?n=1"
    r = client.post(f"/notifications/{made[2].pk}/read/", {"next": "https://evil.example/"})
    assert r.url == "/notifications/"
    assert not Notification.objects.filter(recipient=rep_east, read_at__isnull=True).exists()
    assert client.post(f"/notifications/{west.pk}/read/").status_code == 404
    assert client.get(f"/notifications/{made[0].pk}/read/").status_code == 405
    services.notify(user=rep_east, key="x", title="又一条")
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=rep_east, read_at__isnull=True).exists()
    west.refresh_from_db()
    assert west.read_at is None


def test_preferences_page(page_client: Any, rep_east: Any) -> None:
    client = page_client(rep_east)
    page = client.get("/notifications/settings/").content.decode()
    assert 'value="email"' in page and 'id="no-email"' in page  # demo users have no address
    r = client.post("/notifications/settings/", {"delivery": "app", "version": 1})
    assert r.status_code == 302
    assert NotificationPreference.objects.get(user=rep_east).email_enabled is False
    r = client.post("/notifications/settings/", {"delivery": "email", "version": 1})
    assert r.status_code == 302  # the first save made version 1; this one makes 2
    stale = client.post("/notifications/settings/", {"delivery": "app", "version": 1})
    assert stale.status_code == 409 and "其他人已修改" in stale.content.decode()
    assert NotificationPreference.objects.get(user=rep_east).email_enabled is True
    bad = client.post("/notifications/settings/", {"delivery": "fax", "version": "x"})
    assert bad.status_code == 422


def test_run_log_page(page_client: Any, admin: Any, leader: Any) -> None:
    ReminderRun.objects.create(
        day=date(2026, 11, 30), errors=[{"where": "source:x", "error": "坏了"}]
    )
    body = page_client(admin).get("/notifications/runs/").content.decode()
    assert "2026-11-30" in body and "坏了" in body
    assert page_client(leader).get("/notifications/runs/").status_code == 403
