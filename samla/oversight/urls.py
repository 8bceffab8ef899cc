from django.urls import path

from samla.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.review, name="review"),
    path("referens/", views.resolve_reference, name="reference"),
    path("kontroller/", views.checks, name="checks"),
    path("deltagare/<int:pk>/vem-har-last/", views.access_extract, name="extract"),
    path("deltagare/<int:pk>/vem-har-last.pdf", views.access_extract_pdf, name="extract_pdf"),
]
