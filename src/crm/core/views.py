"""The job page: progress while a job runs (htmx polls it), its result when it is done."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from crm.web.pages import page_view

from .jobs import job_get_for_user, kind_of


@page_view
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_get_for_user(user=request.user, pk=pk)
    spec = kind_of(job)
    context = {
        "job": job,
        "result": job.result,
        "result_template": spec.result_template if spec else "",
    }
    if spec and spec.context and job.is_finished:
        context |= spec.context(job)
    if request.headers.get("HX-Request"):
        return render(request, "core/_job.html", context)
    return render(request, "core/job.html", context)
