"""The file backend: each e-mail an ``.eml`` file named by its Message-ID, written atomically."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage

from beteiligung.notifications.email import build_email, make_message_id
from beteiligung.notifications.senders import Envelope, FileSender, envelope, file_name

SENDER = "beteiligung@hannover-stadt.de"


def _built(templates, make_ctx, count: int) -> list[EmailMessage]:
    stamp = datetime(2026, 5, 23, 7, 0, tzinfo=UTC)
    return [build_email(templates.reminder(make_ctx(deadline_id=i), [f"lead{i}@x.de"], [],
                                           now=stamp),
                        make_message_id(i, "hannover-stadt.de"), SENDER, date=stamp)
            for i in range(1, count + 1)]


def _mails(templates, make_ctx, count: int) -> list[Envelope]:
    return [envelope(mail) for mail in _built(templates, make_ctx, count)]


def test_each_mail_becomes_a_parseable_eml_file(tmp_path, templates, make_ctx):
    folder = tmp_path / "outbox"  # created on the first send
    mails = _mails(templates, make_ctx, 3)
    results = FileSender(folder).send_batch(mails)
    assert [r.ok for r in results] == [True, True, True]
    files = sorted(p.name for p in folder.iterdir())
    assert files == [f"beteiligung.outbox.{i}@hannover-stadt.de.eml" for i in (1, 2, 3)]
    for i, name in enumerate(files, start=1):
        parsed = email.message_from_bytes((folder / name).read_bytes(),
                                          policy=email.policy.default)
        assert parsed["Message-ID"] == f"<beteiligung.outbox.{i}@hannover-stadt.de>"
        assert parsed["To"] == f"lead{i}@x.de"
        assert parsed["Subject"].startswith("Erinnerung: Frist „Kommentierungsfrist“")
        assert [a.get_filename() for a in parsed.iter_attachments()] == ["frist.ics"]


def test_sending_again_replaces_the_file_and_leaves_no_temporary_files(tmp_path, templates,
                                                                       make_ctx):
    sender = FileSender(tmp_path)
    [mail] = _built(templates, make_ctx, 1)
    sender.send_batch([envelope(mail)])
    del mail["Subject"]
    mail["Subject"] = "second"
    assert sender.send_batch([envelope(mail)])[0].ok
    [only] = list(tmp_path.iterdir())
    assert email.message_from_bytes(only.read_bytes())["Subject"] == "second"


def test_an_unwritable_folder_is_a_temporary_failure(tmp_path, templates, make_ctx):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    results = FileSender(blocked).send_batch(_mails(templates, make_ctx, 2))
    assert [(r.ok, r.permanent) for r in results] == [(False, False), (False, False)]
    assert str(blocked) in results[0].error


def test_a_mail_without_message_id_is_refused_for_good(tmp_path):
    mail = EmailMessage()
    mail["Subject"] = "no id"
    mail["To"] = "lead@x.de"
    [result] = FileSender(tmp_path).send_batch([envelope(mail)])
    assert (result.ok, result.permanent) == (False, True)
    assert list(tmp_path.iterdir()) == []


def test_file_names_cannot_leave_the_folder():
    assert file_name("<../../etc/passwd@x>") == "_.._etc_passwd@x.eml"
    assert "/" not in file_name("<a/b\\c d@x.de>")
    assert file_name("<abc@x.de>") == "abc@x.de.eml"
