from __future__ import annotations

from django import template

from samla.accounts.models import User
from samla.reports.access import esf_activities, reporting_associations

register = template.Library()


@register.filter
def reads_reports(user: User) -> bool:
    """Whether the menu offers the yearly reports: the user is an association's office or board."""
    return bool(reporting_associations(user))


@register.filter
def makes_esf_files(user: User) -> bool:
    """Whether the menu offers the ESF participant files: the user is an ESF reporter of an ESF
    co-funded activity's provider."""
    return user.is_authenticated and esf_activities(user).exists()
