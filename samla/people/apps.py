from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """Participants, consent and team."""

    name = "samla.people"
    verbose_name = _("Deltagare")
