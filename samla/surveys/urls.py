"""The association's questionnaires, under enkater/: kept by the office, read by the office and the
board. An association's own records (the permission matrix's ``ASSOCIATION_SCOPED_NAMESPACES``)."""

from django.urls import path

from samla.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("ny/", views.create_questionnaire, name="create"),
    path("<int:questionnaire_pk>/", views.questionnaire_detail, name="questionnaire"),
    path("<int:questionnaire_pk>/ny-version/", views.new_version, name="new_version"),
    path("versioner/<int:version_pk>/", views.version_detail, name="version"),
    path("versioner/<int:version_pk>/andra/", views.edit_version, name="edit_version"),
    path("versioner/<int:version_pk>/publicera/", views.publish_version, name="publish"),
    path("versioner/<int:version_pk>/resultat/", views.version_results, name="version_results"),
    path("omgangar/ny/", views.open_round, name="open_round"),
    path("omgangar/<int:round_pk>/", views.round_detail, name="round"),
    path("omgangar/<int:round_pk>/utskrift.pdf", views.round_handout, name="handout"),
    path("omgangar/<int:round_pk>/stang/", views.close_round, name="close_round"),
    path("omgangar/<int:round_pk>/resultat/", views.round_results, name="round_results"),
]
