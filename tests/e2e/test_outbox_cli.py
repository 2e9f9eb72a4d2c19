"""End-to-end: ``beteiligung outbox deliver|list|retry`` through the installed console script."""

from __future__ import annotations

import email
import email.policy
import json
from datetime import UTC, datetime

import pytest

from beteiligung.storage.engine import make_engine
from beteiligung.storage.sql import SqlUnitOfWork
from beteiligung.workflow.ports import OutgoingMessage

LEAD = "anna.lehmann@hannover-stadt.de"
COORDINATOR = "koordination@hannover-stadt.de"
NOW = datetime(2026, 5, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def cli(make_cli):
    """The console script against the test database (tests/e2e/conftest.py)."""
    return make_cli(env={"BETEILIGUNG_MAIL_SENDER": "beteiligung@hannover-stadt.de"})


@pytest.fixture
def queued(db_url) -> list[int]:
    """Three messages in the outbox: the first failed, the others queued."""
    engine = make_engine(db_url)
    try:
        with SqlUnitOfWork(engine) as uow:
            for key in ("a", "b", "c"):
                uow.outbox.enqueue(OutgoingMessage(key, "reminder", [LEAD], [], f"Betreff {key}",
                                                   "Text", "<p>Text</p>"), NOW)
            [first] = uow.outbox.claim(NOW, 300, 1)
            uow.outbox.mark_failed(first.id, "550 5.1.1 mailbox unavailable")
            uow.commit()
            return sorted(e.id for e in uow.outbox.list())
    finally:
        engine.dispose()


def test_list_shows_messages_newest_first_and_by_status(cli, queued):
    listed = json.loads(cli("outbox", "list", "--json").stdout)
    assert [m["id"] for m in listed] == queued[::-1]
    assert [m["status"] for m in listed] == ["queued", "queued", "failed"]
    failed = json.loads(cli("outbox", "list", "--status", "failed", "--json").stdout)
    assert [(m["id"], m["last_error"]) for m in failed] == [
        (queued[0], "550 5.1.1 mailbox unavailable")]
    assert failed[0]["to"] == [LEAD] and failed[0]["attempts"] == 1
    table = cli("outbox", "list").stdout
    assert "Betreff a [550 5.1.1 mailbox unavailable]" in table
    cli("outbox", "list", "--status", "lost", check=2)


def test_retry_is_for_coordinators_and_only_for_failed_messages(cli, queued):
    refused = cli("outbox", "retry", str(queued[0]), check=6)
    assert "coordinator" in refused.stderr
    cli("outbox", "retry", "999", "--as", COORDINATOR, check=4)
    cli("outbox", "retry", str(queued[1]), "--as", COORDINATOR, check=4)  # queued, not failed
    cli("outbox", "retry", str(queued[0]), "--as", COORDINATOR)
    listed = json.loads(cli("outbox", "list", "--status", "queued", "--json").stdout)
    assert sorted(m["id"] for m in listed) == queued


def test_deliver_writes_eml_files_with_the_file_backend(cli, queued, tmp_path):
    done = cli("outbox", "deliver", "--now", "2026-05-23T09:00")
    assert done.stdout.startswith("gesendet 2, später erneut 0, fehlgeschlagen 0, "
                                  "übersprungen 0")
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.name for f in files] == [f"beteiligung.outbox.{i}@hannover-stadt.de.eml"
                                       for i in queued[1:]]
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Betreff b" and parsed["Date"] == "Sat, 23 May 2026 09:00:00 +0200"
    assert cli("outbox", "deliver", "--lang", "en").stdout.startswith("sent 0,")  # none due
    cli("outbox", "deliver", "--now", "gestern", check=2)


def test_deliver_exits_9_when_messages_are_due_and_none_could_be_delivered(cli, queued):
    # a mail server that is not there: every due message is put back for a retry
    down = {"BETEILIGUNG_MAIL_BACKEND": "smtp", "BETEILIGUNG_MAIL_HOST": "127.0.0.1",
            "BETEILIGUNG_MAIL_PORT": "9", "BETEILIGUNG_MAIL_TLS": "none",
            "BETEILIGUNG_MAIL_TIMEOUT": "2"}
    failed = cli("outbox", "deliver", "--now", "2026-05-23T09:00", check=9,
                 environ_=cli.environ | down)
    assert failed.stdout.startswith("gesendet 0, später erneut 2")
    assert failed.stderr.endswith("\nbeteiligung: keine fällige E-Mail konnte zugestellt werden: "
                             "'outbox list --status failed' und die Einstellungen [mail] "
                             "prüfen\n"), failed.stderr
    # nothing due (the retries wait for their backoff) is no failure
    assert cli("outbox", "deliver", "--now", "2026-05-23T09:00", environ_=cli.environ | down
               ).stdout.startswith("gesendet 0, später erneut 0")
