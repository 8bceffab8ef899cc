from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    """The person's story, told once (min berättelse)."""

    name = "samla.stories"
    verbose_name = _("Berättelser")
