from __future__ import annotations

from django import template

from samla.accounts.models import Role, User

register = template.Library()

# The menu asks of the roles read once per request (User.assignments), never of the database.


@register.filter
def makes_esf_files(user: User) -> bool:
    """Whether the menu offers the ESF participant files: the user is an ESF reporter."""
    return user.is_authenticated and user.has_role(Role.ESF_REPORTER)
