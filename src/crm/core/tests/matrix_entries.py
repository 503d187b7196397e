"""The jobs endpoint and page in the access matrix (see crm.testing.matrix).

A job belongs to the user who started it: here mgr_west. Everyone else — administrators
included — gets 404.
"""

from typing import Any

from crm.core.jobs import job_enqueue, register
from crm.core.models import Job
from crm.core.modules import Action, Module
from crm.testing.matrix import api, page, roles


def _noop(job: Job, progress: Any) -> dict[str, Any]:
    return {}


register("matrix.noop", _noop)


def west_job(users: Any) -> Job:
    return job_enqueue(kind="matrix.noop", payload={}, user=users["mgr_west"])


api(
    "job detail",
    "GET",
    "/api/v1/jobs/{id}",
    module=Module.SYSTEM.value,
    action=Action.VIEW.value,
    allowed=roles("mgr_west"),
    target=west_job,
)
page(
    "job detail",
    "GET",
    "/jobs/{id}/",
    module=Module.SYSTEM.value,
    action=Action.VIEW.value,
    allowed=roles("mgr_west"),
    target=west_job,
)
