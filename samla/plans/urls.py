"""A person's coordinated plan, under deltagare/<pk>/plan/."""

from django.urls import path

from samla.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_detail, name="plan"),
    path("ny/", views.create_plan, name="create"),
    path("andra/", views.edit_plan, name="edit"),
    path("atgarder/ny/", views.add_action, name="action_add"),
    path("atgarder/<int:action_pk>/", views.edit_action, name="action_edit"),
    path("skicka/", views.invite, name="invite"),
    path("bekrafta/", views.confirm, name="confirm"),
    path("godkannande/", views.approve, name="approve"),
    path("avsluta/", views.close, name="close"),
    path("versioner/", views.versions, name="versions"),
    path("versioner/<int:plan_version>/", views.version_detail, name="version"),
    path("jamfor/", views.compare_versions, name="compare"),
    path("pdf/", views.plan_pdf, name="pdf"),
]
