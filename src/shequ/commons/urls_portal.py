from django.urls import path

from .views import portal

app_name = "commons_portal"

urlpatterns = [
    path("", portal.space_list, name="spaces"),
    path("spaces/<int:space_id>/", portal.space_book, name="space"),
    path("bookings/", portal.booking_list, name="bookings"),
    path("bookings/<int:booking_id>/cancel/", portal.booking_cancel, name="booking_cancel"),
    path("aid/", portal.aid, name="aid"),
    path("aid/<int:post_id>/respond/", portal.aid_respond, name="aid_respond"),
    path("aid/<int:post_id>/close/", portal.aid_close, name="aid_close"),
    path("aid/matches/<int:match_id>/done/", portal.aid_done, name="aid_done"),
    path("aid/matches/<int:match_id>/thanks/", portal.aid_thanks, name="aid_thanks"),
]
