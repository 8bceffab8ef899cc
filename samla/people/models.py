"""The person at the centre, the consent that lets other organisations see them, and their team.

These three live together because together they decide who may see a person: the team says who
needs to know (R3), the consent says which other organisations may know (R2), and the person's
protection level narrows both (R6). ``samla.people.access`` is the only place that combines them.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from samla import idnumbers
from samla.accounts.models import PERSON_ROLES, RoleAssignment
from samla.addresses import address
from samla.organisations.models import Association, Municipality, Organisation
from samla.people import names

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from samla.accounts.models import User


class InformationCategory(models.TextChoices):
    """What a consent can include or exclude; later records (story, plan) carry one each."""

    CONTACT = "contact", _("Kontaktuppgifter")
    LIFE_SITUATION = "life_situation", _("Livssituation och familj")
    HEALTH = "health", _("Hälsa och vård")
    WORK_STUDIES = "work_studies", _("Arbete och studier")
    INCOME = "income", _("Försörjning och ersättningar")
    SOCIAL_SERVICES = "social_services", _("Socialtjänstens insatser")
    PLANS_MEETINGS = "plans_meetings", _("Planer och möten")


class Sex(models.TextChoices):
    WOMAN = "F", _("Kvinna")
    MAN = "M", _("Man")
    OTHER = "X", _("Annat / vill inte ange")


class TargetGroup(models.Model):
    """An association's target groups (målgrupper), used for registration and statistics."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="target_groups"
    )
    code = models.SlugField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=120)

    class Meta:
        ordering = ["association", "name"]
        verbose_name = _("målgrupp")
        verbose_name_plural = _("målgrupper")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "code"], name="people_targetgroup_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Sees(models.Expression):
    """Whether a user may see the participant a row is about: the rule of ``visible_to``, as one
    SQL condition. ``path`` leads from the row to the participant (none for a participant's own
    row). The user and their organisation are values (``visible_to``), or columns of the row
    (a team's members, ``member_sees``).

    - The user is on the participant's current team.
    - The user holds a role that reaches person data in the participant's association.
    - The user's organisation controls the participant, or (unless the identity is protected) a
      consent in force names it: given, begun, not ended and not withdrawn on ``today``, the
      conditions of ``ConsentQuerySet.in_force``.

    It is written out as SQL, once per database, and filled in for each use: built from
    querysets, the same condition cost a millisecond or two of Python on every query that asks
    it, and a start page asks it in eight. The role and the consent are asked row by row, as
    scalar subqueries (one index lookup each) rather than EXISTS: PostgreSQL may hash an EXISTS
    over every consent naming the organisation, and misjudges how many rows pass one on the
    role, so that a page sorted the whole caseload instead of walking the list's index until the
    page is full. The tests of the rule (``people/tests/test_access.py``, the permission
    matrix) all go through here.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(
        self,
        user: int | models.F,
        organisation: int | models.F,
        today: date,
        path: str = "",
    ) -> None:
        super().__init__()
        self.today = today
        prefix = f"{path}__" if path else ""
        self.sources: list[Any] = [
            models.F(path or "pk"),
            models.F(f"{prefix}association_id"),
            models.F(f"{prefix}controlling_organisation_id"),
            models.F(f"{prefix}protection"),
            user if isinstance(user, models.F) else models.Value(user),
            organisation if isinstance(organisation, models.F) else models.Value(organisation),
        ]

    def get_source_expressions(self) -> list[Any]:
        return self.sources

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.sources = list(exprs)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        names = ("pk", "association", "controller", "protection", "user", "organisation")
        parts: dict[str, tuple[str, Sequence[Any]]] = {
            name: compiler.compile(source) for name, source in zip(names, self.sources, strict=True)
        }
        roles = sorted(PERSON_ROLES)
        on = connection.ops.adapt_datefield_value(self.today)
        parts["roles"] = (", ".join(["%s"] * len(roles)), roles)
        parts["unprotected"] = ("%s", [Participant.Protection.NONE.value])
        parts["on"] = ("%s", [on])
        template, order = _sees_sql(connection)
        sql = template.format(**{name: part_sql for name, (part_sql, _) in parts.items()})
        return sql, [param for name in order for param in parts[name][1]]


def seen_by(user: User, path: str = "") -> Q:
    """``Sees`` for a signed-in user today, on the participant at ``path`` (none for a
    participant's own row); no one for a user without an organisation, or no user."""
    if not user.is_authenticated or user.organisation_id is None:
        return Q(pk__in=[])
    return Q(Sees(user.pk, user.organisation_id, timezone.localdate(), path=path))


_SEES_SQL: dict[str, tuple[str, list[str]]] = {}


def _sees_sql(connection: BaseDatabaseWrapper) -> tuple[str, list[str]]:
    """``Sees``'s SQL on this kind of database, with its parts to be filled in, and the parts in
    the order they come (whose parameters go in that order)."""
    if connection.vendor not in _SEES_SQL:
        template = _write_sees_sql(connection.ops.quote_name)
        order = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
        _SEES_SQL[connection.vendor] = (template, order)
    return _SEES_SQL[connection.vendor]


def _write_sees_sql(quote: Callable[[str], str]) -> str:
    def table(model: type[models.Model], alias: str) -> str:
        return f"{quote(model._meta.db_table)} {alias}"

    def column(model: type[models.Model], alias: str, name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        return f"{alias}.{quote(field.get_attname_column()[1])}"

    member, role, consent = TeamMember, RoleAssignment, Consent
    named = Consent.organisations.through
    on_team = (
        # Names from the models; every value a parameter.
        f"EXISTS (SELECT 1 FROM {table(member, 'samla_t')}"  # noqa: S608
        f" WHERE {column(member, 'samla_t', 'participant')} = {{pk}}"
        f" AND {column(member, 'samla_t', 'user')} = {{user}}"
        f" AND {column(member, 'samla_t', 'removed_at')} IS NULL)"
    )
    has_role = (
        f"(SELECT 1 FROM {table(role, 'samla_r')}"  # noqa: S608
        f" WHERE {column(role, 'samla_r', 'user')} = {{user}}"
        f" AND {column(role, 'samla_r', 'association')} = {{association}}"
        f" AND {column(role, 'samla_r', 'role')} IN ({{roles}})"
        " LIMIT 1) IS NOT NULL"
    )
    names_organisation = (
        f"(SELECT 1 FROM {table(consent, 'samla_c')}"  # noqa: S608
        f" INNER JOIN {table(named, 'samla_o')}"
        f" ON {column(named, 'samla_o', 'consent')} = {column(consent, 'samla_c', 'id')}"
        f" WHERE {column(consent, 'samla_c', 'participant')} = {{pk}}"
        f" AND {column(named, 'samla_o', 'organisation')} = {{organisation}}"
        f" AND {column(consent, 'samla_c', 'given_at')} IS NOT NULL"
        f" AND {column(consent, 'samla_c', 'valid_from')} <= {{on}}"
        f" AND ({column(consent, 'samla_c', 'valid_to')} IS NULL"
        f" OR {column(consent, 'samla_c', 'valid_to')} >= {{on}})"
        f" AND {column(consent, 'samla_c', 'withdrawn_at')} IS NULL"
        " LIMIT 1) IS NOT NULL"
    )
    return (
        f"({on_team} AND {has_role} AND ({{controller}} = {{organisation}}"
        f" OR ({{protection}} = {{unprotected}} AND {names_organisation})))"
    )


class ParticipantQuerySet(models.QuerySet["Participant"]):
    def with_records_of(self, organisation_id: int) -> ParticipantQuerySet:
        """The people whose records this organisation keeps: it controls them, or someone of
        it is or was on their team. For retention (samla.retention), never for reading them."""
        on_team = TeamMember.objects.filter(
            participant=models.OuterRef("pk"), user__organisation_id=organisation_id
        )
        return self.filter(Q(controlling_organisation_id=organisation_id) | models.Exists(on_team))

    def visible_to(self, user: User) -> ParticipantQuerySet:
        """The participants this user may see: on the team, by a role that reaches person data,
        in the controlling organisation or one that a current consent names (R2, R3), and for a
        protected identity only in the controlling organisation (R6)."""
        return self.filter(seen_by(user))

    def controlled_by(self, organisation_id: int) -> ParticipantQuerySet:
        """The participants the organisation is data controller for, whoever may see them: for
        what the organisation answers for (its log review, its own import), never for a page
        that shows a person."""
        return self.filter(controlling_organisation_id=organisation_id)

    def kept_anywhere(self, id_number: str) -> bool:
        """Whether any organisation keeps a record of the person with this number (culling:
        their own account in Min Samla goes with the last)."""
        return bool(id_number) and self.filter(id_number=id_number).exists()

    def controllers(self, ids: Iterable[int]) -> dict[int, int]:
        """Each of these participants' controlling organisation, in one query: for records that
        store a participant's id, such as the access log."""
        return dict(self.filter(pk__in=ids).values_list("pk", "controlling_organisation_id"))

    def search(self, query: str) -> ParticipantQuerySet:
        query = query.strip()
        if not query:
            return self
        try:
            number = idnumbers.parse(query)
        except idnumbers.InvalidIdNumber:
            if idnumbers.looks_like_number(query):
                digits = "".join(ch for ch in query if ch.isalnum())
                return self.filter(id_number__contains=digits.upper())
        else:
            return self.filter(id_number=number.value)
        # Every word typed is somewhere in the normalised name (``people.names``): a LIKE
        # '%word%' that the trigram index serves on PostgreSQL, a plain scan on SQLite.
        condition = Q()
        for term in names.normalise(query).split():
            condition &= Q(search_name__contains=term)
        return self.filter(condition)

    def newest_on_team_of(self, user: User) -> ParticipantQuerySet:
        """The people on the user's team, whom they joined last first: a start page's panel
        takes the first few, walking the user's own team rows by their index rather than
        sorting everyone the user may see."""
        return self.filter(team_members__user=user, team_members__removed_at__isnull=True).order_by(
            "-team_members__added_at", "-pk"
        )

    def in_list_order(self) -> ParticipantQuerySet:
        """The participant list's order, a stable key for paging by keyset: identified people
        by normalised name, anonymous ones after them, the primary key last."""
        return self.order_by(*LIST_ORDER)

    def after(self, row: Participant) -> ParticipantQuerySet:
        """The rows that follow ``row`` in the list's order (``in_list_order``)."""
        return self.filter(
            Q(kind__lt=row.kind)
            | Q(kind=row.kind, search_name__gt=row.search_name)
            | Q(kind=row.kind, search_name=row.search_name, pk__gt=row.pk)
        )

    def before(self, row: Participant) -> ParticipantQuerySet:
        """The rows that come before ``row`` in the list's order, nearest first."""
        return self.filter(
            Q(kind__gt=row.kind)
            | Q(kind=row.kind, search_name__lt=row.search_name)
            | Q(kind=row.kind, search_name=row.search_name, pk__lt=row.pk)
        ).order_by(*(_reversed(key) for key in LIST_ORDER))

    def bulk_create(
        self, objs: Iterable[Participant], *args: Any, **kwargs: Any
    ) -> list[Participant]:
        objs = list(objs)
        for participant in objs:
            participant.name_for_search()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(
        self, objs: Iterable[Participant], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> int:
        objs, fields = list(objs), list(fields)
        if NAME_FIELDS & set(fields):
            for participant in objs:
                participant.name_for_search()
            fields = [*fields, "search_name"]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        if NAME_FIELDS & kwargs.keys() and "search_name" not in kwargs:
            raise ValueError("A change of name updates search_name too (people.names).")
        return super().update(**kwargs)


# The participant list's order (``ParticipantQuerySet.in_list_order``): "identified" sorts after
# "anonymous", so descending puts the named people first.
LIST_ORDER = ("-kind", "search_name", "pk")
NAME_FIELDS = frozenset({"first_name", "last_name"})


def _reversed(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


class Participant(models.Model):
    """A person who gets coordinated support. Anonymous participants carry sex and start year
    only, and still count in every figure (R5)."""

    class Kind(models.TextChoices):
        IDENTIFIED = "identified", _("Identifierad")
        ANONYMOUS = "anonymous", _("Anonym")

    class Protection(models.TextChoices):
        NONE = "none", _("Inga skyddade personuppgifter")
        CONFIDENTIALITY_MARKING = "marking", _("Sekretessmarkering")
        PROTECTED_REGISTRATION = "registration", _("Skyddad folkbokföring")

    association = models.ForeignKey(
        Association,
        verbose_name=_("samordningsförbund"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    controlling_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("personuppgiftsansvarig organisation"),
        on_delete=models.PROTECT,
        related_name="controlled_participants",
    )
    kind = models.CharField(_("registrering"), max_length=12, choices=Kind.choices)
    id_number = models.CharField(_("identitetsnummer"), max_length=12, blank=True)
    id_number_kind = models.CharField(
        _("typ av nummer"),
        max_length=20,
        choices=[(k.value, k.label) for k in idnumbers.IdNumberKind],
        blank=True,
    )
    former_reserve_number = models.CharField(_("tidigare reservnummer"), max_length=12, blank=True)
    first_name = models.CharField(_("förnamn"), max_length=100, blank=True)
    last_name = models.CharField(_("efternamn"), max_length=100, blank=True)
    # Surname and first name normalised for search and sorting (``people.names``), kept by
    # ``save`` and the queryset's bulk paths.
    search_name = models.CharField(max_length=201, blank=True, default="", editable=False)
    sex = models.CharField(_("kön"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("födelsedatum"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("startår"))
    home_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("hemkommun"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("målgrupper"), blank=True, related_name="participants"
    )
    protection = models.CharField(
        _("skyddade personuppgifter"),
        max_length=16,
        choices=Protection.choices,
        default=Protection.NONE,
    )
    interpreter_language = models.CharField(_("tolk behövs, språk"), max_length=60, blank=True)
    sign_language = models.BooleanField(_("teckenspråkstolk"), default=False)
    accessibility_needs = models.TextField(
        _("behov av anpassning"),
        max_length=2000,
        blank=True,
        help_text=_("Till exempel lättläst material, uppläsning, tillgänglig lokal."),
    )
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    street_address = models.CharField(_("gatuadress"), max_length=200, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=6, blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("registrerad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # When the details above were last changed: one of the dates the culling run counts the
    # last entry about the person from (samla.retention.culling). Empty until the first change.
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")
        constraints = [
            models.UniqueConstraint(
                fields=["controlling_organisation", "id_number"],
                condition=~Q(id_number=""),
                name="people_participant_unique_id_number_per_controller",
            ),
            models.CheckConstraint(
                condition=(Q(kind="identified") & ~Q(id_number="") & ~Q(id_number_kind=""))
                | (
                    Q(kind="anonymous")
                    & Q(id_number="")
                    & Q(first_name="")
                    & Q(last_name="")
                    & Q(birth_date__isnull=True)
                    & Q(phone="")
                    & Q(email="")
                    & Q(street_address="")
                ),
                name="people_participant_anonymous_has_no_identity",
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=1990) & Q(start_year__lte=2200),
                name="people_participant_start_year_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="people_participant_name"),
            models.Index(fields=["id_number"], name="people_participant_id_number"),
            models.Index(
                fields=["-kind", "search_name", "id"], name="people_participant_list_order"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.ANONYMOUS:
            return f"{_('Anonym deltagare')} {self.pk}"
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_for_search()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and NAME_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return address("people:participant", pk=self.pk)  # on every row of every list of people

    def name_for_search(self) -> None:
        """Keep ``search_name`` in step with the name: every path that writes a name calls it."""
        self.search_name = names.search_name(self.first_name, self.last_name)

    @property
    def is_anonymous(self) -> bool:
        return self.kind == self.Kind.ANONYMOUS

    @property
    def is_protected(self) -> bool:
        return self.protection != self.Protection.NONE

    @property
    def parsed_id_number(self) -> idnumbers.IdNumber | None:
        if not self.id_number:
            return None
        return idnumbers.IdNumber(self.id_number, idnumbers.IdNumberKind(self.id_number_kind))

    @property
    def formatted_id_number(self) -> str:
        number = self.parsed_id_number
        return number.formatted() if number else ""

    def age(self, today: date | None = None) -> int | None:
        number = self.parsed_id_number
        if number is None:
            return None
        return number.age(today or timezone.localdate())


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on: date) -> ConsentQuerySet:
        """Consents that lift secrecy on this day: given (a draft never does), begun, not
        ended, not withdrawn."""
        return self.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            given_at__isnull=False,
            valid_from__lte=on,
            withdrawn_at__isnull=True,
        )


class Consent(models.Model):
    """Samtycke till att sekretessen bryts (R2). Recorded, never edited: a change is a new
    consent; only the withdrawal is written later, and it takes effect at once.

    A coordinator may register a consent as a draft for the person to give with e-ID in Min
    Samla (``given_at`` is None): a draft is never in force. Giving it writes ``given_at`` and
    the signature, nothing else; declining it is its withdrawal."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("Skriftligt")
        DIGITAL = "digital", _("Digitalt")
        ORAL = "oral", _("Muntligt och dokumenterat")

    class GivenBy(models.TextChoices):
        PERSON = "person", _("Personen själv")
        GUARDIAN = "guardian", _("Vårdnadshavare")
        REPRESENTATIVE = "representative", _("Ställföreträdare (god man eller förvaltare)")

    class LegalBasis(models.TextChoices):
        PUBLIC_TASK = "public_task", _("Uppgift av allmänt intresse / myndighetsutövning")
        LEGAL_OBLIGATION = "legal_obligation", _("Rättslig förpliktelse")
        CONSENT = "consent", _("Samtycke enligt dataskyddsförordningen")
        CONTRACT = "contract", _("Avtal")

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Har inte börjat gälla")
        ACTIVE = "active", _("Gäller")
        EXPIRED = "expired", _("Har upphört")
        WITHDRAWN = "withdrawn", _("Återkallat")
        DRAFT = "draft", _("Väntar på att personen lämnar det")
        DECLINED = "declined", _("Avböjt")

    WITHDRAWAL_FIELDS = frozenset(
        {"withdrawn_at", "withdrawn_by", "withdrawal_reason", "withdrawal_signature"}
    )
    GIVING_FIELDS = frozenset({"given_at", "given_signature"})

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="consents")
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisationer som får ta del"),
        related_name="consents_received",
    )
    categories_included = models.JSONField(_("uppgifter som ingår"), default=list)
    categories_excluded = models.JSONField(_("uppgifter som personen undantar"), default=list)
    form = models.CharField(_("hur samtycket lämnades"), max_length=12, choices=Form.choices)
    given_by = models.CharField(_("lämnat av"), max_length=16, choices=GivenBy.choices)
    given_by_name = models.CharField(
        _("namn på den som lämnade samtycket"),
        max_length=200,
        blank=True,
        help_text=_("Behövs när samtycket lämnades av någon annan än personen."),
    )
    legal_basis = models.CharField(
        _("rättslig grund för behandlingen"),
        max_length=20,
        choices=LegalBasis.choices,
        default=LegalBasis.PUBLIC_TASK,
    )
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)
    note = models.TextField(_("anteckning"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField(_("registrerat"), default=timezone.now, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    withdrawn_at = models.DateTimeField(_("återkallat"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    withdrawal_reason = models.TextField(_("skäl till återkallelsen"), max_length=1000, blank=True)
    withdrawal_signature = models.CharField(
        _("återkallat med e-legitimation"), max_length=200, blank=True, editable=False
    )
    given_at = models.DateTimeField(
        _("lämnat"),
        null=True,
        blank=True,
        default=timezone.now,
        editable=False,
        help_text=_("Tomt för ett utkast som personen ännu inte har lämnat i Min Samla."),
    )
    given_signature = models.CharField(
        _("lämnat med e-legitimation"), max_length=200, blank=True, editable=False
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("ersätter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-recorded_at"]
        verbose_name = _("samtycke")
        verbose_name_plural = _("samtycken")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="people_consent_valid_to_after_valid_from",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="people_consent_withdrawal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(given_by="person") | ~Q(given_by_name=""),
                name="people_consent_representative_named",
            ),
            models.CheckConstraint(
                condition=Q(given_at__isnull=False) | Q(form="digital", given_by="person"),
                name="people_consent_draft_given_digitally_by_person",
            ),
            models.CheckConstraint(
                condition=Q(given_at__isnull=False) | Q(given_signature=""),
                name="people_consent_draft_unsigned",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Samtycke från %(date)s") % {"date": self.valid_from.isoformat()})

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and (
            update_fields is None
            or not (
                set(update_fields) <= self.WITHDRAWAL_FIELDS
                or set(update_fields) <= self.GIVING_FIELDS
            )
        ):
            raise ValueError("A consent is never edited: record a new one instead.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("people:consent", kwargs={"pk": self.participant_id, "consent_pk": self.pk})

    def state(self, on: date | None = None) -> Consent.State:
        on = on or timezone.localdate()
        if self.withdrawn_at is not None:
            return self.State.DECLINED if self.given_at is None else self.State.WITHDRAWN
        if self.given_at is None:
            return self.State.DRAFT
        if self.valid_from > on:
            return self.State.UPCOMING
        if self.valid_to is not None and self.valid_to < on:
            return self.State.EXPIRED
        return self.State.ACTIVE

    def is_in_force(self, on: date | None = None) -> bool:
        return self.state(on) == self.State.ACTIVE

    @property
    def is_draft(self) -> bool:
        return self.given_at is None

    def allows(self, category: InformationCategory | str) -> bool:
        return category in self.categories_included and category not in self.categories_excluded

    def get_categories_included_display(self) -> list[StrOrPromise]:
        return [InformationCategory(c).label for c in self.categories_included]

    def get_categories_excluded_display(self) -> list[StrOrPromise]:
        return [InformationCategory(c).label for c in self.categories_excluded]


class TeamMemberQuerySet(models.QuerySet["TeamMember"]):
    def current(self) -> TeamMemberQuerySet:
        return self.filter(removed_at__isnull=True)


def member_sees(participant: Participant) -> models.Case:
    """For the participant's team members: whether the member may see the person right now.
    The rule itself (``Sees``), asked with each member's user and organisation, so that a team
    of any size is one query."""
    sees = Sees(
        models.F("user_id"),
        models.F("user__organisation_id"),
        timezone.localdate(),
        path="participant",
    )
    return models.Case(models.When(sees, then=True), default=False)


class TeamMember(models.Model):
    """Someone who needs to know (R3). Membership alone is not access: a member from another
    organisation sees the person only while a consent names their organisation."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Koordinator")
        MEMBER = "member", _("Teammedlem")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="team_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    role = models.CharField(_("roll i teamet"), max_length=12, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["role", "user__first_name", "user__last_name"]
        verbose_name = _("teammedlem")
        verbose_name_plural = _("team")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "user"],
                condition=Q(removed_at__isnull=True),
                name="people_teammember_one_current_membership",
            ),
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(removed_at__isnull=True, role="coordinator"),
                name="people_teammember_one_coordinator",
            ),
        ]
        indexes = [
            models.Index(
                "user",
                models.F("added_at").desc(),
                condition=Q(removed_at__isnull=True),
                name="people_teammember_newest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
