from django.urls import path

from samla.web import views

app_name = "web"
urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
]
