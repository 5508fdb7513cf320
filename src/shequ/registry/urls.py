from django.urls import include, path

from . import views, views_staffing

app_name = "registry"

urlpatterns = [
    path("", views.household_list, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("staffing/", views_staffing.staffing, name="staffing"),
    path("imports/", include("shequ.registry.urls_imports")),
]
