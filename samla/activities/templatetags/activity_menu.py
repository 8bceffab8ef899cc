from __future__ import annotations

from django import template

from samla.accounts.models import User

register = template.Library()


@register.filter
def reads_activities(user: User) -> bool:
    """Whether the menu offers the catalogue: the user has a role in some association."""
    if not user.is_authenticated:
        return False
    return user.role_assignments.filter(association__isnull=False).exists()
