from django.urls import path

from samla.mysamla.views import consents, door, notices, reads
from samla.mysamla.views import meetings as meeting_views
from samla.mysamla.views import plan as plan_views
from samla.mysamla.views import story as story_views

app_name = "mysamla"
urlpatterns = [
    path("", door.start, name="start"),
    path("logga-in/", door.login, name="login"),
    path("e-legitimation/<str:provider>/", door.eid_start, name="eid_start"),
    path("e-legitimation/<str:provider>/svar/", door.eid_callback, name="eid_callback"),
    path("meddelanden/", notices.notices, name="notices"),
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
    path("vem-har-last/", reads.reads, name="reads"),
    path("vem-har-last.pdf", reads.reads_pdf, name="reads_pdf"),
    path("berattelse/", story_views.story, name="story"),
    path("berattelse/forslag/", story_views.suggest, name="story_suggest"),
    path("plan/", plan_views.plan, name="plan"),
    path("plan/<int:pk>/godkann/", plan_views.approve, name="plan_approve"),
    path("plan/<int:pk>/inte-an/", plan_views.not_yet, name="plan_not_yet"),
    path("plan/<int:pk>/avsluta/", plan_views.close, name="plan_close"),
    path("samtycken/", consents.consents, name="consents"),
    path("samtycken/mina-samtycken.pdf", consents.consents_pdf, name="consents_pdf"),
    path("samtycken/<int:consent_pk>/", consents.consent, name="consent"),
    path("samtycken/<int:consent_pk>/lamna/", consents.give, name="consent_give"),
    path("samtycken/<int:consent_pk>/aterkalla/", consents.withdraw, name="consent_withdraw"),
]
