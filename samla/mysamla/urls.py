from django.urls import path

from samla.mysamla.views import door
from samla.mysamla.views import meetings as meeting_views

app_name = "mysamla"
urlpatterns = [
    path("", door.start, name="start"),
    path("logga-in/", door.login, name="login"),
    path("e-legitimation/<str:provider>/", door.eid_start, name="eid_start"),
    path("e-legitimation/<str:provider>/svar/", door.eid_callback, name="eid_callback"),
    path("logga-ut/", door.logout, name="logout"),
    path("logga-ut-overallt/", door.logout_everywhere, name="logout_everywhere"),
    path("moten/", meeting_views.meeting_list, name="meetings"),
    path("moten/ny/", meeting_views.request_meeting, name="meeting_request"),
    path("moten/<int:meeting_pk>/", meeting_views.meeting_detail, name="meeting"),
    path(
        "moten/<int:meeting_pk>/kalender.ics",
        meeting_views.meeting_calendar,
        name="meeting_calendar",
    ),
]
