from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

urlpatterns = [
    path("", include("samla.web.urls")),
    path("konto/", include("samla.accounts.urls")),
    # Min Samla: the person's own pages (samla.mysamla), behind their own e-ID login.
    path("min-samla/", include("samla.mysamla.urls")),
    path("deltagare/<int:pk>/berattelse/", include("samla.stories.urls")),
    path("deltagare/<int:pk>/plan/", include("samla.plans.urls")),
    path("deltagare/<int:pk>/moten/", include("samla.meetings.urls")),
    # A referral's measurements (under both sides' referral addresses) and insatser/fragor/.
    path("", include("samla.measurements.urls")),
    # deltagare/<pk>/remisser/ (the person's side) and remisser/ (the provider's side).
    path("", include("samla.referrals.urls")),
    path("utforare/", include("samla.referrals.provider_urls")),
    path("utforare/esf/", include("samla.reports.esf_urls")),
    path("deltagare/", include("samla.people.urls")),
    path("insatser/", include("samla.activities.urls")),
    path("import/", include("samla.imports.urls")),
    path("arbetslista/", include("samla.web.worklist_urls")),
    path("moten/", include("samla.meetings.my_urls")),
    path("statistik/", include("samla.indicators.urls")),
    path("ekonomi/", include("samla.finance.urls")),
    path("rapporter/", include("samla.reports.urls")),
    path("granskning/", include("samla.oversight.urls")),
    path("gallring/", include("samla.retention.urls")),
    path("aviseringar/", include("samla.notifications.urls")),
    path("enkater/", include("samla.surveys.urls")),
    # A survey round's answering link: open without login, by design (samla.surveys.views).
    path("enkat/", include("samla.surveys.answer_urls")),
    # Choosing a language needs no login: the login page and a survey's answering pages offer it.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Django admin signs in through our login (lock-out, second factor, audit), never its own.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]
# An uncaught exception: 503 if the database cannot be reached, else Django's 500 (500.html).
handler500 = "samla.web.outage.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
