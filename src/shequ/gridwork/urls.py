from django.urls import path

from . import views

app_name = "gridwork"

urlpatterns = [
    path("", views.day, name="day"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit"),
    path("checks/", views.check_list, name="checks"),
    path("checks/new/", views.check_create, name="check_create"),
    path("checks/<int:check_id>/", views.check_detail, name="check"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/rectify/", views.finding_rectify, name="finding_rectify"),
    path("findings/<int:finding_id>/verify/", views.finding_verify, name="finding_verify"),
    path("needs/<int:need_id>/refer/", views.need_refer, name="need_refer"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("patrols/", views.patrol_list, name="patrols"),
]
