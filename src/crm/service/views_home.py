"""The service home page (an agent's day): filled in by the service-home work."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm.core.access import require
from crm.core.modules import Action, Module
from crm.web.pages import page_view


@page_view
def service_home(request: HttpRequest) -> HttpResponse:
    require(request.user, Module.SERVICE, Action.VIEW)
    return render(request, "service/home.html", {})
