from django.urls import path

from samla.mysamla.views import door

app_name = "mysamla"
urlpatterns = [
    path("", door.start, name="start"),
    path("logga-in/", door.login, name="login"),
    path("e-legitimation/<str:provider>/", door.eid_start, name="eid_start"),
    path("e-legitimation/<str:provider>/svar/", door.eid_callback, name="eid_callback"),
    path("logga-ut/", door.logout, name="logout"),
    path("logga-ut-overallt/", door.logout_everywhere, name="logout_everywhere"),
]
