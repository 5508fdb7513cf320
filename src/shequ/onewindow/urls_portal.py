from django.urls import URLPattern, URLResolver

app_name = "onewindow_portal"

urlpatterns: list[URLPattern | URLResolver] = []
