"""Login pages (filled in by the authentication work)."""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def staff_login(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/login.html", {})


def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")
