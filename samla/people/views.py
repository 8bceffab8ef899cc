from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from samla.accounts.http import AuthedRequest
from samla.accounts.models import Role
from samla.concurrency import Stale, changes, refuse
from samla.people import actions, keyset
from samla.people.access import (
    ParticipantAccess,
    get_consent_for_user,
    get_participant_for_user,
    get_team_member_for_user,
    read_search,
    team_with_access,
    visible_participants,
)
from samla.people.forms import (
    AddTeamMemberForm,
    ConsentForm,
    EditParticipantForm,
    LinkIdNumberForm,
    RegisterParticipantForm,
    SearchForm,
    WithdrawConsentForm,
)
from samla.people.models import Consent, InformationCategory
from samla.prepared import plan_with_values

STALE_EDIT = gettext_lazy(
    "Någon annan sparade ändringar medan du arbetade. Jämför nedan och spara igen om dina "
    "uppgifter ska gälla."
)
EDITABLE_FIELDS = [f for f in EditParticipantForm.Meta.fields if f != "target_groups"]
# What a row of the participant list shows, and what logging a search's one hit asks: only these.
LIST_COLUMNS = (
    *("kind", "search_name", "first_name", "last_name", "id_number", "id_number_kind"),
    *("protection", "controlling_organisation__name", "association__short_name"),
)


def is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_http_methods(["GET"])
def participant_list(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    participants = (
        visible_participants(request.user)
        .search(query)
        .select_related("controlling_organisation", "association")
        .only(*LIST_COLUMNS)
    )
    with transaction.atomic():
        if query:
            plan_with_values()  # how common the words are decides how best to find them
        page = keyset.page_of(participants, request.GET.get("sida"))
        read_search(request.user, page.rows, query=query, found_one=page.is_only_row)
    template = "people/participant_list.html" + ("#results" if is_htmx(request) else "")
    context = {
        "form": form,
        "page": page,
        "query": query,
        "can_register": request.user.has_role(Role.COORDINATOR),
    }
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def register_participant(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_role(Role.COORDINATOR) or request.user.organisation is None:
        return render(request, "people/not_coordinator.html", status=403)
    form = RegisterParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            participant = actions.register_participant(actor=request.user, **form.registration())
        except ValidationError as error:
            form.add_error("id_number", error)
        else:
            messages.success(request, _("Deltagaren är registrerad. Du är koordinator."))
            return redirect(participant)
    status = 422 if form.errors else 200
    return render(request, "people/register.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def participant_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Översikt")
    participant = access.participant
    consents = (
        Consent.objects.filter(participant=participant)
        .prefetch_related("organisations")
        .select_related("recorded_by")
    )
    context = {
        "access": access,
        "participant": participant,
        "team": team_with_access(participant),
        "consents": consents,
        "target_groups": participant.target_groups.all(),
        "today": timezone.localdate(),
        "sees_work_studies": access.allows(InformationCategory.WORK_STUDIES),
    }
    return render(request, "people/participant_detail.html", context)


@require_http_methods(["GET", "POST"])
def edit_participant(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Ändra uppgifter", manage=True)
    participant = access.participant
    form = EditParticipantForm(
        request.POST or None,
        instance=participant,
        association=participant.association,
        initial={"version": participant.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_participant(
                participant,
                actor=request.user,
                version=data["version"],
                changes={f: data[f] for f in EDITABLE_FIELDS},
                target_groups=data["target_groups"],
            )
        except Stale as stale:
            return refuse(
                request,
                "people/edit.html",
                {"participant": stale.current},
                form=form,
                stale=stale,
                message=STALE_EDIT,
                changed=changes(form, stale.current),
            )
        messages.success(request, _("Uppgifterna är sparade."))
        return redirect(participant)
    status = 422 if form.errors else 200
    return render(
        request, "people/edit.html", {"form": form, "participant": participant}, status=status
    )


@require_http_methods(["GET", "POST"])
def link_id_number(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Koppla nummer", manage=True)
    form = LinkIdNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.link_identity_number(
                access.participant, actor=request.user, number=form.cleaned_data["id_number"]
            )
        except ValidationError as error:
            form.add_error("id_number", error)
        else:
            messages.success(request, _("Reservnumret är ersatt. Det gamla numret finns kvar."))
            return redirect(access.participant)
    status = 422 if form.errors else 200
    return render(
        request,
        "people/link_id_number.html",
        {"form": form, "participant": access.participant},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def record_consent(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Nytt samtycke", manage=True)
    participant = access.participant
    if participant.is_anonymous:
        messages.error(request, _("En anonym deltagare kan inte lämna samtycke till delning."))
        return redirect(participant)
    form = ConsentForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.record_consent(
            actor=request.user,
            participant=participant,
            organisations=data["organisations"],
            categories_included=data["categories_included"],
            categories_excluded=data["categories_excluded"],
            form=data["form"],
            given_by=data["given_by"],
            given_by_name=data["given_by_name"].strip(),
            legal_basis=data["legal_basis"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            note=data["note"],
            draft=data["draft"],
        )
        messages.success(
            request,
            _("Samtycket väntar på att personen lämnar det i Min Samla.")
            if data["draft"]
            else _("Samtycket är registrerat."),
        )
        return redirect(participant)
    status = 422 if form.errors else 200
    return render(
        request,
        "people/consent_form.html",
        {"form": form, "participant": participant},
        status=status,
    )


def _consent_page(
    request: AuthedRequest,
    access: ParticipantAccess,
    consent: Consent,
    form: WithdrawConsentForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "consent": consent,
        "participant": access.participant,
        "form": form,
        "can_manage": access.can_manage,
    }
    return render(request, "people/consent_detail.html", context, status=status)


@require_http_methods(["GET"])
def consent_detail(request: AuthedRequest, pk: int, consent_pk: int) -> HttpResponse:
    access, consent = get_consent_for_user(request.user, pk, consent_pk)
    return _consent_page(request, access, consent, WithdrawConsentForm())


@require_POST
def withdraw_consent(request: AuthedRequest, pk: int, consent_pk: int) -> HttpResponse:
    access, consent = get_consent_for_user(request.user, pk, consent_pk, manage=True)
    form = WithdrawConsentForm(request.POST)
    if not form.is_valid():
        return _consent_page(request, access, consent, form, status=422)
    try:
        actions.withdraw_consent(consent, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Samtycket är återkallat och gäller inte längre."))
    return redirect(consent.participant)


@require_http_methods(["GET", "POST"])
def team(request: AuthedRequest, pk: int) -> HttpResponse:
    access = get_participant_for_user(request.user, pk, purpose="Team", manage=True)
    participant = access.participant
    form = AddTeamMemberForm(request.POST or None, candidates=actions.team_candidates(participant))
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_team_member(
                participant,
                actor=request.user,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error("user", error)
        else:
            messages.success(
                request, _("%(name)s är tillagd i teamet.") % {"name": form.cleaned_data["user"]}
            )
            return redirect("people:team", pk=participant.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "people/team.html",
        {"participant": participant, "team": team_with_access(participant), "form": form},
        status=status,
    )


@require_POST
def remove_team_member(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    member = get_team_member_for_user(request.user, pk, member_pk)
    try:
        actions.remove_team_member(member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s är borttagen ur teamet.") % {"name": member.user})
    return redirect("people:team", pk=pk)
