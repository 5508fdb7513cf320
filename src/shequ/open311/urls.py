"""Open311 GeoReport v2 under /open311/: discovery beside the endpoint, the endpoint at v2/.

The format is the file-name suffix (``.json`` or ``.xml``); any other suffix is a 404 in
the spec's error format.  ``service/<code>`` is the path the ``open311`` client library
uses instead of the spec's ``services/<code>``.  ``tokens/<token>`` answers the spec's 404: every
service is realtime, so no token is ever issued.
"""

from django.urls import URLPattern, URLResolver, path, register_converter

from . import views


class FormatConverter:
    regex = "[A-Za-z0-9]{1,10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CodeConverter:
    """A service code or request id: anything but a slash or a dot (the dot starts the format)."""

    regex = "[^/.]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")
register_converter(CodeConverter, "o311id")

app_name = "open311"

urlpatterns: list[URLPattern | URLResolver] = [
    path("discovery.<o311fmt:fmt>", views.discovery, name="discovery"),
    path("v2/services.<o311fmt:fmt>", views.services, name="services"),
    path("v2/services/<o311id:service_code>.<o311fmt:fmt>", views.service, name="service"),
    path("v2/service/<o311id:service_code>.<o311fmt:fmt>", views.service, name="service_alias"),
    path("v2/requests.<o311fmt:fmt>", views.requests, name="requests"),
    path("v2/requests/<o311id:service_request_id>.<o311fmt:fmt>", views.request_detail, name="request"),
    path("v2/tokens/<o311id:token>.<o311fmt:fmt>", views.token, name="token"),
]
