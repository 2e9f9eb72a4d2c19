"""The demo's folder (``cli.demo_folder``): a new, empty or demo-made folder is taken and only
the demo's own files in it are replaced; any other folder is refused before anything is
deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from beteiligung.cli.demo_folder import MARKER, prepare
from beteiligung.states.errors import BadInput


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_a_new_folder_is_made_and_marked(tmp_path):
    folder = prepare(str(tmp_path / "neu" / "demo"))
    assert folder == tmp_path / "neu" / "demo" and files(folder) == {MARKER}
    assert "Demo" in (folder / MARKER).read_text(encoding="utf-8")


def test_without_dir_a_new_temporary_folder_is_made(tmp_path):
    folder = prepare(None)
    try:
        assert folder.name.startswith("beteiligung-demo-") and files(folder) == {MARKER}
    finally:
        (folder / MARKER).unlink()
        folder.rmdir()


def test_an_empty_folder_is_taken(tmp_path):
    assert files(prepare(str(tmp_path))) == {MARKER}


def test_a_folder_a_demo_made_is_reused_and_only_its_own_files_replaced(tmp_path):
    prepare(str(tmp_path))
    for name in ("demo.db", "demo.db-wal", "demo.db-shm", "mail/a.eml", "mail/.x.tmp",
                 "notizen.txt", "demo.db.bak", "mail/liesmich.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    prepare(str(tmp_path))
    assert files(tmp_path) == {MARKER, "notizen.txt", "demo.db.bak", "mail",
                               "mail/liesmich.txt"}
    (tmp_path / "mail" / "liesmich.txt").unlink()
    (tmp_path / "mail" / "b.eml").write_text("x")
    prepare(str(tmp_path))
    assert files(tmp_path) == {MARKER, "notizen.txt", "demo.db.bak"}   # an empty mail/ goes


@pytest.mark.parametrize("own", [(), ("demo.db",), ("mail/a.eml",)])
def test_a_folder_with_other_files_is_refused_and_nothing_deleted(tmp_path, own):
    for name in ("Bericht.docx", *own):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    before = files(tmp_path)
    with pytest.raises(BadInput) as refused:
        prepare(str(tmp_path))
    assert files(tmp_path) == before
    assert refused.value.text("de") == (
        f"--dir: der Ordner {tmp_path} ist nicht leer und wurde nicht von der Demo angelegt "
        f"(ihm fehlt die Datei {MARKER}): einen neuen oder leeren Ordner angeben; nichts wurde "
        "gelöscht")
    assert "is not empty and was not made by the demo" in refused.value.text("en")


def test_a_file_is_not_a_folder(tmp_path):
    target = tmp_path / "demo.db"
    target.write_text("meine Daten")
    with pytest.raises(BadInput, match="is a file, not a folder"):
        prepare(str(target))
    assert target.read_text() == "meine Daten"
