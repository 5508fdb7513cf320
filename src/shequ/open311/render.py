"""Open311 documents as JSON or XML, and the standard error document.

JSON is the programmatic mapping of the XML (the "Spark convention"): a collection root
(``services``, ``service_requests``, ``errors``) disappears and its repeated child becomes
a JSON array; ``service_definition`` and ``discovery`` are objects whose list fields
(``attributes``, ``values``, ``endpoints``, ``formats``) are arrays.  Absent optional
fields are ``null`` in JSON and empty elements in XML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree import ElementTree as ET  # we only write XML here, never parse it

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
#: The element name of one item of each list (XML); in JSON these are plain arrays.
CHILD = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        child = CHILD.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, child), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """``data`` under ``<root>``: a list gives repeated children, a mapping gives fields."""
    element = ET.Element(root)
    _fill(element, data)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def to_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def respond(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    body = to_json(data) if fmt == "json" else to_xml(root, data)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))


def error_response(fmt: str, status: int, descriptions: Iterable[str]) -> HttpResponse:
    """The standard error document: ``[{"code": 400, "description": "…"}, …]``."""
    errors = [{"code": status, "description": str(text)} for text in descriptions]
    return respond(fmt if fmt in FORMATS else "json", "errors", errors, status=status)
