"""Each user's meetings (moten/): those ahead, and answering a summons or an invitation."""

from django.urls import path

from samla.meetings import views

app_name = "mymeetings"
urlpatterns = [
    path("", views.my_meetings, name="index"),
    path("svar/<str:token>/", views.answer, name="answer"),
]
