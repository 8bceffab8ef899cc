from django.urls import path

from samla.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.login_view, name="login"),
    path("logga-ut/", views.logout_view, name="logout"),
    path("e-legitimation/<str:provider>/", views.eid_start, name="eid_start"),
    path("e-legitimation/<str:provider>/svar/", views.eid_callback, name="eid_callback"),
    path("tvastegsverifiering/", views.verify, name="verify"),
    path("tvastegsverifiering/aktivera/", views.enrol, name="enrol"),
    path("engangslank/<str:token>/", views.link_open, name="link_open"),
    path("engangslank/", views.link_use, name="link_use"),
    path("anvandare/", views.user_list, name="users"),
    path("anvandare/ny/", views.user_create, name="user_create"),
    path("anvandare/<int:pk>/", views.user_edit, name="user_edit"),
    path("anvandare/<int:pk>/inaktivera/", views.user_deactivate, name="user_deactivate"),
    path("anvandare/<int:pk>/aktivera/", views.user_reactivate, name="user_reactivate"),
    path("anvandare/<int:pk>/engangslank/", views.user_link, name="user_link"),
    path("anvandare/<int:pk>/las-upp/", views.user_unlock, name="user_unlock"),
    path(
        "anvandare/<int:pk>/aterstall-tvastegsverifiering/",
        views.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
    path("organisation/", views.organisation_detail, name="organisation"),
    path("organisation/mottagare/", views.receivers, name="receivers"),
    path("organisation/mottagare/<int:pk>/ta-bort/", views.receiver_remove, name="receiver_remove"),
    path("mitt-konto/", views.profile, name="profile"),
]
