"""Fixtures shared by the page tests: reading a CSRF token, logging a seeded account in."""

from __future__ import annotations

import re

import pytest


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def as_user(client, world):
    """``as_user("reviewer")`` logs that seeded account in through the login page; returns the client."""

    def do(who):
        account = world.accounts[who]
        token = csrf_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", data={"email": account.email, "password": account.password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do
