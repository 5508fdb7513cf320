from django.urls import path

from . import views_calendar

app_name = "calendar"

urlpatterns = [
    path("", views_calendar.calendar_year, name="year"),
    path("add/", views_calendar.calendar_add, name="add"),
    path("remove/", views_calendar.calendar_remove, name="remove"),
]
