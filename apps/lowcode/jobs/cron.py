"""The RQ cron configuration: ``python manage.py rqcron apps.lowcode.jobs.cron`` (the Procfile's scheduler).

Importing it registers every app's ``scheduler_events`` (see scheduler.py) with RQ's cron scheduler.
"""

from rq import cron

from apps.lowcode.jobs.scheduler import run_scheduled_job, scheduled_jobs

for line, path in scheduled_jobs():
    cron.register(run_scheduled_job, queue_name="default", args=(path,), cron=line, name=path)
