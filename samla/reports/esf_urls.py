"""The ESF participant file, on the provider's side under utforare/esf/: person data, for the
ESF reporter of the organisation that owns the ESF project (``reports.access``)."""

from django.urls import path

from samla.reports import views

app_name = "esf"
urlpatterns = [
    path("", views.esf_index, name="index"),
    path("<int:esf_activity_pk>/", views.esf_activity, name="activity"),
]
