from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    """The one statistics layer every figure goes through: suppression, tables, charts (R7).

    Pure: it knows no Samla model and reads no database; callers pass counts in."""

    name = "samla.statistics"
    label = "statistics"
    verbose_name = _("Statistik")
