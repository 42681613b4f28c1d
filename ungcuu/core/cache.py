"""The shared cache on Redis, as Django's own backend, with its Redis clients kept.

Django makes a new ``redis.Redis`` for every cache call (the connection comes from a
kept pool, but the client object with its table of reply handlers is built each time):
about a tenth of a millisecond, and every report asks the cache. A client is safe to
share between threads, so one is kept per connection pool."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _KeptClients(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _KeptClients
