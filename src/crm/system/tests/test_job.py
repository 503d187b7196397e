"""The daily reminder job against a real SMTP server on loopback: digests, idempotency,
opt-out, failures (SMTP refusing, server down, a broken source), dry run, the command."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from crm.system import services
from crm.system.job import MAX_EMAIL_ATTEMPTS, run_reminders
from crm.system.models import EmailState, Notification, ReminderRun, RunStatus
from crm.system.reminders import Reminder

pytestmark = pytest.mark.usefixtures("demo_once")

DAY = date(2026, 11, 30)


def _overdue(user: Any, n: int = 1, **kw: Any) -> Reminder:
    return Reminder(
        user_id=user.pk,
        key=f"receivable-overdue:INV{n:06d}",
        title=f"应收款逾期 INV{n:06d}",
        body="金额 ¥12,000.00",
        url=f"/orders/{n}/",
        due=DAY - timedelta(days=3),
        **kw,
    )


def test_digest_arrives_once_per_recipient(smtp: Any, source: Any, mailable: Any) -> None:
    # given two reminders for the rep, one for the manager
    rep, mgr = mailable
    source(_overdue(rep, 1), _overdue(rep, 2), _overdue(mgr, 3))
    # when
    out = run_reminders(day=DAY)
    # then one digest each, with the count in the Chinese subject and absolute links
    assert out.ok and out.created == 3 and out.emails_sent == 2
    [to_rep] = smtp.to("rep_east_1@example.com")
    assert to_rep["Subject"].strip() == "客户关系管理系统 · 今日提醒 (2)"
    text = to_rep.get_body(("plain",)).get_content()
    html = to_rep.get_body(("html",)).get_content()
    assert "应收款逾期 INV000001" in text and "http://crm.test/orders/2/" in text
    assert 'href="http://crm.test/orders/1/"' in html
    assert len(smtp.to("mgr_east@example.com")) == 1
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
    run = ReminderRun.objects.get()
    assert run.status == RunStatus.SUCCEEDED and run.finished_at is not None
    assert (run.reminders, run.created, run.emails_sent) == (3, 3, 2)
    assert run.per_source == {"test": {"reminders": 3, "created": 3}}


def test_content_is_escaped_in_html(smtp: Any, source: Any, mailable: Any) -> None:
    rep, _mgr = mailable
    source(Reminder(user_id=rep.pk, key="x:1", title="<script>alert(1)</script>", body="a & b"))
    run_reminders(day=DAY)
    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "a &amp; b" in html


def test_running_twice_delivers_nothing_twice(smtp: Any, source: Any, mailable: Any) -> None:
    rep, mgr = mailable
    source(_overdue(rep, 1), _overdue(mgr, 2, period="daily"))
    first = run_reminders(day=DAY)
    second = run_reminders(day=DAY)
    assert (first.created, first.emails_sent) == (2, 2)
    assert (second.created, second.duplicates, second.emails_sent) == (0, 2, 0)
    assert Notification.objects.count() == 2 and len(smtp.messages) == 2
    # the next day only the daily nag comes again
    third = run_reminders(day=DAY + timedelta(days=1))
    assert (third.created, third.duplicates) == (1, 1)
    assert Notification.objects.filter(recipient=mgr).count() == 2


def test_same_key_from_the_job_and_an_event_is_one_notification(
    smtp: Any, source: Any, mailable: Any
) -> None:
    rep, _mgr = mailable
    services.notify(user=rep, key="receivable-overdue:INV000001", title="已提醒")
    source(_overdue(rep, 1))
    out = run_reminders(day=DAY)
    assert (out.created, out.duplicates, out.emails_sent) == (0, 1, 0)


def test_opted_out_and_no_address_get_no_mail(
    smtp: Any, source: Any, mailable: Any, rep_west: Any
) -> None:
    rep, mgr = mailable
    services.preference_set(user=mgr, email_enabled=False, version=1, actor=mgr)
    source(_overdue(rep, 1), _overdue(mgr, 2), _overdue(rep_west, 3))
    out = run_reminders(day=DAY)
    assert out.ok and out.created == 3 and out.emails_sent == 1
    assert [m["To"] for m in smtp.messages] == ["rep_east_1@example.com"]
    states = dict(Notification.objects.values_list("recipient", "email_state"))
    assert states == {
        rep.pk: EmailState.SENT,
        mgr.pk: EmailState.SKIPPED,
        rep_west.pk: EmailState.SKIPPED,
    }


def test_smtp_refusing_keeps_notifications_and_fails_the_run(
    smtp: Any, source: Any, mailable: Any
) -> None:
    # given a server that refuses every message
    rep, mgr = mailable
    source(_overdue(rep, 1), _overdue(mgr, 2))
    smtp.refuse = True
    # when the command runs, then it exits non-zero
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", DAY.isoformat())
    # and the notifications are there, unsent, waiting for the next run
    assert Notification.objects.count() == 2
    assert set(Notification.objects.values_list("email_state", "email_attempts")) == {
        (EmailState.PENDING, 1)
    }
    run = ReminderRun.objects.get()
    assert run.status == RunStatus.FAILED and run.email_failures == 2 and run.emails_sent == 0
    assert {e["where"] for e in run.errors} == {f"email:{rep.pk}", f"email:{mgr.pk}"}
    assert run.finished_at is not None
    # when the server works again, the next run sends what waited, once
    smtp.refuse = False
    out = run_reminders(day=DAY)
    assert out.ok and out.created == 0 and out.emails_sent == 2 and len(smtp.messages) == 2


def test_gives_up_after_the_last_attempt(smtp: Any, source: Any, mailable: Any) -> None:
    rep, _mgr = mailable
    source(_overdue(rep, 1))
    smtp.refuse = True
    for _ in range(MAX_EMAIL_ATTEMPTS + 1):
        run_reminders(day=DAY)
    n = Notification.objects.get()
    assert (n.email_state, n.email_attempts) == (EmailState.FAILED, MAX_EMAIL_ATTEMPTS)
    assert ReminderRun.objects.filter(email_failures=1).count() == MAX_EMAIL_ATTEMPTS


def test_server_down_stops_after_the_first_failure(
    no_smtp: Any, source: Any, mailable: Any
) -> None:
    rep, mgr = mailable
    source(_overdue(rep, 1), _overdue(mgr, 2))
    out = run_reminders(day=DAY)
    assert not out.ok and out.created == 2 and out.email_failures == 1
    assert any("not tried" in e["error"] for e in out.errors)
    assert Notification.objects.filter(email_state=EmailState.PENDING).count() == 2


def test_a_broken_source_does_not_stop_the_others(smtp: Any, source: Any, mailable: Any) -> None:
    rep, _mgr = mailable

    def broken(day: date) -> list[Reminder]:
        raise RuntimeError("database of the other app is gone")

    source(broken, name="broken")
    source(_overdue(rep, 1), name="good")
    out = run_reminders(day=DAY)
    assert not out.ok and out.created == 1 and out.emails_sent == 1
    assert out.errors[0]["where"] == "source:broken"
    assert ReminderRun.objects.get().status == RunStatus.FAILED


def test_bad_reminders_are_reported_and_skipped(smtp: Any, source: Any, mailable: Any) -> None:
    rep, _mgr = mailable
    source(
        Reminder(user_id=rep.pk, key="a", title="好", url="https://evil.example/"),
        Reminder(user_id=rep.pk, key="b", title=" "),
        Reminder(user_id=2**40, key="c", title="无此人"),
        "not a reminder",  # type: ignore[arg-type]
        Reminder(user_id=rep.pk, key="d", title="x" * 500),
    )
    out = run_reminders(day=DAY)
    assert out.created == 1 and len(out.errors) == 4
    assert len(Notification.objects.get(key="d").title) == 200


def test_reminder_checks_its_period() -> None:
    with pytest.raises(ValueError, match="period"):
        Reminder(user_id=1, key="k", title="t", period="weekly")
    with pytest.raises(ValueError, match="user_id"):
        Reminder(user_id=None, key="k", title="t")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="key"):
        Reminder(user_id=1, key="", title="t")


def test_dry_run_writes_and_sends_nothing(smtp: Any, source: Any, mailable: Any) -> None:
    rep, mgr = mailable
    source(_overdue(rep, 1), _overdue(mgr, 2))
    services.notify(user=rep, key="receivable-overdue:INV000001", title="已提醒")
    call_command("send_reminders", "--date", DAY.isoformat(), "--dry-run")
    out = run_reminders(day=DAY, dry_run=True)
    assert (out.created, out.duplicates) == (1, 1)
    assert Notification.objects.count() == 1 and not ReminderRun.objects.exists()
    assert not smtp.messages


def test_command_rejects_a_bad_date() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "30/11/2026")


def test_command_reports_counts(smtp: Any, source: Any, mailable: Any, capsys: Any) -> None:
    rep, _mgr = mailable
    source(_overdue(rep, 1))
    call_command("send_reminders", "--date", DAY.isoformat())
    printed = capsys.readouterr().out
    assert "test: 1 found, 1 new" in printed and "e-mails sent: 1" in printed


def test_sources_run_in_the_site_language(smtp: Any, source: Any, mailable: Any) -> None:
    from django.utils.translation import get_language

    rep, _mgr = mailable
    seen: list[str] = []

    def fn(day: date) -> list[Reminder]:
        seen.append(get_language())
        return []

    source(fn)
    from django.utils import translation

    with translation.override("en"):
        run_reminders(day=DAY)
    assert seen == ["zh-hans"]
