from __future__ import annotations

import copy
from base64 import b32encode
from collections.abc import Callable

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts import actions, eid
from samla.accounts.access import (
    administered_receivers,
    administered_users,
    administrable_associations,
    get_receiver_for_admin,
    get_user_for_admin,
    org_admin_required,
    receiving_associations,
)
from samla.accounts.actions import ActionRefused, CodeOutcome, LoginOutcome
from samla.accounts.forms import CodeForm, LoginForm, ReceiverForm, UserCreateForm, UserEditForm
from samla.accounts.http import AuthedRequest, safe_next
from samla.accounts.middleware import EID_SESSION_KEY, is_verified, second_factor_url, with_next
from samla.accounts.models import OneTimeLink, Receiver, User
from samla.concurrency import Stale
from samla.organisations.models import Association, AssociationMember

USERS_PER_PAGE = 100
# The same words for an unknown name, a wrong password and a locked-out one, so that the page
# reveals neither names nor locks (samla.accounts.lockout).
WRONG_MESSAGE = gettext_lazy(
    "Fel användarnamn eller lösenord. Efter för många försök i rad får du vänta en stund "
    "innan du kan försöka igen."
)
NOT_ENROLLED_MESSAGE = gettext_lazy(
    "Ditt konto är inte aktiverat ännu. Öppna engångslänken som du har fått av din "
    "organisationsadministratör, eller be om en ny."
)
# The session keys of a one-time link: the link being used (set when it is opened, so that the
# token leaves the address bar), and the user it lets enrol a second factor.
LINK_SESSION_KEY = "samla_one_time_link"
ENROL_SESSION_KEY = "samla_may_enrol"
# Where to go after a login with e-ID: kept from the start to the provider's answer.
EID_NEXT_SESSION_KEY = "samla_eid_next"


def _post_data(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _next_url(request: HttpRequest) -> str:
    """``next`` from the query or the form, if it points into Samla; else the start page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return safe_next(request, candidate, resolve_url(settings.LOGIN_REDIRECT_URL))


def _status(form: BaseForm) -> int:
    return 422 if form.errors else 200


def _after_password(user: User, next_url: str) -> str:
    target = second_factor_url(user)
    return with_next(target, next_url) if target else next_url


# Signing in and out --------------------------------------------------------------------------


@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    form = LoginForm(_post_data(request))
    if form.is_valid():
        attempt = actions.check_login(request, **form.cleaned_data)
        if attempt.outcome is LoginOutcome.OK and attempt.user is not None:
            auth_login(request, attempt.user)
            return redirect(_after_password(attempt.user, next_url))
        not_enrolled = attempt.outcome is LoginOutcome.NOT_ENROLLED
        form.add_error(None, str(NOT_ENROLLED_MESSAGE if not_enrolled else WRONG_MESSAGE))
    return _login_page(request, form, next_url, status=_status(form))


def _login_page(
    request: HttpRequest, form: LoginForm, next_url: str, *, status: int, eid_error: str = ""
) -> HttpResponse:
    context = {
        "form": form,
        "next": next_url,
        "eid_providers": eid.providers(),
        "eid_error": eid_error,
    }
    return render(request, "accounts/login.html", context, status=status)


def _eid_provider(name: str) -> eid.Provider:
    provider = eid.get_provider(name)
    if provider is None:
        raise Http404
    return provider


@login_not_required
@never_cache
@require_GET
def eid_start(request: HttpRequest, provider: str) -> HttpResponse:
    """To the provider, which sends the person back to ``eid_callback``."""
    chosen = _eid_provider(provider)
    request.session[EID_NEXT_SESSION_KEY] = _next_url(request)
    callback = reverse("accounts:eid_callback", args=[chosen.name])
    return eid.authorize_redirect(request, chosen, settings.SAMLA_BASE_URL.rstrip("/") + callback)


@login_not_required
@never_cache
@require_GET
def eid_callback(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's answer. A staff member it identifies is signed in, both factors at once."""
    chosen = _eid_provider(provider)
    next_url = request.session.pop(EID_NEXT_SESSION_KEY, "")
    attempt = actions.check_eid_login(request, provider=chosen)
    if attempt.user is None:
        assert attempt.refusal is not None
        status = 400 if attempt.refusal.reason is eid.Reason.PROTOCOL else 403
        message = attempt.refusal.reason.message
        return _login_page(request, LoginForm(), next_url, status=status, eid_error=message)
    auth_login(request, attempt.user, backend="samla.accounts.backends.UserBackend")
    request.session[EID_SESSION_KEY] = {"user": attempt.user.pk, "provider": chosen.name}
    return redirect(safe_next(request, next_url, resolve_url(settings.LOGIN_REDIRECT_URL)))


def _code_error(outcome: CodeOutcome) -> str:
    if outcome is CodeOutcome.THROTTLED:
        return _("För många felaktiga försök. Vänta en stund och försök igen.")
    return _("Koden stämmer inte. Skriv koden som appen visar just nu.")


def _finish_second_factor(request: AuthedRequest, device: TOTPDevice) -> None:
    otp_login(request, device)
    request.session.cycle_key()


@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: AuthedRequest) -> HttpResponse:
    next_url = _next_url(request)
    if is_verified(request):
        return redirect(next_url)
    if not user_has_device(request.user, confirmed=True):
        return redirect(_after_password(request.user, next_url))
    form = CodeForm(_post_data(request))
    if form.is_valid():
        outcome, device = actions.verify_second_factor(
            request, actor=request.user, token=form.cleaned_data["otp_token"]
        )
        if outcome is CodeOutcome.OK and device is not None:
            _finish_second_factor(request, device)
            return redirect(next_url)
        form.add_error("otp_token", _code_error(outcome))
    context = {"form": form, "next": next_url}
    return render(request, "accounts/verify.html", context, status=_status(form))


def _qr_and_secret(device: TOTPDevice) -> tuple[str, str]:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return segno.make(device.config_url).svg_data_uri(scale=5), grouped


def _may_enrol(request: AuthedRequest) -> bool:
    """Only a user who came in through a one-time link may add a second factor where one is
    required: the password alone must not let anyone put their own phone on the account."""
    if not settings.SAMLA_REQUIRE_MFA:
        return True
    return bool(request.session.get(ENROL_SESSION_KEY) == request.user.pk)


@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: AuthedRequest) -> HttpResponse:
    next_url = _next_url(request)
    if user_has_device(request.user, confirmed=True):
        return redirect(_after_password(request.user, next_url))
    if not _may_enrol(request):
        return render(request, "accounts/enrol_needs_link.html", status=403)
    form = CodeForm(_post_data(request))
    if form.is_valid():
        outcome, device = actions.confirm_enrolment(
            request, actor=request.user, token=form.cleaned_data["otp_token"]
        )
        if outcome is CodeOutcome.OK and device is not None:
            _finish_second_factor(request, device)
            request.session.pop(ENROL_SESSION_KEY, None)
            messages.success(request, _("Tvåstegsverifiering är aktiverad."))
            return redirect(next_url)
        form.add_error("otp_token", _code_error(outcome))
    qr, secret = _qr_and_secret(actions.start_enrolment(actor=request.user))
    context = {"form": form, "next": next_url, "qr": qr, "secret": secret}
    return render(request, "accounts/enrol.html", context, status=_status(form))


# One-time links ------------------------------------------------------------------------------


def _link_gone(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/link_gone.html", status=404)


@login_not_required
@never_cache
@require_GET
def link_open(request: HttpRequest, token: str) -> HttpResponse:
    """The address the administrator handed over. Whoever was signed in in this browser is
    signed out; the link is remembered in the session and the token leaves the address bar
    (and every Referer) at once."""
    link = OneTimeLink.objects.find(token)
    if link is None:
        return _link_gone(request)
    if request.user.is_authenticated:
        auth_logout(request)
    request.session[LINK_SESSION_KEY] = link.pk
    return redirect("accounts:link_use")


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def link_use(request: HttpRequest) -> HttpResponse:
    """Choose a password; then the second factor: the code from the app if the user has one,
    enrolment of a new one if not."""
    link_id = request.session.get(LINK_SESSION_KEY)
    if not isinstance(link_id, int):
        return _link_gone(request)
    link = OneTimeLink.objects.usable().select_related("user").filter(pk=link_id).first()
    if link is None or not link.user.is_active:
        return _link_gone(request)
    form = SetPasswordForm(link.user, _post_data(request))
    if form.is_valid():
        try:
            user = actions.use_link(
                link_id=link.pk, new_password=form.cleaned_data["new_password1"]
            )
        except ActionRefused:
            return _link_gone(request)
        request.session.pop(LINK_SESSION_KEY, None)
        auth_login(request, user, backend="samla.accounts.backends.UserBackend")
        if not user_has_device(user, confirmed=True):
            request.session[ENROL_SESSION_KEY] = user.pk
        messages.success(request, _("Ditt lösenord är sparat."))
        return redirect(_after_password(user, resolve_url(settings.LOGIN_REDIRECT_URL)))
    context = {"form": form, "person": link.user, "expires_at": link.expires_at}
    return render(request, "accounts/link_use.html", context, status=_status(form))


@require_POST
def logout_view(request: AuthedRequest) -> HttpResponse:
    actions.log_out(actor=request.user)
    auth_logout(request)
    messages.success(request, _("Du är utloggad."))
    return redirect("accounts:login")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    """Mitt konto: who Samla thinks I am, my roles, my second factor, and a new password."""
    form = PasswordChangeForm(request.user, _post_data(request))
    if form.is_valid():
        actions.change_password(actor=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Lösenordet är bytt."))
        return redirect("accounts:profile")
    context = {
        "form": form,
        "has_device": user_has_device(request.user, confirmed=True),
        "roles": request.user.role_assignments.select_related("association"),
    }
    return render(request, "accounts/profile.html", context, status=_status(form))


# Organisation administration ----------------------------------------------------------------


@org_admin_required
@require_GET
def user_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(administered_users(request.user), USERS_PER_PAGE).get_page(
        request.GET.get("sida")
    )
    return render(request, "accounts/user_list.html", {"page": page})


@org_admin_required
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    associations = list(administrable_associations(request.user))
    form = UserCreateForm(_post_data(request), admin=request.user, associations=associations)
    if form.is_valid():
        try:
            user, token = actions.create_user(
                actor=request.user, **form.profile(), roles=form.cleaned_roles()
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return _show_link(request, user, token, created=True)
    return render(request, "accounts/user_create.html", {"form": form}, status=_status(form))


@org_admin_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_user_for_admin(request.user, pk)
    associations = list(administrable_associations(request.user))
    form = UserEditForm(
        _post_data(request),
        instance=copy.copy(person),
        admin=request.user,
        associations=associations,
    )
    if form.is_valid():
        try:
            actions.update_user(
                actor=request.user,
                user=person,
                expected_version=form.cleaned_data["version"],
                profile=form.profile(),
                roles=form.cleaned_roles(),
            )
        except Stale:
            form.add_error(
                None,
                _(
                    "Någon annan har ändrat användaren medan du arbetade. "
                    "Ladda om sidan och gör ändringen igen."
                ),
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("accounts:user_edit", pk=person.pk)
    context = {"form": form, "person": person, "is_self": person.pk == request.user.pk}
    return render(request, "accounts/user_edit.html", context, status=_status(form))


def _admin_post(
    request: AuthedRequest, pk: int, change: Callable[[User], object], done: str
) -> HttpResponse:
    """The shape of the small administrative buttons: find, change, say so, go back."""
    person = get_user_for_admin(request.user, pk)
    try:
        change(person)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done % {"name": person})
    return redirect("accounts:user_edit", pk=person.pk)


@org_admin_required
@require_POST
def user_deactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    return _admin_post(
        request,
        pk,
        lambda u: actions.set_active(actor=request.user, user=u, active=False),
        _("%(name)s är inaktiverad och kan inte längre logga in."),
    )


@org_admin_required
@require_POST
def user_reactivate(request: AuthedRequest, pk: int) -> HttpResponse:
    return _admin_post(
        request,
        pk,
        lambda u: actions.set_active(actor=request.user, user=u, active=True),
        _("%(name)s är aktiverad igen och kan logga in."),
    )


@org_admin_required
@require_POST
def user_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    return _admin_post(
        request,
        pk,
        lambda u: actions.unlock_user(actor=request.user, user=u),
        _("%(name)s är upplåst och kan logga in igen."),
    )


def _show_link(request: AuthedRequest, person: User, token: str, *, created: bool) -> HttpResponse:
    """The one time the link is shown. Answered to the POST itself, never stored for a redirect."""
    link = OneTimeLink.objects.usable().get(token_hash=OneTimeLink.hash(token))
    address = settings.SAMLA_BASE_URL.rstrip("/") + reverse("accounts:link_open", args=[token])
    context = {"person": person, "address": address, "link": link, "created": created}
    return render(request, "accounts/link_issued.html", context)


@org_admin_required
@never_cache
@require_POST
def user_link(request: AuthedRequest, pk: int) -> HttpResponse:
    person = get_user_for_admin(request.user, pk)
    try:
        token = actions.issue_link(actor=request.user, user=person)
    except ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:user_edit", pk=person.pk)
    return _show_link(request, person, token, created=False)


@org_admin_required
@require_POST
def user_reset_second_factor(request: AuthedRequest, pk: int) -> HttpResponse:
    return _admin_post(
        request,
        pk,
        lambda u: actions.reset_second_factor(actor=request.user, user=u),
        _(
            "Tvåstegsverifieringen för %(name)s är återställd. Skapa en engångslänk och lämna "
            "den till användaren: med den aktiverar hen tvåstegsverifiering på nytt."
        ),
    )


@org_admin_required
@require_GET
def organisation_detail(request: AuthedRequest) -> HttpResponse:
    organisation = request.user.organisation
    memberships = AssociationMember.objects.filter(organisation=organisation).select_related(
        "association__organisation"
    )
    own = Association.objects.filter(organisation=organisation).first()
    context = {"organisation": organisation, "memberships": memberships, "own_association": own}
    return render(request, "accounts/organisation.html", context)


@org_admin_required
@require_http_methods(["GET", "POST"])
def receivers(request: AuthedRequest) -> HttpResponse:
    """Who receives the meeting invitations addressed to the organisation, per association."""
    associations = list(receiving_associations(request.user))
    users = [u for u in administered_users(request.user) if u.is_active]
    form = ReceiverForm(_post_data(request), associations=associations, users=users)
    if form.is_valid():
        try:
            actions.add_receiver(actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Mottagaren är tillagd."))
            return redirect("accounts:receivers")
    kept = list(administered_receivers(request.user))
    assert request.user.organisation_id is not None
    rows = [
        (
            association,
            [r for r in kept if r.association_id == association.pk],
            list(Receiver.objects.users(request.user.organisation_id, association)),
        )
        for association in associations
    ]
    context = {"form": form, "rows": rows}
    return render(request, "accounts/receivers.html", context, status=_status(form))


@org_admin_required
@require_POST
def receiver_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    receiver = get_receiver_for_admin(request.user, pk)
    actions.remove_receiver(actor=request.user, receiver=receiver)
    messages.success(request, _("%(who)s tar inte längre emot kallelser.") % {"who": receiver})
    return redirect("accounts:receivers")
