from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """E-mail notices to staff: a neutral subject and a link, never names or case content."""

    name = "samla.notifications"
    verbose_name = _("Aviseringar")

    def ready(self) -> None:
        from samla.notifications.links import check_base_url

        checks.register(check_base_url, checks.Tags.security)
