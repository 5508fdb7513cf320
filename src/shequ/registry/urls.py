from django.urls import include, path

from . import views, views_buildings, views_elements, views_members, views_persons, views_staffing

app_name = "registry"

urlpatterns = [
    path("", views.household_list, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/members/add/", views_members.member_add, name="member_add"),
    path("households/<int:household_id>/members/end/", views_members.member_end, name="member_end"),
    path("households/<int:household_id>/head/", views_members.household_head, name="household_head"),
    path(
        "households/<int:household_id>/moved-out/",
        views_members.household_moved_out,
        name="household_moved_out",
    ),
    path("persons/", views_persons.person_list, name="persons"),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/tags/", views_persons.person_tags, name="person_tags"),
    path("buildings/", views_buildings.building_list, name="buildings"),
    path("buildings/new/", views_buildings.building_create, name="building_create"),
    path("buildings/<int:building_id>/", views_buildings.building_detail, name="building"),
    path("buildings/<int:building_id>/edit/", views_buildings.building_edit, name="building_edit"),
    path("buildings/<int:building_id>/rooms/", views_buildings.building_rooms, name="building_rooms"),
    path("places/", views_buildings.place_list, name="places"),
    path("places/new/", views_buildings.place_create, name="place_create"),
    path("places/<int:place_id>/edit/", views_buildings.place_edit, name="place_edit"),
    path("courtyards/", views_elements.courtyard_list, name="courtyards"),
    path("courtyards/new/", views_elements.courtyard_create, name="courtyard_create"),
    path("courtyards/<int:courtyard_id>/", views_elements.courtyard_detail, name="courtyard"),
    path("courtyards/<int:courtyard_id>/edit/", views_elements.courtyard_edit, name="courtyard_edit"),
    path("villages/", views_elements.village_list, name="villages"),
    path("villages/new/", views_elements.village_create, name="village_create"),
    path("villages/<int:village_id>/", views_elements.village_detail, name="village"),
    path("villages/<int:village_id>/edit/", views_elements.village_edit, name="village_edit"),
    path("staffing/", views_staffing.staffing, name="staffing"),
    path("imports/", include("shequ.registry.urls_imports")),
]
