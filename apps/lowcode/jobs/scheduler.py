"""Scheduled jobs, as Frappe's ``scheduler_events``: apps declare them in hooks.py, RQ's cron scheduler runs them.

    scheduler_events = {
        "hourly": ["dotted.path.to.function"],
        "daily": [...],
        "cron": {"0 8 * * *": [...]},  # the scheduler's local time
    }

``manage.py rqcron apps.lowcode.jobs.cron`` (the Procfile's ``scheduler``) registers each one with
RQ's cron scheduler, which puts it on the ``default`` queue when due; the ``rqworker`` runs it. A job
must be safe to run twice at once: two schedulers, or a run that outlasts the next, may overlap.
"""

from django.utils.module_loading import import_string

from apps.lowcode.doctype.events import app_hooks

FREQUENCIES = {"all": "*/4 * * * *", "hourly": "0 * * * *", "daily": "0 0 * * *", "weekly": "0 0 * * 0"}


def scheduled_jobs() -> list[tuple[str, str]]:
    """(cron line, dotted path) of every scheduled job of every installed app."""
    jobs = []
    for app, declared in app_hooks("scheduler_events"):
        for frequency, paths in declared.items():
            if frequency == "cron":
                jobs.extend((line, path) for line, cron_paths in paths.items() for path in cron_paths)
            elif frequency in FREQUENCIES:
                jobs.extend((FREQUENCIES[frequency], path) for path in paths)
            else:
                raise ValueError(f"{app}.hooks: unknown scheduler event {frequency!r}")
    return jobs


def run_scheduled_job(path: str):
    """What the worker runs: the job's function, by dotted path (a job enqueued before a deploy still resolves)."""
    return import_string(path)()
