"""What every page view shares: domain errors shown the way a user expects, never a 500."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from crm.core.errors import DomainError, Forbidden, NotFound


def show_error(request: HttpRequest, exc: DomainError, form: forms.Form | None = None) -> None:
    """Field errors onto the form; everything else as a message at the top of the page."""
    placed = False
    if form is not None:
        for field, errors in exc.fields.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
                placed = True
    if not placed:
        messages.error(request, str(exc.message))


def form_message(form: forms.Form) -> str:
    """Every field's first error as one line, "Name: …; Other: …", for a form posted from
    another page (shown there as the error message). A hidden field (the version) only fails
    when the page is old."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if field is not None and field.widget.is_hidden:
            parts.append(_("Reload the page and try again."))
        elif field is not None:
            parts.append(f"{field.label}: {errors[0]}")
        else:
            parts.append(str(errors[0]))
    return "; ".join(dict.fromkeys(parts)) or _("Some fields are not valid.")


def back(request: HttpRequest, default: str = "home") -> HttpResponseBase:
    """Redirect to the page the user came from, if it is on this site."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(referer)
    return redirect(default)


def page_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; missing or out-of-scope → 404, not permitted → 403, any other
    domain error (conflict, stale version, bad input) → back where the user came from, with
    the message."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404() from None
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            # A service's field errors say what is wrong; the generic message does not.
            details = [str(m) for errors in exc.fields.values() for m in errors]
            messages.error(request, "; ".join(dict.fromkeys(details)) or str(exc.message))
            return back(request)

    return login_required(wrapped)


def confirm_delete(
    request: HttpRequest,
    obj: Any,
    *,
    question: str,
    cancel: str,
    delete: Callable[[], Any],
    done: str,
    then: str,
) -> HttpResponse:
    """GET: ask `question` (Delete / Cancel → `cancel`); POST: `delete()`, say `done`, go to
    `then`. The caller has already found `obj` in the user's scope and checked the right."""
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return redirect(then)
    return render(
        request,
        "web/confirm_delete.html",
        {"object": obj, "question": question, "cancel": cancel},
    )
