from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explains a refused form in words a reviewer understands, instead of Django's debug text."""
    return render(request, "403_csrf.html", status=403)
