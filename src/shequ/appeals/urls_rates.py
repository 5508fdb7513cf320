"""The three rates and rankings: the page (with its drill-down lists) and the xlsx export."""

from django.urls import URLPattern, URLResolver, path

from .views import rates as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.rates, name="rates"),
    path("export/", views.rates_export, name="rates_export"),
]
