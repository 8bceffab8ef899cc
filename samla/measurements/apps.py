from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementsConfig(AppConfig):
    """Measurements of one participation: at entry, at exit, and one and six months after exit
    (docs/domain.md §5F)."""

    name = "samla.measurements"
    verbose_name = _("Mätningar")
