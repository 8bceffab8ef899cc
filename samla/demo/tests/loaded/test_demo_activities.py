"""The demo's activity catalogue (docs/domain.md §8): Mia Vidare, SAMS and a structural activity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client

from samla.accounts.models import User
from samla.activities.models import Activity, StructuralParticipation
from samla.audit.models import AuditEvent
from samla.demo.activities import MIA_VIDARE, SAMS, TRAINING
from samla.finance.models import BudgetLine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_demo_activities_exist_as_the_seeds_describe() -> None:
    mia = Activity.objects.get(name=MIA_VIDARE)
    assert mia.association.short_name == "Östra Södertörn"
    assert mia.kind == Activity.Kind.INDIVIDUAL and mia.capacity == 20
    assert mia.provider.name == "Arbetsmarknadsenheten Södertörn"
    assert (mia.min_age, mia.max_age) == (16, 29)  # for unga arbetslösa 16–29 år

    sams = Activity.objects.get(name=SAMS)
    assert sams.association.short_name == "Sofint" and sams.esf_cofunded
    assert sams.provider.name == "Stiftelsen Activa"
    assert (sams.starts_on, sams.ends_on) == (date(2010, 4, 1), date(2013, 3, 31))
    totals = sams.years.aggregate(planned=Sum("planned_participants"))
    assert totals == {"planned": 330}
    # Seed 003: a total budget of 24 338 177 kr, of which ESF 9 711 491 kr.
    assert sams.budget_lines.aggregate(total=Sum("budget")) == {"total": Decimal("24338177")}
    esf = sams.budget_lines.filter(kind=BudgetLine.Kind.ESF_ACTIVITY)
    assert esf.aggregate(total=Sum("budget")) == {"total": Decimal("9711491")}

    training = Activity.objects.get(name=TRAINING)
    assert training.kind == Activity.Kind.STRUCTURAL and training.capacity is None
    assert StructuralParticipation.objects.filter(activity=training).count() >= 4
    assert AuditEvent.objects.filter(object_type__icontains="activity").exists()


def test_the_board_login_reads_the_catalogue(client: Client, settings: Any) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    client.force_login(User.objects.get(username="styrelse.sofint"))
    body = client.get("/insatser/").content.decode()
    assert SAMS in body and TRAINING in body and MIA_VIDARE not in body
