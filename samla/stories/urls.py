from django.urls import path

from samla.stories import views

app_name = "stories"
urlpatterns = [
    path("", views.story, name="story"),
    path("skriv/", views.edit_story, name="edit"),
    path("versioner/", views.history, name="history"),
    path("versioner/<int:story_version>/", views.version, name="version"),
    path("forslag/<int:suggestion>/ta-in/", views.take_in, name="take_in"),
    path("forslag/<int:suggestion>/svara/", views.answer, name="answer"),
]
