"""Referrals: the person's side under deltagare/<pk>/remisser/, the provider's under remisser/."""

from django.urls import path

from samla.referrals import views

app_name = "referrals"
urlpatterns = [
    path("deltagare/<int:pk>/remisser/", views.referral_list, name="list"),
    path("deltagare/<int:pk>/remisser/ny/", views.send, name="send"),
    path("deltagare/<int:pk>/remisser/<int:referral_pk>/", views.detail, name="detail"),
    path(
        "deltagare/<int:pk>/remisser/<int:referral_pk>/<str:step>/",
        views.referrer_step,
        name="referrer_step",
    ),
    path("remisser/", views.incoming, name="incoming"),
    path("remisser/<int:referral_pk>/", views.incoming_detail, name="incoming_detail"),
    path("remisser/<int:referral_pk>/<str:step>/", views.provider_step, name="provider_step"),
]
