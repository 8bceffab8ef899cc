"""Telling staff that something in Samla wants their attention.

``notify()`` is called by the app that knows what happened (plans, later meetings and
referrals), inside its transaction: the notice is recorded at once and the mail is queued for
the background worker only when the transaction commits.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.urls import reverse

from samla.accounts.models import User
from samla.notifications.models import Kind, Notice, Preference
from samla.notifications.tasks import send_notice


def preference_for(user: User) -> Preference:
    """The user's choices; the defaults (everything on) until they save their own."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def notify(
    user: User,
    kind: Kind,
    *,
    about: models.Model,
    path: str,
    occasion: str = "",
    ics: str = "",
) -> Notice | None:
    """Queue a neutral mail to ``user`` about ``about`` unless they opted out, have no address,
    or were already told this kind of thing about it. ``occasion`` tells apart things said
    more than once about the same object (each new version of a meeting); ``ics`` is a
    calendar file sent with the mail."""
    if not user.is_active or not user.email or not preference_for(user).wants(kind):
        return None
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                user=user,
                kind=kind,
                object_type=about._meta.label_lower,
                object_id=f"{about.pk}:{occasion}" if occasion else str(about.pk),
                path=path,
                ics=ics,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: send_notice.enqueue(notice.pk))
    return notice


def notify_person(number: str, *, about: models.Model, occasion: str = "") -> Notice | None:
    """Tell the person with this identity number, if they chose it in Min Samla, that there is
    something new: "Du har något nytt i Samla" and a link to Min Samla, nothing more. Never a
    calendar file, never a name or a place (a person with protected identity may choose it too).
    Nobody is told who has not logged in to Min Samla and given an address there."""
    person = User.objects.filter(person_number=number).first() if number else None
    if person is None:
        return None
    path = reverse("mysamla:start")
    return notify(person, Kind.PERSON_NEWS, about=about, path=path, occasion=occasion)
