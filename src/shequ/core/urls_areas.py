from django.urls import path

from . import views_areas

app_name = "areas"

urlpatterns = [
    path("", views_areas.area_tree, name="tree"),
    path("<int:area_id>/", views_areas.area_detail, name="detail"),
    path("<int:area_id>/edit/", views_areas.area_edit, name="edit"),
    path("<int:area_id>/map/", views_areas.area_map, name="map"),
    path("<int:area_id>/map/boundary/", views_areas.area_boundary_save, name="boundary"),
]
