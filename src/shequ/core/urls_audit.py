from django.urls import path

from . import views_audit

app_name = "audit"

urlpatterns = [
    path("", views_audit.audit_list, name="list"),
    path("export/", views_audit.audit_export, name="export"),
    path("<int:entry_id>/", views_audit.audit_detail, name="detail"),
]
