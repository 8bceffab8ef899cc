from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users and sign-in."""

    name = "samla.accounts"
    verbose_name = _("Användare")
