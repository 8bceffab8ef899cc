from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    """The coordinated individual plan (SIP) that every organisation works from."""

    name = "samla.plans"
    verbose_name = _("Planer")
