"""Security headers, no inline script, secrets and cookie settings."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from retroduce.site import config


@pytest.mark.parametrize(
    "page", ["project", "protocol", "members", "history", "theory", "stakeholders"]
)
def test_pages_forbid_inline_script_and_carry_none(team, page):
    response = team.client("owner").get(reverse(page, args=[team.project.slug]))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+=", html), "inline event handler found"
    assert response["X-Frame-Options"] == "DENY"


def test_mutating_form_without_csrf_token_is_refused(team):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(team.users["owner"])
    response = client.post(reverse("change_log_add", args=[team.project.slug]), {"what": "x"})
    assert response.status_code == 403


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


def test_secret_key_is_generated_once_per_home_and_kept_private(tmp_path):
    first = config.secret_key(tmp_path)
    assert len(first) >= 50
    assert config.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    other = tmp_path / "other"
    other.mkdir()
    assert config.secret_key(other) != first


def test_cookies_are_secure_unless_every_host_is_local(monkeypatch):
    monkeypatch.delenv("RETRODUCE_SECURE_COOKIES", raising=False)
    assert config.secure_cookies(["127.0.0.1", "localhost"]) is False
    assert config.secure_cookies(["review.example.org"]) is True
    monkeypatch.setenv("RETRODUCE_SECURE_COOKIES", "0")
    assert config.secure_cookies(["review.example.org"]) is False


def test_a_sign_in_expires_after_the_configured_hours(team):
    from django.contrib.sessions.models import Session
    from django.test import Client

    from tests.conftest import PASSWORD

    assert settings.SESSION_COOKIE_AGE == 10 * 3600  # RETRODUCE_SESSION_HOURS' default
    client = Client()
    response = client.post("/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"]["max-age"] == 10 * 3600
    # Once the lifetime has passed the server no longer knows the session.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert "/login" in client.get("/").url


def test_bad_settings_fail_loudly_and_name_the_variable(monkeypatch):
    monkeypatch.setenv("RETRODUCE_LOGIN_ATTEMPTS", "lots")
    with pytest.raises(config.ConfigError, match="RETRODUCE_LOGIN_ATTEMPTS"):
        config.integer("RETRODUCE_LOGIN_ATTEMPTS", minimum=1)
    monkeypatch.setenv("RETRODUCE_DEBUG", "maybe")
    with pytest.raises(config.ConfigError, match="RETRODUCE_DEBUG"):
        config.flag("RETRODUCE_DEBUG")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(config.ConfigError, match="DATABASE_URL"):
        config.database(config.home())


def test_database_url_switches_to_postgresql(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://team:pw@db.example:5432/reviews")
    db = config.database(tmp_path)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"]) == ("db.example", "reviews")
    monkeypatch.delenv("DATABASE_URL")
    assert config.database(tmp_path)["NAME"] == str(tmp_path / "retroduce.sqlite3")


def test_refusals_explain_themselves_in_plain_words(team):
    from django.test import Client

    forbidden = team.client("viewer").post(reverse("member_add", args=[team.project.slug]), {})
    assert "does not allow this" in forbidden.content.decode()
    assert "Ask the project" in forbidden.content.decode()
    missing = team.client("outsider").get(reverse("protocol", args=[team.project.slug]))
    assert "not a member" in missing.content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(team.users["owner"])
    expired = strict.post(reverse("change_log_add", args=[team.project.slug]), {})
    assert "nothing was saved" in expired.content.decode()
