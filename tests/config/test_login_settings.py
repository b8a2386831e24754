"""The login throttle's settings under their accurate names, the old (lock-out) names still read, and
SAFEPUB_REQUIRE_TOTP on by default in production only."""

from __future__ import annotations

import pytest

from config.settings import ConfigurationError, Settings

BASE = {"SAFEPUB_DATA_DIR": "/tmp/safepub-settings-test", "SECRET_KEY": "x" * 32}


def test_the_accurate_names_set_the_free_attempts_and_the_maximum_delay():
    s = Settings.from_env({**BASE, "SAFEPUB_LOGIN_FREE_ATTEMPTS": "7", "SAFEPUB_LOGIN_MAX_DELAY_MINUTES": "3"})
    assert (s.login_free_attempts, s.login_max_delay_minutes) == (7, 3)


def test_the_old_names_still_work_and_the_new_ones_win_when_both_are_set():
    old = Settings.from_env({**BASE, "SAFEPUB_LOGIN_MAX_FAILURES": "8", "SAFEPUB_LOCKOUT_MINUTES": "4"})
    assert (old.login_free_attempts, old.login_max_delay_minutes) == (8, 4)
    assert (old.login_max_failures, old.lockout_minutes) == (8, 4)  # the old attribute names too
    both = Settings.from_env({**BASE, "SAFEPUB_LOGIN_MAX_FAILURES": "8", "SAFEPUB_LOGIN_FREE_ATTEMPTS": "2"})
    assert both.login_free_attempts == 2
    with pytest.raises(ConfigurationError, match="SAFEPUB_LOCKOUT_MINUTES"):
        Settings.from_env({**BASE, "SAFEPUB_LOCKOUT_MINUTES": "soon"})


def test_a_second_factor_is_required_by_default_in_production_only():
    assert Settings.from_env(BASE).require_totp is False
    production = {**BASE, "SAFEPUB_ENV": "production", "SAFEPUB_SANDBOX": "rlimits"}
    assert Settings.from_env(production).require_totp is True
    assert Settings.from_env({**production, "SAFEPUB_REQUIRE_TOTP": "false"}).require_totp is False
    assert Settings.from_env({**BASE, "SAFEPUB_REQUIRE_TOTP": "true"}).require_totp is True
