from django.urls import path

from samla.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("regel/", views.rule, name="rule"),
    path("forslag/", views.apply_preset, name="apply_preset"),
    path("gallringsstopp/", views.holds, name="holds"),
    path("gallringsstopp/hav/", views.lift_hold, name="lift_hold"),
]
