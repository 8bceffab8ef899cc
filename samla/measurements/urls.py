"""Measurements on both sides of a referral, and the association's own questions.

The person's side: deltagare/<pk>/remisser/<referral_pk>/matningar/<occasion>/; the provider's:
remisser/<referral_pk>/matningar/<occasion>/. The own questions are association-level pages
under insatser/fragor/, in a namespace of their own ("questions") so that the permission matrix
checks them as an association's records, not as a person's.
"""

from django.urls import include, path

from samla.measurements import views

measurement_patterns = [
    path(
        "deltagare/<int:pk>/remisser/<int:referral_pk>/matningar/<slug:occasion>/",
        views.detail,
        name="detail",
    ),
    path(
        "deltagare/<int:pk>/remisser/<int:referral_pk>/matningar/<slug:occasion>/registrera/",
        views.record,
        name="record",
    ),
    path(
        "remisser/<int:referral_pk>/matningar/<slug:occasion>/",
        views.provider_detail,
        name="provider_detail",
    ),
    path(
        "remisser/<int:referral_pk>/matningar/<slug:occasion>/registrera/",
        views.provider_record,
        name="provider_record",
    ),
]
question_patterns = [
    path("", views.question_list, name="list"),
    path("ny/", views.add_question, name="add"),
    path("<int:question_pk>/", views.question_detail, name="detail"),
    path("<int:question_pk>/andra/", views.change_wording, name="change"),
    path("<int:question_pk>/sluta-stalla/", views.deactivate_question, name="deactivate"),
]
urlpatterns = [
    path("", include((measurement_patterns, "measurements"))),
    path("insatser/fragor/", include((question_patterns, "questions"))),
]
