"""The site's settings plus the bench's bare views (bench/bare_views.py) under /bench/.

Used only by bench/api_http.py: the site itself never mounts them.
"""

from sites.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# A failed request's traceback on the console: the site itself mails errors to the administrators.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
