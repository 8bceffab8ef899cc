from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data matching the seeds, and larger generated data sets for benchmarks."""

    name = "samla.demo"
    verbose_name = _("Demodata")
