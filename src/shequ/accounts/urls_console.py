from django.urls import path

from . import views_console

app_name = "users"

urlpatterns = [
    path("", views_console.user_list, name="list"),
    path("new/", views_console.staff_new, name="create"),
    path("<int:user_id>/", views_console.user_detail, name="detail"),
    path("<int:user_id>/posts/", views_console.post_add, name="post_add"),
    path("<int:user_id>/posts/<int:post_id>/end/", views_console.post_end, name="post_end"),
    path("<int:user_id>/deactivate/", views_console.staff_deactivate, name="deactivate"),
    path("<int:user_id>/reactivate/", views_console.staff_reactivate, name="reactivate"),
]
