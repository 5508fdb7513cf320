from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from shequ.console.admin_access import restrict_admin_site
from shequ.core.views import healthz

restrict_admin_site(admin.site)
admin.site.site_header = settings.SHEQU_DEPLOYMENT_NAME
admin.site.site_title = settings.SHEQU_DEPLOYMENT_NAME

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("shequ.accounts.urls")),
    path("console/rules/", include("shequ.core.urls_rules")),
    path("console/calendar/", include("shequ.core.urls_calendar")),
    path("console/audit/", include("shequ.core.urls_audit")),
    path("console/areas/", include("shequ.core.urls_areas")),
    path("console/users/", include("shequ.accounts.urls_console")),
    path("console/registry/", include("shequ.registry.urls")),
    path("field/", include("shequ.gridwork.urls")),
    path("console/appeals/", include("shequ.appeals.urls")),
    path("console/onewindow/", include("shequ.onewindow.urls")),
    path("console/commons/", include("shequ.commons.urls")),
    path("services/", include("shequ.onewindow.urls_portal")),
    path("commons/", include("shequ.commons.urls_portal")),
    path("console/", include("shequ.console.urls")),
    path("system/django-admin/", admin.site.urls),
    path("messages/", include("shequ.integration.outbox.urls")),
    path("appeals/", include("shequ.appeals.urls_portal")),
    path("open311/", include("shequ.open311.urls")),
    path("", include("shequ.portal.urls")),
]
