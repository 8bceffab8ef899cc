from __future__ import annotations

from django import template

from samla.accounts.models import User
from samla.activities.access import reading_association_ids

register = template.Library()


@register.filter
def reads_activities(user: User) -> bool:
    """Whether the menu offers the catalogue: the user has a role in some association."""
    return bool(reading_association_ids(user))
