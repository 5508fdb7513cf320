"""Import and export pages, included at /console/registry/imports/ inside the ``registry`` namespace."""

from django.urls import URLPattern, URLResolver, path

from . import views_imports as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("", v.import_home, name="import_home"),
    path("template/", v.import_template, name="import_template"),
    path("upload/", v.import_upload, name="import_upload"),
    path("export/", v.import_export, name="import_export"),
    path("<int:job_id>/", v.import_job, name="import_job"),
    path("<int:job_id>/progress/", v.import_progress, name="import_progress"),
    path("<int:job_id>/confirm/", v.import_confirm, name="import_confirm"),
    path("<int:job_id>/cancel/", v.import_cancel, name="import_cancel"),
]
