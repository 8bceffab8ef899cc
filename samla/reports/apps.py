from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """What the association reports once a year (the annual report, FK's national follow-up)
    and what the owner of an ESF project reports each month (the ESF participant file)."""

    name = "samla.reports"
    label = "reports"
    verbose_name = _("Rapporter")
