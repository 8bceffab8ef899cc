"""Each user's worklist (arbetslista/): the page is the web app's, which reads both plans and
meetings; the status of an action is changed in place through plans."""

from django.urls import path

from samla.plans import views as plans
from samla.web import views

app_name = "worklist"
urlpatterns = [
    path("", views.worklist, name="index"),
    path("atgard/<int:action_pk>/status/", plans.action_status, name="action_status"),
]
