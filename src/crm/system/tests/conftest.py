"""Fixtures of the notification tests: a real SMTP server on loopback (aiosmtpd) and a
reminder source registered for the test only."""

import socket
from collections.abc import Callable, Iterator
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from crm.system import reminders
from crm.system.reminders import Reminder, register_source, unregister_source


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """aiosmtpd handler: keeps each message; `refuse` makes the server answer 554."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "554 5.0.0 Transaction failed"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on a free loopback port; the settings send mail to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 5
    settings.CRM_BASE_URL = "http://crm.test"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def no_smtp(settings: Any) -> None:
    """Mail goes to a loopback port where nothing listens (connection refused)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def source(monkeypatch: Any) -> Iterator[Callable[..., list[Reminder]]]:
    """`source(*reminders, name="test")` registers a source returning them (any day);
    `source(fn, name=...)` registers a function. The other apps' sources are set aside for
    the test, so it sees only its own."""
    monkeypatch.setattr(reminders, "_sources", {})
    names: list[str] = []

    def add(*items: Any, name: str = "test") -> list[Reminder]:
        if len(items) == 1 and callable(items[0]):
            register_source(name, items[0])
        else:
            fixed = list(items)

            def fn(day: date) -> list[Reminder]:
                return fixed

            register_source(name, fn)
        names.append(name)
        return list(items)

    yield add
    for name in names:
        unregister_source(name)


@pytest.fixture
def mailable(rep_east: Any, mgr_east: Any) -> tuple[Any, Any]:
    """Two east users with e-mail addresses."""
    rep_east.email = "rep_east_1@example.com"
    rep_east.save(update_fields=["email"])
    mgr_east.email = "mgr_east@example.com"
    mgr_east.save(update_fields=["email"])
    return rep_east, mgr_east
