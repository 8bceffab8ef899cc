from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Meetings around one person: request, preparation, summons, the meeting and its minutes."""

    name = "samla.meetings"
    verbose_name = _("Möten")
