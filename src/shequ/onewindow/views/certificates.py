"""Certificate pages: the public check, a resident's requests, the PDF, and the console's list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object
from shequ.registry import selectors as registry

from .. import selectors, services
from ..documents import certificate_pdf, code_matches
from ..models import Certificate, CertificateKind
from .common import flat


@never_cache
@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    # printable text only: a control character (a NUL) can never be part of a number or code
    number = "".join(ch for ch in request.GET.get("number", "") if ch.isprintable()).strip()[:32]
    code = "".join(ch for ch in request.GET.get("code", "") if ch.isprintable()).strip()[:40]
    result: dict[str, Any] | None = None
    if number or code:
        cert = Certificate.objects.select_related("kind", "area").filter(number=number).first()
        valid = cert is not None and code_matches(cert, code)
        result = {"valid": valid, "cert": cert if valid else None}
    return render(request, "onewindow/portal/verify.html", {"number": number, "code": code, "result": result})


@never_cache
@require_http_methods(["GET", "POST"])
def my_certificates(request: HttpRequest) -> HttpResponse:
    from .portal import _login

    if not request.user.is_authenticated:
        return _login(request)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            cert = services.certificate_request(
                actor=request.user,
                requested=request.POST.get("kind", ""),
                purpose=request.POST.get("purpose", ""),
            )
        except ValidationError as exc:
            errors, status = flat(exc), 400
        else:
            messages.success(request, _("证明已出具，编号%(number)s。") % {"number": cert.number})
            return redirect("onewindow_portal:certificates")
    return render(
        request,
        "onewindow/portal/certificates.html",
        {
            "certificates": list(selectors.certificates_visible_to(request.user)[:50]),
            "kinds": selectors.listed_certificate_kinds(),
            "errors": errors,
        },
        status=status,
    )


@never_cache
@require_GET
@scoped_object("onewindow.Certificate", "certificate_id")
def certificate_file(request: HttpRequest, certificate_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from .portal import _login

        return _login(request)
    cert = selectors.certificate_for(request.user, certificate_id)
    url = request.build_absolute_uri(reverse("onewindow_portal:verify"))
    response = HttpResponse(certificate_pdf(cert, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def console_certificates(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        person = None
        raw = request.POST.get("person_id", "")
        if raw.isdigit():
            person = registry.persons_visible_to(request.user).filter(pk=int(raw)).first()
        try:
            cert = services.certificate_request(
                actor=request.user,
                requested=request.POST.get("kind", ""),
                purpose=request.POST.get("purpose", ""),
                person=person,
                requester=request.POST.get("requester", ""),
            )
        except ValidationError as exc:
            errors, status = flat(exc), 400
        else:
            messages.success(request, _("证明已出具，编号%(number)s。") % {"number": cert.number})
            return redirect("onewindow:certificates")
    return render(
        request,
        "onewindow/console/certificates.html",
        {
            "certificates": list(selectors.certificates_visible_to(request.user)[:100]),
            "kinds": CertificateKind.objects.all(),
            "refusals": selectors.refusal_counts(request.user),
            "errors": errors,
        },
        status=status,
    )
