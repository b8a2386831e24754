"""Login throttling per account and address: a growing delay, never a lock-out.

A hard lock after five failures lets anyone lock the Secretariat out by typing wrong passwords from
anywhere. Here failures are counted per (e-mail, client address) pair: after ``free_attempts`` failures
that pair must wait 2, 4, 8 ... seconds (at most ``max_delay_seconds``) between tries, while the owner,
from their own address, is not slowed at all. The answer is the same whether the account exists or
not. Counters live in Redis under hashes of the e-mail and the address (no personal data in keys) and
expire on their own.
"""

from __future__ import annotations

import hashlib
import time

from redis import Redis


class LoginThrottle:
    def __init__(
        self, redis: Redis | None, prefix: str, *, free_attempts: int = 5, max_delay_seconds: int = 900
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.free_attempts = free_attempts
        self.max_delay_seconds = max_delay_seconds

    def wait_seconds(self, email: str, address: str, *, now: float | None = None) -> int:
        """How long this pair must still wait before its next try (0: it may try now)."""
        if self.redis is None:
            return 0
        count, last = self.redis.hmget(self._key(email, address), "count", "last")
        if count is None or last is None:
            return 0
        delay = self.delay_after(int(count))
        remaining = float(last) + delay - (time.time() if now is None else now)
        return max(0, int(remaining + 0.999))

    def delay_after(self, failures: int) -> int:
        if failures < self.free_attempts:
            return 0
        return int(min(2 ** (failures - self.free_attempts + 1), self.max_delay_seconds))

    def failed(self, email: str, address: str, *, now: float | None = None) -> None:
        if self.redis is None:
            return
        key = self._key(email, address)
        with self.redis.pipeline() as pipe:
            pipe.hincrby(key, "count", 1)
            pipe.hset(key, "last", repr(time.time() if now is None else now))
            pipe.expire(key, self.max_delay_seconds * 2)
            pipe.execute()

    def succeeded(self, email: str, address: str) -> None:
        if self.redis is not None:
            self.redis.delete(self._key(email, address))

    def _key(self, email: str, address: str) -> str:
        digest = hashlib.sha256(f"{email.strip().lower()}\n{address}".encode()).hexdigest()[:32]
        return f"{self.prefix}:login-delay:{digest}"
