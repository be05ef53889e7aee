"""Django's Redis cache, keeping one client per connection pool, and reads that survive Redis.

The stock client builds a new redis.Redis for every operation, and each one
copies redis-py's table of ~170 response callbacks: about 0.15 ms per cache call,
a tenth of a home feed request's CPU. A redis.Redis is safe to share between
threads (connections come from its pool), so one per pool is enough.

When Redis does not answer, reads miss and writes are skipped, so pages and feeds
are served from the database (slower, no errors). Deletes still fail: a lost
invalidation would later serve a stale follow list or a logged-out session, so the
write that needed it fails and rolls back instead.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import RedisError

log = logging.getLogger(__name__)


class ReusingRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class VitrinaRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def get_master_client(self):
        """The shared redis.Redis (and its pool) for django-rq's queues (RQ_QUEUES' USE_REDIS_CACHE):
        with a URL instead, django-rq opens a new connection for every job enqueued."""
        return self._cache.get_client(write=True)

    def _unavailable(self, exc: RedisError, what: str) -> None:
        log.warning("cache %s skipped, Redis did not answer: %s", what, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._unavailable(exc, "read")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            self._unavailable(exc, "read")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as exc:
            self._unavailable(exc, "read")
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._unavailable(exc, "write")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            self._unavailable(exc, "write")
            return list(data)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:
            self._unavailable(exc, "write")
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            self._unavailable(exc, "write")
            return delta
