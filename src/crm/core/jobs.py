"""Background jobs, minimal: a Job row holds the state, a handler does the work.

`job_enqueue(kind=, payload=, user=)` saves a queued Job. With `CRM_JOBS_INLINE` (the tests)
the job runs at once; otherwise a daemon thread runs it after the caller's transaction
commits, so the request returns immediately and the page polls `/jobs/<id>/`. Handlers are
registered by kind (apps do it in `ready()`), take the job and a `progress(done, total)`
callback, and return the result dict; raising `JobFailed` fails the job with a message and a
result (an import's row errors). See docs/decisions/0003-jobs.md for why a thread and how
this maps to django-tasks later.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .access import get_in_scope
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Handler = Callable[[Job, Progress], dict[str, Any]]


class JobFailed(Exception):
    """A handler's expected failure: `message` for the user, `result` kept on the job."""

    def __init__(self, message: Any, result: dict[str, Any] | None = None) -> None:
        self.message = message
        self.result = result or {}
        super().__init__(str(message))


@dataclass(frozen=True)
class JobKind:
    kind: str
    handler: Handler
    # Template that shows a finished job's result on the job page (gets `job`, `result`
    # and what `context(job)` returns).
    result_template: str = ""
    context: Callable[[Job], dict[str, Any]] | None = None


_KINDS: dict[str, JobKind] = {}


def register(
    kind: str,
    handler: Handler,
    *,
    result_template: str = "",
    context: Callable[[Job], dict[str, Any]] | None = None,
) -> None:
    _KINDS[kind] = JobKind(kind, handler, result_template, context)


def kind_of(job: Job) -> JobKind | None:
    return _KINDS.get(job.kind)


# Housekeeping tasks of other apps (removing old uploads…): () -> number of things removed.
_HOUSEKEEPERS: dict[str, Callable[[], int]] = {}


def register_housekeeper(name: str, task: Callable[[], int]) -> None:
    _HOUSEKEEPERS[name] = task


def fail_interrupted(now: Any = None) -> int:
    """Fail the jobs that cannot still be running: their thread died with its process (a
    restart) if they have been queued or running longer than CRM_JOB_TIMEOUT_MINUTES."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.CRM_JOB_TIMEOUT_MINUTES)
    finished = {
        "status": JobStatus.FAILED,
        "error": str(_("The job was interrupted (the server restarted); start it again.")),
        "finished_at": now or timezone.now(),
    }
    running = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff)
    queued = Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff)
    return running.update(**finished) + queued.update(**finished)


def housekeep() -> dict[str, int]:
    """Fail interrupted jobs and run every app's housekeeper (`crm run` and
    `crm manage housekeep` call it; safe to run any time, from several machines)."""
    done = {"interrupted jobs": fail_interrupted()}
    for name, task in sorted(_HOUSEKEEPERS.items()):
        done[name] = task()
    return done


def job_enqueue(*, kind: str, payload: dict[str, Any], user: Any) -> Job:
    """Save a queued job and have it run (now, or in a thread once the caller commits)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    # The handler speaks the language of the request that started it (messages it stores).
    payload = {**payload, "language": translation.get_language()}
    job = Job.objects.create(kind=kind, payload=payload, created_by=user)
    if settings.CRM_JOBS_INLINE:
        job_run(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _start_thread(job.pk))
    return job


def _start_thread(pk: int) -> None:
    threading.Thread(target=_run_in_thread, args=(pk,), name=f"crm-job-{pk}", daemon=True).start()


def _run_in_thread(pk: int) -> None:
    try:
        job_run(pk)
    finally:
        connections.close_all()  # this thread's connections; nobody else closes them


_PROGRESS_EVERY = 0.5  # seconds between progress writes


def job_run(pk: int) -> None:
    """Run a queued job to its end. Claiming it is one UPDATE, so a job never runs twice."""
    claimed = Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if claimed != 1:
        return
    job = Job.objects.get(pk=pk)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        # Throttled; written outside any transaction of the handler's, so a poll sees it.
        now = timezone.now().timestamp()
        if now - last[0] >= _PROGRESS_EVERY or done >= total:
            last[0] = now
            Job.objects.filter(pk=pk).update(done=done, total=total)

    finished: dict[str, Any]
    try:
        spec = _KINDS[job.kind]
        with translation.override(job.payload.get("language")):
            result = spec.handler(job, progress)
        finished = {"status": JobStatus.SUCCEEDED, "result": result, "error": ""}
    except JobFailed as exc:
        finished = {"status": JobStatus.FAILED, "result": exc.result, "error": str(exc.message)}
    except Exception:
        logger.exception("job %s (%s) failed", pk, job.kind)
        finished = {
            "status": JobStatus.FAILED,
            "error": str(_("The job stopped because of an internal error.")),
        }
    finished["finished_at"] = timezone.now()
    Job.objects.filter(pk=pk).update(**finished)


def jobs_for_user(user: Any) -> Any:
    """A user's own jobs (nobody sees another's, administrators included)."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(created_by=user.pk)


def job_get_for_user(*, user: Any, pk: Any) -> Job:
    job = get_in_scope(jobs_for_user(user), pk)
    if not job.is_finished and fail_interrupted():
        job.refresh_from_db()  # a poll of a job that died with its process ends the wait
    return job
