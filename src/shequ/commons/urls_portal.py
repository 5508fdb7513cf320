from django.urls import URLPattern, URLResolver

app_name = "commons_portal"

urlpatterns: list[URLPattern | URLResolver] = []
