from django.urls import path

from .views import console_aid, console_spaces, console_usage

app_name = "commons"

urlpatterns = [
    path("", console_spaces.space_list, name="spaces"),
    path("spaces/new/", console_spaces.space_create, name="space_create"),
    path("spaces/<int:space_id>/", console_spaces.space_detail, name="space"),
    path("spaces/<int:space_id>/edit/", console_spaces.space_edit, name="space_edit"),
    path("spaces/<int:space_id>/book/", console_spaces.space_book, name="space_book"),
    path("bookings/<int:booking_id>/decide/", console_spaces.booking_decide, name="booking_decide"),
    path("bookings/<int:booking_id>/cancel/", console_spaces.booking_cancel, name="booking_cancel"),
    path(
        "bookings/<int:booking_id>/attendance/", console_spaces.booking_attendance, name="booking_attendance"
    ),
    path("usage/", console_usage.usage, name="usage"),
    path("usage/export/", console_usage.usage_export, name="usage_export"),
    path("aid/", console_aid.aid_list, name="aid"),
    path("aid/match/", console_aid.aid_match, name="aid_match"),
    path("aid/<int:post_id>/", console_aid.aid_detail, name="aid_post"),
    path("aid/<int:post_id>/hide/", console_aid.aid_hide, name="aid_hide"),
    path("aid/matches/<int:match_id>/confirm/", console_aid.aid_match_confirm, name="aid_match_confirm"),
    path("aid/matches/<int:match_id>/decline/", console_aid.aid_match_decline, name="aid_match_decline"),
]
