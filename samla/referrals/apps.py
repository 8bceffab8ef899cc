from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Closed-loop referrals of a person to an individual activity (docs/domain.md §5E)."""

    name = "samla.referrals"
    verbose_name = _("Remisser")
