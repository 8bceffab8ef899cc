from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Access-log review (loggkontroll) and the person's access extract (R4)."""

    name = "samla.oversight"
    verbose_name = _("Tillsyn")
