from django.urls import URLPattern, URLResolver, path

from .views import certificates, portal

app_name = "onewindow_portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal.catalogue, name="catalogue"),
    path("items/<int:item_id>/", portal.item_detail, name="item"),
    path("items/<int:item_id>/apply/", portal.apply, name="apply"),
    path("mine/", portal.mine, name="mine"),
    path("applications/<int:application_id>/", portal.application, name="application"),
    path("applications/<int:application_id>/resubmit/", portal.resubmit, name="resubmit"),
    path("applications/<int:application_id>/rate/", portal.rate, name="rate"),
    path("track/", portal.track, name="track"),
    path("verify/", certificates.verify, name="verify"),
    path("certificates/", certificates.my_certificates, name="certificates"),
    path("certificates/<int:certificate_id>/pdf/", certificates.certificate_file, name="certificate_pdf"),
]
