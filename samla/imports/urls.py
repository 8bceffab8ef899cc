"""Import of history, under import/."""

from django.urls import path

from samla.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("mall.csv", views.template_file, name="template"),
    path("<int:job_pk>/", views.job_detail, name="job"),
    path("<int:job_pk>/felrapport.csv", views.error_report, name="report"),
]
