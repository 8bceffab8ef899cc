"""The provider's pages about one of its activities, under utforare/."""

from django.urls import path

from samla.referrals import views

app_name = "provider"
urlpatterns = [
    path("insatser/<int:activity_pk>/narvaro/", views.attendance, name="attendance"),
    path("insatser/<int:activity_pk>/anonym/", views.register_anonymous, name="register_anonymous"),
]
