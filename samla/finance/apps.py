from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    """The association's money: contributions, budgets and actuals, board decisions."""

    name = "samla.finance"
    verbose_name = _("Ekonomi")
