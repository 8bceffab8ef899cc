from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    """The association's catalogue of activities (insatser): what, for whom, for how much."""

    name = "samla.activities"
    verbose_name = _("Insatser")
