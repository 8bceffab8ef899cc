"""The answering link, under enkat/: open without login, the same link for everyone in a round.
The permission matrix skips it (``SKIPPED_ROUTES``); samla/surveys/tests cover it."""

from django.urls import path

from samla.surveys import views

app_name = "survey_answer"
urlpatterns = [
    path("tack/", views.thanks, name="thanks"),
    path("<slug:token>/", views.answer, name="answer"),
]
