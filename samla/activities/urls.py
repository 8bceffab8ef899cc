"""The activity catalogue, under insatser/."""

from django.urls import path

from samla.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("ny/", views.create_activity, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/andra/", views.edit_activity, name="edit"),
    path("<int:pk>/ar/ny/", views.edit_year, name="year_add"),
    path("<int:pk>/ar/<int:year>/", views.edit_year, name="year_edit"),
    path("<int:pk>/personal/ny/", views.add_staff_count, name="staff_add"),
]
