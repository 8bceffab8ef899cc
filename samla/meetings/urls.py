"""A person's meetings, under deltagare/<pk>/moten/."""

from django.urls import path

from samla.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nytt/", views.request_meeting, name="request"),
    path("<int:meeting_pk>/", views.meeting_detail, name="detail"),
    path("<int:meeting_pk>/forbered/", views.prepare, name="prepare"),
    path("<int:meeting_pk>/kalla/", views.schedule, name="schedule"),
    path("<int:meeting_pk>/avboka/", views.cancel, name="cancel"),
    path("<int:meeting_pk>/protokoll/", views.minutes, name="minutes"),
    path("<int:meeting_pk>/forberedande/", views.book_preparatory, name="preparatory"),
    path("<int:meeting_pk>/uppfoljning/", views.book_follow_up, name="follow_up"),
    path("<int:meeting_pk>/kalender.ics", views.calendar, name="calendar"),
]
