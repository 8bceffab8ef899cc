"""In English the plan's insatser are actions and the association's insatser are activities.

Swedish says "insats" for both, and the two used to share msgids ("Insatser", "Ny insats",
"Insatsen är sparad." ...), so one English word served both and the catalogue said "Actions".
The plan's uses now carry the context "plan" (pgettext), and the two never share a word.
"""

from __future__ import annotations

import re

from django.test import Client

from samla.accounts.models import User
from samla.activities.tests.builders import individual
from samla.people.tests.cast import Cast, sign_in
from samla.plans.tests.matrix import PiasPlan, build_agreed_plan


def in_english(client: Client, user: User) -> None:
    sign_in(client, user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_plan_page_says_actions_and_links_to_the_activities(cast: Cast, client: Client) -> None:
    pias: PiasPlan = build_agreed_plan(cast)
    in_english(client, cast.kim)
    plan_url = f"/deltagare/{cast.pia.pk}/plan/"
    body = client.get(plan_url).content.decode()
    assert '<html lang="en">' in body
    assert '<h2 id="plan-actions">Actions</h2>' in body
    assert "Edit the action" in body and "Edit the activity" not in body
    # The menu leads to the association's catalogue: the same Swedish word, another meaning.
    assert re.search(r'<a href="/insatser/"[^>]*>Activities</a>', body)
    assert "New action" in client.get(f"{plan_url}atgarder/ny/").content.decode()

    saved = client.post(
        f"{plan_url}atgarder/{pias.fk.pk}/",
        {
            "need": "Komma tillbaka till arbete",
            "action": "Arbetsträning två dagar",
            "responsible_organisation": cast.fk.pk,
            "responsible_person": cast.fia.pk,
            "due_date": "",
            "category": "work_studies",
            "version": pias.plan.version,
        },
        follow=True,
    )
    assert saved.status_code == 200
    assert "The action has been saved." in text(saved.content.decode())


def test_the_catalogue_says_activities(cast: Cast, client: Client) -> None:
    activity = individual(cast)
    in_english(client, cast.olle)
    listing = text(client.get("/insatser/").content.decode())
    assert " Activities " in listing and "New activity" in listing
    assert "Action" not in listing
    detail = text(client.get(f"/insatser/{activity.pk}/").content.decode())
    assert "Edit the activity" in detail and "Action" not in detail

    saved = client.post(
        f"/insatser/{activity.pk}/andra/",
        {
            "name": "Mia Vidare",
            "description": activity.description,
            "provider": activity.provider_id,
            "starts_on": "2024-01-01",
            "capacity": "25",
            "version": activity.version,
        },
        follow=True,
    )
    assert saved.status_code == 200
    page = text(saved.content.decode())
    assert "The activity has been saved." in page and "Action" not in page
