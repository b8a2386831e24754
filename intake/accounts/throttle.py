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

#: the account alone (whatever the address) may fail this many times the free attempts before it slows
ACCOUNT_FACTOR = 4


class LoginThrottle:
    def __init__(
        self, redis: Redis | None, prefix: str, *, free_attempts: int = 5, max_delay_seconds: int = 900
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.free_attempts = free_attempts
        self.max_delay_seconds = max_delay_seconds

    def wait_seconds(self, email: str, address: str, *, now: float | None = None) -> int:
        """How long this pair must still wait before its next try (0: it may try now). The account alone
        is also counted, with ACCOUNT_FACTOR times the free attempts: an attacker with many addresses
        still slows down on one account, while its owner is only slowed by a sustained attack."""
        if self.redis is None:
            return 0
        moment = time.time() if now is None else now
        pair = self._remaining(self._key(email, address), self.free_attempts, moment)
        account = self._remaining(self._key(email, "*"), self.free_attempts * ACCOUNT_FACTOR, moment)
        return max(pair, account)

    def delay_after(self, failures: int, free: int | None = None) -> int:
        free = self.free_attempts if free is None else free
        if failures < free:
            return 0
        return int(min(2 ** (failures - free + 1), self.max_delay_seconds))

    def failed(self, email: str, address: str, *, now: float | None = None) -> None:
        if self.redis is None:
            return
        with self.redis.pipeline() as pipe:
            for key in (self._key(email, address), self._key(email, "*")):
                pipe.hincrby(key, "count", 1)
                pipe.hset(key, "last", repr(time.time() if now is None else now))
                pipe.expire(key, self.max_delay_seconds * 2)
            pipe.execute()

    def succeeded(self, email: str, address: str) -> None:
        if self.redis is not None:
            self.redis.delete(self._key(email, address), self._key(email, "*"))

    def _remaining(self, key: str, free: int, now: float) -> int:
        assert self.redis is not None
        count, last = self.redis.hmget(key, "count", "last")
        if count is None or last is None:
            return 0
        remaining = float(last) + self.delay_after(int(count), free) - now
        return max(0, int(remaining + 0.999))

    def _key(self, email: str, address: str) -> str:
        digest = hashlib.sha256(f"{email.strip().lower()}\n{address}".encode()).hexdigest()[:32]
        return f"{self.prefix}:login-delay:{digest}"
