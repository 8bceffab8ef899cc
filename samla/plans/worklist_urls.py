"""Each user's worklist of plan actions and plans (arbetslista/)."""

from django.urls import path

from samla.plans import views

app_name = "worklist"
urlpatterns = [
    path("", views.worklist, name="index"),
    path("atgard/<int:action_pk>/status/", views.action_status, name="action_status"),
]
