"""The import in a real browser: Kim uploads a small CSV, watches the job page (which polls
with htmx) turn from queued to done once the worker has run, and axe-core checks each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page, expect

from samla.imports.tests.builders import ANNA, build, csv_file
from samla.people.models import Participant
from samla.people.tests.cast import PASSWORD, build_cast


@pytest.mark.browser
def test_kim_uploads_a_file_and_sees_it_imported(
    page: Page, login, assert_accessible, settings, run_tasks
) -> None:
    settings.SAMLA_REQUIRE_MFA = False
    cast = build_cast()
    build(cast)
    content = csv_file(
        [
            {
                "insats": "Tyresö arbetsträning",
                "personnummer": ANNA.formatted(),
                "förnamn": "Anna",
                "efternamn": "Andersson",
                "startdatum": "2024-01-08",
                "mående vid start": "3",
            },
            {"insats": "Tyresö arbetsträning", "kön": "Kvinna", "startdatum": "2024-02-12"},
        ]
    )

    login(page, "kim", PASSWORD)
    page.goto("/import/")
    expect(page.get_by_role("heading", name="Importera historik")).to_be_visible()
    assert_accessible(page)
    upload: FilePayload = {"name": "historik.csv", "mimeType": "text/csv", "buffer": content}
    page.get_by_label("Fil:").set_input_files(files=upload)
    page.get_by_role("button", name="Ladda upp och kontrollera").click()

    expect(page.get_by_role("heading", name="Import av historik.csv")).to_be_visible()
    expect(page.get_by_text("Filen väntar på att kontrolleras.")).to_be_visible()
    assert_accessible(page)

    run_tasks()

    # No reload: the page asks for its status every second and shows the result by itself.
    expect(page.get_by_role("heading", name="Importen är klar")).to_be_visible()
    expect(page.get_by_text("2 deltaganden sparades.")).to_be_visible()
    assert_accessible(page)
    assert Participant.objects.filter(id_number=ANNA.value).exists()

    page.get_by_role("link", name="Importera historik").click()
    expect(page.get_by_role("cell", name="Klar")).to_be_visible()
