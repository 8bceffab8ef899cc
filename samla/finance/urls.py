"""The association's money, under ekonomi/."""

from django.urls import path

from samla.finance import views

app_name = "finance"
year = "<int:association_pk>/<int:year>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:association_pk>/", views.association, name="association"),
    path("<int:association_pk>/nytt-ar/", views.open_year, name="open_year"),
    path("<int:association_pk>/beslut/", views.decisions, name="decisions"),
    path(
        "<int:association_pk>/beslut/<int:decision_pk>/ta-bort/",
        views.remove_decision,
        name="remove_decision",
    ),
    path(year, views.year_detail, name="year"),
    path(year + "bidrag/", views.edit_contributions, name="contributions"),
    path(year + "intakter/ny/", views.add_income, name="add_income"),
    path(year + "intakter/<int:income_pk>/ta-bort/", views.remove_income, name="remove_income"),
    path(year + "poster/ny/", views.add_line, name="add_line"),
    path(year + "poster/<int:line_pk>/", views.change_line, name="change_line"),
    path(year + "utfall/", views.import_actuals, name="import_actuals"),
    path(year + "utfall/mall.csv", views.actuals_template, name="actuals_template"),
    path(year + "kostnadsrapport/", views.cost_report, name="cost_report"),
]
