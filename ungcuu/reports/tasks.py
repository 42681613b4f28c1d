"""Background work: building a large report."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from ungcuu.reports import services


@db_task(retries=0)
def build_report(job_id: int) -> str:
    return services.report_job_run(job_id)
