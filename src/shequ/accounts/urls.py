from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.staff_login, name="login"),
    path("login/totp/", views.login_totp, name="login_totp"),
    path("totp/setup/", views.totp_setup, name="totp_setup"),
    path("logout/", views.logout_view, name="logout"),
    path("resident/login/", views.resident_login, name="resident_login"),
    path("password/", views.password_change, name="password_change"),
]
