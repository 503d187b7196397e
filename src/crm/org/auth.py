"""Sign-in with lockout, shared by the login page and the token endpoint; API tokens."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError

from .models import ApiToken, LoginAttempt, User


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    # The same words for an unknown user and a wrong password.
    default_message = _("The username or password is incorrect.")


class LockedOut(DomainError):
    status = 429
    code = "locked_out"
    default_message = _(
        "Too many failed sign-in attempts for this username. Try again in %(minutes)s minutes."
    )


def _window_start() -> Any:
    return timezone.now() - timedelta(minutes=settings.CRM_LOCKOUT_WINDOW_MINUTES)


def is_locked_out(username: str) -> bool:
    recent = LoginAttempt.objects.filter(username=username.lower(), at__gte=_window_start())
    last_success = recent.filter(success=True).order_by("-at").values_list("at", flat=True)[:1]
    failures = recent.filter(success=False)
    if last_success:
        failures = failures.filter(at__gt=last_success[0])
    return failures.count() >= settings.CRM_LOCKOUT_FAILURES


def sign_in(*, request: Any, username: str, password: str, source: str) -> User:
    """Return the user or raise InvalidCredentials / LockedOut; every try is recorded."""
    key = (username or "").strip().lower()[:150]
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    if is_locked_out(key):
        # Not recorded: the lock lifts a fixed time after the failures that caused it.
        raise LockedOut(
            LockedOut.default_message % {"minutes": settings.CRM_LOCKOUT_WINDOW_MINUTES}
        )
    user = authenticate(request, username=(username or "").strip(), password=password or "")
    LoginAttempt.objects.create(username=key, success=user is not None, source=source, ip=ip)
    if user is None:
        raise InvalidCredentials()
    return user  # type: ignore[return-value]


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:60], prefix=raw[:8], key_hash=_hash(raw))
    return token, raw


def token_authenticate(raw: str) -> User | None:
    """The active user behind a live token, or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
