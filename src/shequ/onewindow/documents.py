"""Certificates as PDF (reportlab, the built-in STSong-Light CID font) and their verification codes."""

from __future__ import annotations

import hmac
import io
import json
from typing import Any

from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import Certificate

SALT = "shequ.onewindow.certificate"


def _canonical(number: str, content: dict[str, Any]) -> str:
    return number + "|" + json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def verification_code(number: str, content: dict[str, Any]) -> str:
    """An HMAC over the number and the content: ``XXXX-XXXX-XXXX-XXXX`` (an altered code or content fails)."""
    digest = salted_hmac(SALT, _canonical(number, content), algorithm="sha256").hexdigest().upper()[:16]
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def code_matches(cert: Certificate, code: str) -> bool:
    given = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    expected = verification_code(cert.number, cert.content).replace("-", "")
    return hmac.compare_digest(given.encode(), expected.encode())


def certificate_pdf(cert: Certificate, verify_url: str) -> bytes:
    """The certificate as PDF, always in Chinese (the language of the issuing committee's documents)."""
    with translation.override("zh-hans"):
        return _certificate_pdf(cert, verify_url)


def _certificate_pdf(cert: Certificate, verify_url: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    content = cert.content
    pdf.setTitle(f"{content['kind']} {cert.number}")
    width, height = A4
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, height - 100, content["kind"])
    pdf.setFont(font, 11)
    pdf.drawRightString(width - 60, height - 130, _("编号：%(number)s") % {"number": cert.number})
    pdf.setFont(font, 13)
    y = height - 180
    text = content["text"]
    for start in range(0, len(text), 32):
        pdf.drawString(70, y, text[start : start + 32])
        y -= 24
    pdf.drawString(70, y - 10, _("用途：%(purpose)s") % {"purpose": content["purpose"]})
    pdf.drawString(70, y - 34, _("本证明仅用于上述用途。"))
    pdf.drawRightString(width - 70, y - 100, content["community"])
    pdf.drawRightString(width - 70, y - 124, content["issued_on_label"])
    pdf.setFont(font, 10)
    code = verification_code(cert.number, content)
    pdf.drawString(70, 110, _("验证码：%(code)s") % {"code": code})
    pdf.drawString(70, 92, _("核验网址：%(url)s") % {"url": verify_url})
    pdf.drawString(70, 74, _("任何单位和个人均可凭证明编号和验证码在上述网址核验本证明的真伪。"))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
