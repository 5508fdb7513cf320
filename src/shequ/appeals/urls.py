from django.urls import path

from . import views

app_name = "appeals"

urlpatterns = [
    path("categories/", views.category_list, name="categories"),
    path("categories/<str:code>/", views.category_edit, name="category_edit"),
    path("classifier/retrain/", views.classifier_retrain, name="classifier_retrain"),
]
