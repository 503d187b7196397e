"""API of background jobs: poll one of your own jobs."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from crm.api.schemas import ERRORS

from .jobs import job_get_for_user
from .models import JobStatus

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: JobStatus
    done: int
    total: int
    result: dict[str, Any]
    error: str


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS})
def job_detail(request: HttpRequest, job_id: int) -> Any:
    """One of the caller's jobs; another user's job is a 404."""
    job = job_get_for_user(user=request.user, pk=job_id)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "result": job.result,
        "error": job.error,
    }
