from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Import of history: participations and their measurements from a CSV or XLSX file, checked
    row by row in the background and written all or nothing (docs/import-format.md)."""

    name = "samla.imports"
    verbose_name = _("Import av historik")
