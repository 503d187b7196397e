"""Background jobs: states, progress, failures, the thread runner, scoping to the owner."""

import threading
from typing import Any

import pytest

from crm.core import jobs
from crm.core.models import Job, JobStatus


def _count(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    n = job.payload["n"]
    for i in range(1, n + 1):
        progress(i, n)
    if job.payload.get("fail"):
        raise jobs.JobFailed("坏了", {"why": "test"})
    if job.payload.get("crash"):
        raise RuntimeError("boom")
    return {"counted": n}


jobs.register("test.count", _count)


def test_an_inline_job_runs_to_success_with_progress(demo: Any, rep_east: Any) -> None:
    job = jobs.job_enqueue(kind="test.count", payload={"n": 3}, user=rep_east)
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert job.result == {"counted": 3}
    assert job.started_at and job.finished_at


def test_a_failed_job_keeps_its_message_and_result(demo: Any, rep_east: Any) -> None:
    job = jobs.job_enqueue(kind="test.count", payload={"n": 1, "fail": True}, user=rep_east)
    assert job.status == JobStatus.FAILED
    assert job.error == "坏了"
    assert job.result == {"why": "test"}


def test_an_unexpected_error_fails_the_job_without_details(demo: Any, rep_east: Any) -> None:
    job = jobs.job_enqueue(kind="test.count", payload={"n": 1, "crash": True}, user=rep_east)
    assert job.status == JobStatus.FAILED
    assert "boom" not in job.error and job.error


def test_a_job_runs_only_once(demo: Any, rep_east: Any) -> None:
    job = jobs.job_enqueue(kind="test.count", payload={"n": 1}, user=rep_east)
    Job.objects.filter(pk=job.pk).update(result={})
    jobs.job_run(job.pk)  # already finished: nothing happens
    job.refresh_from_db()
    assert job.result == {}


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_starts_after_commit(settings: Any) -> None:
    from crm.org.demo import load_demo

    load_demo(password="Test-Pass-2026")
    from crm.org.models import User

    settings.CRM_JOBS_INLINE = False
    user = User.objects.get(username="rep_east_1")
    before = set(threading.enumerate())
    job = jobs.job_enqueue(kind="test.count", payload={"n": 2}, user=user)
    for thread in set(threading.enumerate()) - before:
        if thread.name == f"crm-job-{job.pk}":
            thread.join(timeout=10)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"counted": 2}


def test_jobs_are_seen_by_their_owner_only(
    demo: Any, rep_east: Any, admin: Any, api_client: Any, page_client: Any
) -> None:
    job = jobs.job_enqueue(kind="test.count", payload={"n": 2}, user=rep_east)
    res = api_client(rep_east).get(f"/api/v1/jobs/{job.pk}")
    assert res.status_code == 200
    assert res.json() == {
        "id": job.pk,
        "kind": "test.count",
        "status": "succeeded",
        "done": 2,
        "total": 2,
        "result": {"counted": 2},
        "error": "",
    }
    assert api_client(admin).get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert page_client(admin).get(f"/jobs/{job.pk}/").status_code == 404
    assert api_client(rep_east).get("/api/v1/jobs/999999").status_code == 404
    page = page_client(rep_east).get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="job-progress"' in page and "100%" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling


def test_a_running_job_page_polls(demo: Any, rep_east: Any, page_client: Any) -> None:
    job = Job.objects.create(
        kind="test.count", created_by=rep_east, status=JobStatus.RUNNING, done=1, total=4
    )
    page = page_client(rep_east).get(f"/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page and "25%" in page


# --- housekeeping ---------------------------------------------------------------------------


def _stuck(user: Any, status: str, minutes_ago: int) -> Job:
    from datetime import timedelta

    from django.utils import timezone

    then = timezone.now() - timedelta(minutes=minutes_ago)
    job = Job.objects.create(kind="test.count", status=status, created_by=user, payload={"n": 1})
    Job.objects.filter(pk=job.pk).update(created_at=then, started_at=then)
    return job


def test_jobs_interrupted_by_a_restart_are_failed_after_the_timeout(
    demo: Any, rep_east: Any, settings: Any
) -> None:
    settings.CRM_JOB_TIMEOUT_MINUTES = 60
    old_running = _stuck(rep_east, JobStatus.RUNNING, 90)
    old_queued = _stuck(rep_east, JobStatus.QUEUED, 90)
    recent = _stuck(rep_east, JobStatus.RUNNING, 10)
    assert jobs.fail_interrupted() == 2
    for job in (old_running, old_queued, recent):
        job.refresh_from_db()
    assert old_running.status == old_queued.status == JobStatus.FAILED
    assert old_running.error and old_running.finished_at
    assert recent.status == JobStatus.RUNNING


def test_polling_a_dead_job_shows_it_failed(demo: Any, rep_east: Any, settings: Any) -> None:
    settings.CRM_JOB_TIMEOUT_MINUTES = 60
    job = _stuck(rep_east, JobStatus.RUNNING, 61)
    polled = jobs.job_get_for_user(user=rep_east, pk=job.pk)
    assert polled.status == JobStatus.FAILED and polled.is_finished


def test_housekeep_removes_old_uploads_only(demo: Any, settings: Any, tmp_path: Any) -> None:
    import os
    import time

    from django.core.management import call_command

    settings.CRM_IMPORT_DIR = tmp_path
    settings.CRM_IMPORT_KEEP_HOURS = 24
    old, fresh = tmp_path / "old.csv", tmp_path / "fresh.csv"
    old.write_text("名称\n")
    fresh.write_text("名称\n")
    day_and_a_bit = time.time() - 25 * 3600
    os.utime(old, (day_and_a_bit, day_and_a_bit))
    out = __import__("io").StringIO()
    call_command("housekeep", stdout=out)
    assert not old.exists() and fresh.exists()
    assert "old import uploads: 1" in out.getvalue()
