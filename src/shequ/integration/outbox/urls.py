"""The inbox under /messages/.

Mounted in config/urls.py with ``path("messages/", include("shequ.integration.outbox.urls"))``.
"""

from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.inbox, name="list"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:notification_id>/", views.message, name="detail"),
]
