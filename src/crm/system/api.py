"""API of notifications (SYS-7): the caller's own inbox, read marks, their delivery
preference; the reminder run log for system managers. Thin: selector/service → schema."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import StrictBool

from crm.api.schemas import (
    ERRORS,
    WRITE_ERRORS,
    InputSchema,
    PageNumber,
    PageOut,
    PageSize,
    page_out,
)
from crm.sales.schemas import Version

from . import selectors, services
from .models import EmailState, Notification, ReminderRun, RunStatus

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    key: str
    title: str
    body: str
    url: str
    due: date | None
    source: str
    created_at: datetime
    read_at: datetime | None
    email_state: EmailState


class UnreadCountOut(Schema):
    count: int


class ReadAllOut(Schema):
    marked: int


class NotificationPreferenceOut(Schema):
    email_enabled: bool
    has_email: bool
    version: int


class NotificationPreferenceIn(InputSchema):
    email_enabled: StrictBool
    version: Version


class ReminderRunOut(Schema):
    id: int
    day: date
    started_at: datetime
    finished_at: datetime | None
    status: RunStatus
    reminders: int
    created: int
    duplicates: int
    emails_sent: int
    email_failures: int
    per_source: dict[str, dict[str, int]]
    errors: list[dict[str, str]]


def notification_out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "key": n.key,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "due": n.due,
        "source": n.source,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "email_state": n.email_state,
    }


def _pref_out(user: Any) -> dict[str, Any]:
    pref = selectors.preference_for(user)
    return {
        "email_enabled": pref.email_enabled,
        "has_email": bool(user.email),
        "version": pref.version,
    }


@router.get("/notifications", response={200: PageOut[NotificationOut], **ERRORS})
def notification_list(
    request: HttpRequest, unread: bool = False, page: PageNumber = 1, page_size: PageSize = 20
) -> Any:
    """The caller's notifications, unread first, newest first."""
    qs = selectors.notification_list(request.user, unread_only=unread)
    return page_out(qs, page, page_size, notification_out)


@router.get("/notifications/unread-count", response={200: UnreadCountOut, **ERRORS})
def notification_unread_count(request: HttpRequest) -> Any:
    return {"count": selectors.unread_count(request.user)}


@router.post("/notifications/read-all", response={200: ReadAllOut, **WRITE_ERRORS})
def notification_read_all(request: HttpRequest) -> Any:
    return {"marked": services.notification_mark_all_read(user=request.user)}


@router.post(
    "/notifications/{notification_id}/read", response={200: NotificationOut, **WRITE_ERRORS}
)
def notification_read(request: HttpRequest, notification_id: int) -> Any:
    """Idempotent; another employee's notification is a 404."""
    n = selectors.notification_get_for_user(user=request.user, pk=notification_id)
    return notification_out(services.notification_mark_read(notification=n))


@router.get("/notifications/preferences", response={200: NotificationPreferenceOut, **ERRORS})
def notification_preferences(request: HttpRequest) -> Any:
    return _pref_out(request.user)


@router.put("/notifications/preferences", response={200: NotificationPreferenceOut, **WRITE_ERRORS})
def notification_preferences_put(request: HttpRequest, payload: NotificationPreferenceIn) -> Any:
    services.preference_set(
        user=request.user,
        email_enabled=payload.email_enabled,
        version=payload.version,
        actor=request.user,
    )
    return _pref_out(request.user)


@router.get("/reminder-runs", response={200: PageOut[ReminderRunOut], **ERRORS})
def reminder_run_list(request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 20) -> Any:
    """The daily job's log, newest first (system managers)."""
    return page_out(selectors.runs_for_admin(request.user), page, page_size, _run_out)


def _run_out(r: ReminderRun) -> dict[str, Any]:
    return {
        "id": r.pk,
        "day": r.day,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "status": r.status,
        "reminders": r.reminders,
        "created": r.created,
        "duplicates": r.duplicates,
        "emails_sent": r.emails_sent,
        "email_failures": r.email_failures,
        "per_source": r.per_source,
        "errors": r.errors,
    }
