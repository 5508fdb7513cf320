from django.urls import include, path

from .views import categories as views
from .views import console

app_name = "appeals"

urlpatterns = [
    path("categories/", views.category_list, name="categories"),
    path("categories/<str:code>/", views.category_edit, name="category_edit"),
    path("classifier/retrain/", views.classifier_retrain, name="classifier_retrain"),
    path("cases/", console.queue, name="queue"),
    path("cases/hotline/", console.hotline, name="hotline"),
    path("cases/report/", console.field_report, name="report"),
    path("cases/<int:case_id>/", console.case_detail, name="case"),
    path("cases/<int:case_id>/act/", console.case_act, name="case_act"),
    path("photos/<int:photo_id>/", console.photo, name="photo"),
    path("rates/", include("shequ.appeals.urls_rates")),
]
