from __future__ import annotations

from django import template

from samla.accounts.models import User
from samla.surveys.access import reads_surveys as _reads_surveys

register = template.Library()


@register.filter
def reads_surveys(user: User) -> bool:
    """Whether the menu offers the questionnaires: the user is an association's office or board."""
    return _reads_surveys(user)
