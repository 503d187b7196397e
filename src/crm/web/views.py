from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm.core.access import get_access
from crm.core.modules import Action, Module, Scope
from crm.core.search import search_all

from .home import panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's own work first (panels the modules register in crm.web.home), then who
    they are and what they may do."""
    access = get_access(request.user)
    modules = [
        {
            "label": Module(m).label,
            "scope": Scope(grant.scope).label,
            "actions": [a.label for a in Action if a.value in grant.actions],
        }
        for m, grant in sorted(access.modules.items())
        if grant.actions
    ]
    panels = panels_for(request.user)
    return render(
        request,
        "web/home.html",
        {
            "panels": panels,
            "charts": any(p["context"].get("charts") for p in panels),
            "modules": modules,
            "specials": sorted(access.specials),
            "roles": request.user.roles.all(),  # type: ignore[union-attr]
        },  # type: ignore[union-attr]
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    # PostgreSQL cannot compare text holding NUL; a browser never sends one on purpose.
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    results = search_all(request.user, query)
    template = (
        "web/_search_results.html" if request.headers.get("HX-Request") else "web/search.html"
    )
    return render(request, template, {"q": query, "results": results})


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, plus the choice is kept on the employee's profile."""
    from django.views.i18n import set_language as django_set_language

    from crm.org.services import employee_set_language

    response = django_set_language(request)
    lang = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated:
        employee_set_language(user=request.user, language=lang)  # type: ignore[arg-type]
    return response
