from django.urls import path

from . import views_rules

app_name = "rules"

urlpatterns = [
    path("", views_rules.rule_list, name="list"),
    path("new/", views_rules.rule_create, name="create"),
]
