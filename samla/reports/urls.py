"""The association's reports, under rapporter/."""

from django.urls import path

from samla.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("forbund/<int:association_pk>/", views.association, name="association"),
    path(
        "forbund/<int:association_pk>/uppfoljning/<int:year>/",
        views.followup,
        name="followup",
    ),
    path("verksamhetsberattelse/<int:report_pk>/", views.annual_report, name="annual_report"),
    path(
        "verksamhetsberattelse/<int:report_pk>/pdf/",
        views.annual_report_pdf,
        name="annual_report_pdf",
    ),
]
