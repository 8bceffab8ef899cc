from django.urls import path

from samla.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.index, name="index"),
    path("forbund/<int:association_pk>/", views.association_dashboard, name="association"),
    path(
        "forbund/<int:association_pk>/sammanstallning/",
        views.release_status,
        name="release",
    ),
    path(
        "forbund/<int:association_pk>/nytt-program/",
        views.programme_create,
        name="programme_create",
    ),
    path("program/<int:programme_pk>/", views.programme_dashboard, name="programme"),
    path("program/<int:programme_pk>/andra/", views.programme_edit, name="programme_edit"),
    path("program/<int:programme_pk>/mal/", views.targets_programme, name="targets_programme"),
    path("insats/<int:activity_pk>/", views.activity_dashboard, name="activity"),
    path("insats/<int:activity_pk>/mal/", views.targets_activity, name="targets_activity"),
    path("mal/<int:target_pk>/ta-bort/", views.target_remove, name="target_remove"),
]
