from django.urls import path

from samla.people import views

app_name = "people"
urlpatterns = [
    path("", views.participant_list, name="list"),
    path("ny/", views.register_participant, name="register"),
    path("<int:pk>/", views.participant_detail, name="participant"),
    path("<int:pk>/andra/", views.edit_participant, name="edit"),
    path("<int:pk>/koppla-nummer/", views.link_id_number, name="link_id_number"),
    path("<int:pk>/samtycken/nytt/", views.record_consent, name="consent_create"),
    path("<int:pk>/samtycken/<int:consent_pk>/", views.consent_detail, name="consent"),
    path(
        "<int:pk>/samtycken/<int:consent_pk>/aterkalla/",
        views.withdraw_consent,
        name="consent_withdraw",
    ),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/<int:member_pk>/ta-bort/", views.remove_team_member, name="team_remove"),
]
