from django.urls import URLPattern, URLResolver, path

from .views import certificates, console

app_name = "onewindow"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", console.queue, name="queue"),
    path("window/", console.window, name="window"),
    path("applications/<int:application_id>/", console.application, name="application"),
    path("applications/<int:application_id>/receipt/", console.receipt, name="receipt"),
    *[
        path(f"applications/<int:application_id>/{name}/", view, name=f"application_{name}")
        for name, view in console.ACTIONS.items()
    ],
    path("materials/<int:material_id>/", console.material_file, name="material_file"),
    path("certificates/", certificates.console_certificates, name="certificates"),
    path("reports/", console.reports, name="reports"),
]
