"""Sign-in with a rate limit on failures, counted per username and per address."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from retroduce.core.models import LoginFailure


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it.
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def too_many_failures(username: str, address: str) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    return (
        recent.filter(username=username.lower()).count() >= settings.LOGIN_ATTEMPTS
        or recent.filter(address=address).count() >= settings.LOGIN_ATTEMPTS * 4
    )


class RateLimitedAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict:
        username = (self.cleaned_data.get("username") or "")[:150]
        address = client_address(self.request) if self.request else "unknown"
        if too_many_failures(username, address):
            minutes = max(1, settings.LOGIN_WINDOW_SECONDS // 60)
            raise ValidationError(
                f"Too many failed sign-ins. Wait {minutes} minutes and try again.",
                code="rate_limited",
            )
        try:
            return super().clean()
        except ValidationError:
            LoginFailure.objects.create(username=username.lower(), address=address)
            raise


class LoginView(auth_views.LoginView):
    form_class = RateLimitedAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True
