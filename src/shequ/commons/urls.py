from django.urls import URLPattern, URLResolver

app_name = "commons"

urlpatterns: list[URLPattern | URLResolver] = []
