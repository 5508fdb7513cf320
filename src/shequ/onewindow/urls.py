from django.urls import URLPattern, URLResolver

app_name = "onewindow"

urlpatterns: list[URLPattern | URLResolver] = []
