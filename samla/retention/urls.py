from django.urls import path

from samla.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("regel/", views.rule, name="rule"),
    path("forslag/", views.apply_preset, name="apply_preset"),
    path("gallringsstopp/", views.holds, name="holds"),
    path("gallringsstopp/hav/", views.lift_hold, name="lift_hold"),
    path("korningar/", views.runs, name="runs"),
    path("korningar/installning/", views.culling_settings, name="culling_settings"),
    path("korningar/<int:pk>/", views.run, name="run"),
    path("korningar/<int:pk>/godkann/", views.approve_run, name="approve_run"),
    path("korningar/<int:pk>/avbryt/", views.discard_run, name="discard_run"),
    path(
        "forbund/<int:association_pk>/",
        views.association_protocols,
        name="association_protocols",
    ),
]
