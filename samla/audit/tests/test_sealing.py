"""The sealer gives committed events their place in the chain, and nothing else may (ADR 0017)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from samla.audit import chain
from samla.audit.chain import Problem, verify_chain
from samla.audit.models import GENESIS_HASH, AuditEvent, ChainHead
from samla.audit.record import record, record_each
from samla.audit.sealing import seal
from samla.audit.tests.conftest import StubActor
from samla.audit.tests.tampering import insert_forged, tamper

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
View = AuditEvent.Action.VIEW


def _reads(actor: StubActor, n: int) -> list[AuditEvent]:
    return [
        record(actor=actor, action=View, participant_id=5, summary=f"Läsning {i}") for i in range(n)
    ]


def test_sealing_in_small_batches_makes_one_unbroken_chain(alice: StubActor) -> None:
    _reads(alice, 3)
    assert seal(batch_size=2).count == 3
    _reads(alice, 4)

    assert seal(batch_size=3).count == 4

    seqs = list(AuditEvent.objects.order_by("pk").values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5, 6, 7]
    assert ChainHead.objects.get().last_seq == 7
    assert verify_chain(chunk_size=2) == chain.ChainReport(ok=True, checked=7)


def test_an_unsealed_event_changed_in_place_is_caught_and_never_sealed(
    alice: StubActor,
) -> None:
    first, changed, last = _reads(alice, 3)
    tamper(f"UPDATE {TABLE} SET summary = %s WHERE id = %s", ["Något annat", changed.pk])  # noqa: S608

    report = verify_chain()
    assert (report.ok, report.kind, report.event_id) == (False, Problem.ALTERED, changed.pk)
    assert report.problem is not None
    assert "ännu inte har förseglats" in report.problem

    sealed = seal()

    assert (sealed.count, sealed.refused) == (2, [changed.pk])
    assert AuditEvent.objects.get(pk=changed.pk).seq is None
    assert list(
        AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values_list("pk", flat=True)
    ) == [first.pk, last.pk]
    with pytest.raises(CommandError, match=f"id {changed.pk} stämmer inte"):
        call_command("seal_audit", stdout=StringIO())
    with pytest.raises(CommandError, match="ännu inte har förseglats"):
        call_command("verify_audit", stdout=StringIO())


def test_a_row_slipped_in_without_a_mac_is_caught_and_never_sealed(alice: StubActor) -> None:
    _reads(alice, 1)
    forged = insert_forged(AuditEvent(created_at=AuditEvent.objects.get().created_at, action=View))

    report = verify_chain()

    assert (report.kind, report.event_id) == (Problem.INSERTED, forged.pk)
    assert seal().refused == [forged.pk]


def test_verify_audit_says_how_many_events_wait_to_be_sealed(alice: StubActor) -> None:
    _reads(alice, 2)
    seal()
    _reads(alice, 3)
    out = StringIO()

    call_command("verify_audit", stdout=out)

    assert "Granskningsloggen är hel: 2 händelser kontrollerade." in out.getvalue()
    assert "3 nya händelser är hela men ännu inte förseglade i kedjan" in out.getvalue()
    assert "0 händelser förseglade" not in out.getvalue()
    out = StringIO()
    call_command("seal_audit", stdout=out)
    assert out.getvalue().strip() == "3 händelser förseglade."


def _refused(sql: str, params: list[int | str]) -> None:
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_the_database_lets_through_only_the_sealers_one_update(alice: StubActor) -> None:
    """The triggers refuse every change but giving an unsealed row its place once."""
    sealed_one, unsealed = _reads(alice, 2)
    hashed = chain.compute_hash(GENESIS_HASH, chain.content_of(sealed_one) | {"seq": 1})
    place = f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s"  # noqa: S608

    with connection.cursor() as cursor:  # the sealer's update: allowed
        cursor.execute(place, [1, GENESIS_HASH, hashed, sealed_one.pk])

    _refused(place, [9, GENESIS_HASH, hashed, sealed_one.pk])  # a sealed row again
    _refused(  # a place and a changed summary together
        f"UPDATE {TABLE} SET seq = 2, prev_hash = 'a', hash = 'b', summary = 'x' WHERE id = %s",  # noqa: S608
        [unsealed.pk],
    )
    _refused(f"UPDATE {TABLE} SET seq = 2 WHERE id = %s", [unsealed.pk])  # no hashes  # noqa: S608
    _refused(f"UPDATE {TABLE} SET mac = 'x' WHERE id = %s", [unsealed.pk])  # noqa: S608
    _refused(f"DELETE FROM {TABLE} WHERE id = %s", [unsealed.pk])  # noqa: S608
    assert AuditEvent.objects.get(pk=unsealed.pk).summary == "Läsning 1"


def test_a_file_of_many_people_logs_each_one_signed_and_sealable(
    alice: StubActor, bob: StubActor
) -> None:
    """record_each writes what record() would for each person, in one batch."""
    single = record(actor=bob, action=View, participant_id=1, summary="En läsning")

    written = record_each(
        [(7, False), (8, True), (9, False)],
        actor=alice,
        action=AuditEvent.Action.EXPORT,
        obj=ChainHead.objects.get_or_create(pk=ChainHead.SINGLETON_ID)[0],
        role="esf_reporter",
        summary="ESF-deltagarfil 2026-11",
    )

    assert written == 3
    events = list(AuditEvent.objects.exclude(pk=single.pk).order_by("pk"))
    assert [(e.participant_id, e.flagged) for e in events] == [(7, False), (8, True), (9, False)]
    for event in events:
        assert (event.actor_id, event.actor_name, event.organisation_id) == (
            11,
            "Alice Andersson",
            1,
        )
        assert (event.action, event.role, event.summary) == (
            "export",
            "esf_reporter",
            "ESF-deltagarfil 2026-11",
        )
        assert (event.object_type, event.object_id) == ("audit.chainhead", "1")
        assert event.created_at.tzinfo is not None
        assert event.mac == chain.compute_mac(chain.content_of(event))
    assert verify_chain().unsealed == 4
    assert seal().count == 4
    assert verify_chain() == chain.ChainReport(ok=True, checked=4)
