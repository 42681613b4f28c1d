"""The shared cache on Redis (as at scale): Django's backend with its clients kept."""

from __future__ import annotations

import threading
import uuid

import pytest

from ungcuu.core.cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def shared():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer on {REDIS_URL}: {exc}")
    return RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}"})


def test_the_cache_keeps_one_redis_client_and_still_works_from_many_threads(shared):
    assert shared.add("mark", 1, timeout=5)
    assert not shared.add("mark", 2, timeout=5)  # a pass already queued: no second one
    assert shared.get("mark") == 1
    client = shared._cache.get_client(write=True)
    assert shared._cache.get_client(write=True) is client

    def count():
        for _ in range(50):
            shared.incr("calls")

    shared.set("calls", 0, timeout=5)
    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shared.get("calls") == 200
    shared.delete("mark")
    assert shared.get("mark") is None
