"""A Redis database number of its own for each test stack, on the machine's Redis."""

from __future__ import annotations

REDIS_URL = "redis://127.0.0.1:6379"
REDIS_LOCK_KEY = "newswatch:test-stack"  # held in the claimed database while a stack uses it


class RedisUnavailable(AssertionError):
    pass


def redis_available(url: str = REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


class RedisDatabase:
    """One Redis database number for one stack: an empty one, claimed with SET NX so two test
    runs on one machine (several engineers, CI) never share a broker queue."""

    def __init__(self, token: str, url: str = REDIS_URL, ttl_s: int = 3 * 3600) -> None:
        import redis

        self.token = token
        server = redis.Redis.from_url(url, socket_connect_timeout=2)
        try:
            count = int(server.config_get("databases").get("databases", 16))
        except redis.RedisError:  # CONFIG may be renamed away on a managed server
            count = 16
        for number in range(1, count):  # 0 is everyone's default: leave it alone
            client = redis.Redis.from_url(f"{url}/{number}", socket_connect_timeout=2)
            if client.dbsize() == 0 and client.set(REDIS_LOCK_KEY, token, nx=True, ex=ttl_s):
                self.number, self.client, self.url = number, client, f"{url}/{number}"
                return
        raise RedisUnavailable(f"no empty Redis database on {url} (tried 1..{count - 1})")

    def release(self) -> None:
        if self.client.get(REDIS_LOCK_KEY) == self.token.encode():
            self.client.flushdb()  # the Celery queues and bindings of this stack, and the lock
