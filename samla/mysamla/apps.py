from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MySamlaConfig(AppConfig):
    """Min Samla: the person's own pages, reached with e-ID (ADR 0015)."""

    name = "samla.mysamla"
    verbose_name = _("Min Samla")
