"""Users, the one organisation each works for, and their roles in associations."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samla.organisations.models import Association, Organisation


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Koordinator")
    CASE_HANDLER = "case_handler", _("Handläggare")
    ACTIVITY_STAFF = "activity_staff", _("Insatspersonal")
    ASSOCIATION_OFFICE = "association_office", _("Förbundets kansli")
    BOARD_MEMBER = "board_member", _("Styrelseledamot")
    ORG_ADMIN = "org_admin", _("Organisationsadministratör och loggranskare")
    # Reports the participants of the ESF projects its organisation provides, month by month
    # (samla.reports.esf). Not a person role: it reaches no participant page, only that file.
    ESF_REPORTER = "esf_reporter", _("ESF-rapportör")


# Roles that may ever reach person-level data. Association office and board never do (R1).
PERSON_ROLES = frozenset({Role.COORDINATOR, Role.CASE_HANDLER, Role.ACTIVITY_STAFF})
# Those who run an association: its office keeps the association's own records (its money, its
# questionnaires, its reports) and its board reads them. Neither ever reaches person data.
ASSOCIATION_LEADERS = (Role.ASSOCIATION_OFFICE, Role.BOARD_MEMBER)
# The organisation administrator works for their organisation, not within one association.
ORGANISATION_ROLES = frozenset({Role.ORG_ADMIN})


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("Den organisation användaren arbetar för. Saknas bara för systemförvaltare."),
    )
    title = models.CharField(_("befattning"), max_length=120, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    # Who the user is to an e-ID provider (ADR 0014): set by the organisation administrator,
    # never by a login. A citizen e-ID matches the 12-digit personnummer or samordningsnummer,
    # SITHS the HSA-id. Empty: no e-ID login, password and code only.
    identity_number = models.CharField(
        _("personnummer"),
        max_length=12,
        blank=True,
        help_text=_("ÅÅÅÅMMDDNNNN, för inloggning med e-legitimation."),
    )
    hsa_id = models.CharField(
        _("HSA-id"),
        max_length=64,
        blank=True,
        help_text=_("För inloggning med SITHS-kort."),
    )
    # A person who gets support and opens Min Samla (samla.mysamla): their own account, made at
    # their first login with e-ID, holding only the number the e-ID gave. Such a user has no
    # organisation, no role, no password and reaches no staff page (PersonDoorMiddleware); a
    # staff member who is also a participant has two accounts, one for each door.
    person_number = models.CharField(
        _("personens identitetsnummer"), max_length=12, blank=True, editable=False
    )

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        constraints = [
            models.UniqueConstraint(
                fields=["identity_number"],
                condition=~Q(identity_number=""),
                name="accounts_user_unique_identity_number",
            ),
            models.UniqueConstraint(
                fields=["hsa_id"],
                condition=~Q(hsa_id=""),
                name="accounts_user_unique_hsa_id",
            ),
            models.CheckConstraint(
                condition=Q(identity_number="") | Q(identity_number__regex=r"^[0-9]{12}$"),
                name="accounts_user_identity_number_digits",
            ),
            models.UniqueConstraint(
                fields=["person_number"],
                condition=~Q(person_number=""),
                name="accounts_user_unique_person_number",
            ),
            models.CheckConstraint(
                condition=Q(person_number="")
                | (
                    Q(person_number__regex=r"^[0-9]{12}$")
                    & Q(organisation__isnull=True)
                    & Q(identity_number="")
                    & Q(hsa_id="")
                    & Q(is_staff=False)
                    & Q(is_superuser=False)
                ),
                name="accounts_user_person_is_only_a_person",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def assignments(self) -> list[RoleAssignment]:
        """The user's roles, read once per user object (once per request for request.user,
        however many questions the menu and the views ask of them), unordered: what asks for
        an order sorts them itself."""
        if "role_assignments" not in getattr(self, "_prefetched_objects_cache", {}):
            unordered = RoleAssignment.objects.order_by()
            prefetch_related_objects([self], Prefetch("role_assignments", queryset=unordered))
        return list(self.role_assignments.all())

    def has_role(self, *roles: Role, association: Association | None = None) -> bool:
        return any(
            assignment.role in roles
            and (association is None or assignment.association_id == association.pk)
            for assignment in self.assignments()
        )

    def association_ids(self, *roles: Role) -> set[int]:
        """The associations in which the user holds one of ``roles`` (any role if none given)."""
        return {
            a.association_id
            for a in self.assignments()
            if a.association_id is not None and (not roles or a.role in roles)
        }

    @property
    def runs_an_association(self) -> bool:
        """Office or board somewhere: the menu offers Ekonomi, Rapporter and Enkäter."""
        return self.has_role(*ASSOCIATION_LEADERS)

    def roles_in(self, association: Association) -> set[str]:
        return {a.role for a in self.assignments() if a.association_id == association.pk}

    def associations(self) -> list[Association]:
        seen: dict[int, Association] = {}
        for assignment in self.assignments():
            if assignment.association is not None:
                seen.setdefault(assignment.association.pk, assignment.association)
        return sorted(seen.values(), key=lambda a: a.short_name)

    @property
    def is_person(self) -> bool:
        """A participant signed in to Min Samla, not a member of staff."""
        return bool(self.person_number)

    @property
    def reaches_person_data(self) -> bool:
        return self.has_role(*PERSON_ROLES)

    @property
    def is_activity_staff(self) -> bool:
        return self.has_role(Role.ACTIVITY_STAFF)

    @property
    def is_org_admin(self) -> bool:
        return self.has_role(Role.ORG_ADMIN)

    def edit_version(self) -> str:
        """A fingerprint of what an administrator edits, so a save based on a stale page is
        refused instead of overwriting someone else's change (samla/concurrency.py)."""
        roles = sorted(f"{a.association_id}:{a.role}" for a in self.role_assignments.all())
        fields = [self.username, self.first_name, self.last_name, self.email, self.title]
        payload = json.dumps([*fields, self.phone, self.identity_number, self.hsa_id, roles])
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


class RoleAssignment(models.Model):
    """A user's role in one association (or, for organisation roles, in their organisation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="role_assignments",
        null=True,
        blank=True,
    )
    role = models.CharField(_("roll"), max_length=32, choices=Role.choices)

    class Meta:
        ordering = ["association__short_name", "role"]
        verbose_name = _("roll")
        verbose_name_plural = _("roller")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "association", "role"],
                condition=Q(association__isnull=False),
                name="accounts_roleassignment_unique_role_in_association",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(association__isnull=True),
                name="accounts_roleassignment_unique_organisation_role",
            ),
            models.CheckConstraint(
                condition=(Q(role__in=list(ORGANISATION_ROLES)) & Q(association__isnull=True))
                | (~Q(role__in=list(ORGANISATION_ROLES)) & Q(association__isnull=False)),
                name="accounts_roleassignment_association_matches_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.association or self.user.organisation
        return f"{self.get_role_display()} ({where})"


# Who may receive what is addressed to an organisation: people who can join a person's team.
RECEIVER_ROLES = [role for role in Role if role in PERSON_ROLES]


class ReceiverQuerySet(models.QuerySet["Receiver"]):
    def users(self, organisation_id: int, association: Association) -> models.QuerySet[User]:
        """The active users who receive for an organisation in an association: those named,
        and those of the organisation who hold a named role there. Only people with a role
        that reaches person data in the association, since they must be able to join a team."""
        kept = self.filter(organisation_id=organisation_id, association=association)
        roles = list(kept.exclude(role="").values_list("role", flat=True))
        in_association = RoleAssignment.objects.filter(association=association)
        return (
            User.objects.filter(organisation_id=organisation_id, is_active=True)
            .filter(
                Q(pk__in=kept.filter(user__isnull=False).values("user_id"))
                | Q(pk__in=in_association.filter(role__in=roles).values("user_id"))
            )
            .filter(pk__in=in_association.filter(role__in=list(PERSON_ROLES)).values("user_id"))
            .order_by("pk")
        )


class Receiver(models.Model):
    """Who receives the meeting invitations addressed to an organisation in one association,
    when nobody of it is on the person's team: named people or everyone with a role, kept by
    the organisation's administrator (issue 14)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="receivers",
    )
    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.CASCADE,
        related_name="receivers",
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="receives_for",
    )
    role = models.CharField(
        _("roll"),
        max_length=32,
        blank=True,
        choices=[(role.value, role.label) for role in RECEIVER_ROLES],
    )
    added_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReceiverQuerySet.as_manager()

    class Meta:
        ordering = ["association__short_name", "role", "user__first_name", "pk"]
        verbose_name = _("mottagare av kallelser")
        verbose_name_plural = _("mottagare av kallelser")
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(role=""))
                | (Q(user__isnull=True) & ~Q(role="")),
                name="accounts_receiver_person_or_role",
            ),
            models.UniqueConstraint(
                fields=["organisation", "association", "user"],
                condition=Q(user__isnull=False),
                name="accounts_receiver_unique_person",
            ),
            models.UniqueConstraint(
                fields=["organisation", "association", "role"],
                condition=~Q(role=""),
                name="accounts_receiver_unique_role",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.get_role_display()


class OneTimeLinkQuerySet(models.QuerySet["OneTimeLink"]):
    def usable(self) -> OneTimeLinkQuerySet:
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())

    def find(self, token: str) -> OneTimeLink | None:
        """The usable link the token opens, if any."""
        return self.usable().filter(token_hash=OneTimeLink.hash(token)).first()


class OneTimeLink(models.Model):
    """A link the organisation administrator hands a user, so that they can choose a password
    and, if they have none, enrol their second factor: the way in for a new user, and back in
    for one who forgot their password or lost their phone. Only a hash of the token is kept:
    the link is shown once, when it is made. It expires and works once; making a new one
    voids the old (samla.accounts.actions.issue_link)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="one_time_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OneTimeLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("engångslänk")
        verbose_name_plural = _("engångslänkar")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="accounts_onetimelink_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_at__gte=models.F("created_at")),
                name="accounts_onetimelink_used_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d %H:%M})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def new(cls, *, user: User, created_by: User) -> tuple[OneTimeLink, str]:
        """An unsaved link and its token, which only the caller ever sees."""
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        link = cls(
            user=user,
            token_hash=cls.hash(token),
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(hours=settings.SAMLA_ONE_TIME_LINK_HOURS),
        )
        return link, token
