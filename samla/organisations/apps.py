from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    """Organisations and associations."""

    name = "samla.organisations"
    verbose_name = _("Organisationer")
