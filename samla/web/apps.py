from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Site layout, start page and health."""

    name = "samla.web"
    verbose_name = _("Webb")
