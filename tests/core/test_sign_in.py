"""Signing in: real password check, rate limit on failures, CSRF on the form."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD


def test_sign_in_with_the_right_password_reaches_the_dashboard(make_user, client):
    make_user("alice")
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Signed in as" in response.content.decode()


def test_wrong_password_is_refused(make_user, client):
    make_user("alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


@override_settings(LOGIN_ATTEMPTS=3)
def test_too_many_failures_lock_the_username_even_with_the_right_password(make_user, client):
    make_user("alice")
    for _ in range(3):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_ATTEMPTS=3)
def test_the_lock_is_per_username(make_user, client):
    make_user("alice")
    make_user("bob")
    for _ in range(3):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert response.status_code == 302


def test_sign_in_form_needs_a_csrf_token(make_user):
    make_user("alice")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
