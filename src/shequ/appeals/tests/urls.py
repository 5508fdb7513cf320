"""The project's URLs plus the appeals console pages (until config/urls.py mounts them)."""

from django.urls import include, path

from config.urls import urlpatterns as project_patterns

mounted = any(getattr(p, "namespace", None) == "appeals" for p in project_patterns)
urlpatterns = (
    list(project_patterns)
    if mounted
    else [path("console/appeals/", include("shequ.appeals.urls")), *project_patterns]
)
