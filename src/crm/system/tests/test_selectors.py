"""Reads of the inbox: own rows only, unread first, a constant number of queries."""

from typing import Any

import pytest
from django.http import Http404

from crm.core.errors import Forbidden, NotFound
from crm.system import selectors, services

pytestmark = pytest.mark.usefixtures("demo_once")


def test_unread_first_then_newest(rep_east: Any) -> None:
    old = services.notify(user=rep_east, key="old", title="旧")
    read = services.notify(user=rep_east, key="read", title="已读")
    new = services.notify(user=rep_east, key="new", title="新")
    assert old and read and new
    services.notification_mark_read(notification=read)
    assert [n.key for n in selectors.notification_list(rep_east)] == ["new", "old", "read"]
    assert [n.key for n in selectors.notification_list(rep_east, unread_only=True)] == [
        "new",
        "old",
    ]


def test_another_users_notification_is_not_found(rep_east: Any, rep_west: Any, admin: Any) -> None:
    n = services.notify(user=rep_west, key="a", title="甲")
    assert n is not None
    for user in (rep_east, admin):
        with pytest.raises((NotFound, Http404)):
            selectors.notification_get_for_user(user=user, pk=n.pk)
    assert selectors.notification_get_for_user(user=rep_west, pk=n.pk) == n


def test_runs_only_for_system_managers(admin: Any, leader: Any) -> None:
    assert list(selectors.runs_for_admin(admin)) == []
    with pytest.raises(Forbidden):
        selectors.runs_for_admin(leader)


def test_list_queries_do_not_grow(rep_east: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        services.notify(user=rep_east, key=f"k{i}", title=f"提醒 {i}")
    with django_assert_max_num_queries(1):
        list(selectors.notification_list(rep_east)[:20])
