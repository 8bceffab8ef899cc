"""The person's settings: an e-mail address for a neutral notice, if they want one."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samla.accounts.http import AuthedRequest
from samla.audit.models import AuditEvent
from samla.audit.record import record
from samla.mysamla.forms import NoticeForm
from samla.mysamla.http import person_view
from samla.notifications.models import Preference
from samla.notifications.notices import preference_for
from samla.people.access import OWN_ROLE


@person_view
@require_http_methods(["GET", "POST"])
def notices(request: AuthedRequest) -> HttpResponse:
    person = request.user
    initial = {"email": person.email, "on_person_news": preference_for(person).on_person_news}
    form = NoticeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            person.email = form.cleaned_data["email"]
            person.save(update_fields=["email"])
            Preference.objects.update_or_create(
                user=person, defaults={"on_person_news": form.cleaned_data["on_person_news"]}
            )
            record(
                actor=person,
                action=AuditEvent.Action.UPDATE,
                obj=person,
                role=OWN_ROLE,
                summary="Min Samla: meddelanden",
            )
        messages.success(request, _("Dina val är sparade."))
        return redirect("mysamla:notices")
    status = 422 if form.errors else 200
    return render(request, "mysamla/notices.html", {"form": form}, status=status)
