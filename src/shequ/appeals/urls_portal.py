from django.urls import URLPattern, URLResolver, path

from .views import portal

app_name = "appeals_portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", portal.file_appeal, name="file"),
    path("mine/", portal.mine, name="mine"),
    path("cases/<int:case_id>/", portal.case, name="case"),
    path("track/", portal.track, name="track"),
    path("track/<str:number>/", portal.tracked, name="tracked"),
]
