"""The shared cache on Redis, which keeps the site working while Redis is down.

The cache holds what may be lost (login failure counts, the customisation stamp, a finished inline job's
record, an import's stashed upload). Django's Redis backend raises when Redis cannot be reached, and every
request reads the cache, so a stopped Redis would take the whole site down. This backend answers from a
cache of its own process instead until Redis is back: pages and the API keep working; what is counted
per process meanwhile (login lockouts) is counted per web process rather than across them.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY = 60.0  # seconds between two log lines about the same outage


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._warned = float("-inf")

    def _either(self, name: str, *args, **kwargs):
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            now = time.monotonic()
            if now - self._warned > WARN_EVERY:
                self._warned = now
                logger.warning("Redis cache unreachable (%s): using this process's own cache until it is back", exc)
            return getattr(self._local, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._either("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._either("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._either("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._either("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._either("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._either("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._either("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._either("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._either("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._either("delete_many", *args, **kwargs)

    def clear(self):
        return self._either("clear")
