from django.urls import path

from . import views_console

app_name = "users"

urlpatterns = [
    path("", views_console.user_list, name="list"),
    path("<int:user_id>/", views_console.user_detail, name="detail"),
]
