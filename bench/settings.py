"""The site's settings plus the bench's bare views (bench/bare_views.py) under /bench/.

Used only by bench/api_http.py: the site itself never mounts them.
"""

from sites.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
