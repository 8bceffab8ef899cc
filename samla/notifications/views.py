from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samla.accounts.http import AuthedRequest
from samla.notifications.forms import PreferenceForm
from samla.notifications.notices import preference_for


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    form = PreferenceForm(request.POST or None, instance=preference_for(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Dina val är sparade."))
        return redirect("notifications:preferences")
    status = 422 if form.errors else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
