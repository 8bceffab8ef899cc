"""Factories for organisations, associations and users, for any app's tests.

    admin = UserFactory(organisation=tyreso, roles=[(Role.ORG_ADMIN, None)])
    kim = UserFactory(organisation=tyreso, roles=[(Role.COORDINATOR, association)])

Every user's password is ``PASSWORD``. Organisation numbers are generated with a valid check
digit and are not real organisations' numbers (they start with 55, a range for trading
companies, and are numbered from a high counter).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from samla.accounts.models import Role, RoleAssignment, User
from samla.organisations.models import Association, AssociationMember, Municipality, Organisation

PASSWORD = "rätt-häst-batteri-häfta"


def organisation_number(n: int) -> str:
    digits = f"55{900000 + n:07d}"[-9:]
    return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Kommun {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.SOCIAL_INSURANCE
    organisation_number = factory.Sequence(organisation_number)


class AssociationFactory(factory.django.DjangoModelFactory):
    """An association with its own organisation. ``members=[org, ...]`` adds member parties."""

    class Meta:
        model = Association
        skip_postgeneration_save = True

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=Organisation.Kind.ASSOCIATION,
        name=factory.Sequence(lambda n: f"Samordningsförbundet {n}"),
    )
    short_name = factory.Sequence(lambda n: f"Förbund {n}")

    @factory.post_generation
    def members(self, create: bool, extracted: Iterable[Organisation] | None, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        for organisation in extracted:
            AssociationMember.objects.create(
                association=self, organisation=organisation, financing_share=Decimal(0)
            )


class UserFactory(factory.django.DjangoModelFactory):
    """A user with ``PASSWORD``. ``roles=[(Role.COORDINATOR, association), (Role.ORG_ADMIN,
    None)]`` gives roles; ``second_factor=True`` a confirmed TOTP device."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"anvandare{n}")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Testsson"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.se")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(
        self, create: bool, extracted: Iterable[tuple[Role, Association | None]] | None,
        **kwargs: Any,
    ) -> None:
        if not create or not extracted:
            return
        for role, association in extracted:
            RoleAssignment.objects.create(user=self, role=role, association=association)

    @factory.post_generation
    def second_factor(self, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create and extracted:
            TOTPDevice.objects.create(user=self, name="Test", confirmed=True)
