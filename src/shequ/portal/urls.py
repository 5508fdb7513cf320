from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("me/profile/", views.profile, name="profile"),
    path("elder-mode/", views.elder_toggle, name="elder_mode"),
]
