"""Login throttling grows per account and address and never locks the owner out (real Redis)."""

from intake.accounts.throttle import LoginThrottle


def throttle(redis_conn, settings) -> LoginThrottle:
    return LoginThrottle(redis_conn, settings.queue_name, free_attempts=3, max_delay_seconds=60)


def test_after_the_free_attempts_the_pair_must_wait_longer_each_time(redis_conn, settings) -> None:
    t = throttle(redis_conn, settings)
    for _ in range(3):
        assert t.wait_seconds("a@x.test", "10.0.0.1", now=1000.0) == 0
        t.failed("a@x.test", "10.0.0.1", now=1000.0)
    assert t.wait_seconds("a@x.test", "10.0.0.1", now=1000.0) == 2
    t.failed("a@x.test", "10.0.0.1", now=1002.0)
    assert t.wait_seconds("a@x.test", "10.0.0.1", now=1002.0) == 4
    assert t.wait_seconds("a@x.test", "10.0.0.1", now=1006.0) == 0


def test_the_delay_is_capped(redis_conn, settings) -> None:
    t = throttle(redis_conn, settings)
    assert t.delay_after(2) == 0 and t.delay_after(3) == 2 and t.delay_after(50) == 60


def test_an_attacker_elsewhere_does_not_slow_the_owner(redis_conn, settings) -> None:
    t = throttle(redis_conn, settings)
    for _ in range(10):
        t.failed("secretariat@x.test", "203.0.113.9", now=1000.0)
    assert t.wait_seconds("secretariat@x.test", "203.0.113.9", now=1000.0) > 0
    assert t.wait_seconds("secretariat@x.test", "10.0.0.5", now=1000.0) == 0


def test_a_success_clears_the_count_and_keys_hold_no_address_or_email(redis_conn, settings) -> None:
    t = throttle(redis_conn, settings)
    for _ in range(5):
        t.failed("b@x.test", "10.0.0.2", now=1000.0)
    keys = [k.decode() for k in redis_conn.scan_iter(match=f"{settings.queue_name}:login-delay:*")]
    assert keys and not any("b@x.test" in k or "10.0.0.2" in k for k in keys)
    t.succeeded("b@x.test", "10.0.0.2")
    assert t.wait_seconds("b@x.test", "10.0.0.2", now=1000.0) == 0


def test_an_attacker_with_many_addresses_still_slows_down_on_one_account(redis_conn, settings) -> None:
    t = throttle(redis_conn, settings)
    for n in range(3 * 4):  # free attempts x ACCOUNT_FACTOR, each from a fresh address
        assert t.wait_seconds("c@x.test", f"198.51.100.{n}", now=1000.0) == 0
        t.failed("c@x.test", f"198.51.100.{n}", now=1000.0)
    assert t.wait_seconds("c@x.test", "198.51.100.200", now=1000.0) == 2  # a new address waits too
