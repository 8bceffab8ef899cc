from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Anonymous questionnaires in fixed, versioned wording, answered from a shared link."""

    name = "samla.surveys"
    verbose_name = _("Enkäter")
