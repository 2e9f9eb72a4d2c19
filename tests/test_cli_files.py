"""``--out FILE``: the target is checked before any work, and written whole or not at all."""

from __future__ import annotations

import os

import pytest

from beteiligung.cli.files import atomic_file, check_target, write_atomically
from beteiligung.states.errors import BadInput


@pytest.mark.parametrize(("make", "says"), [
    (lambda d: d, "is a folder"),
    (lambda d: d / "missing" / "report.html", "does not exist"),
    (lambda d: d / ("x" * 300), "cannot use"),
])
def test_bad_targets_are_one_line_errors(tmp_path, make, says):
    with pytest.raises(BadInput, match=says):
        check_target(str(make(tmp_path)))


def test_a_pipe_or_device_is_not_replaced(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(BadInput, match="not a plain file"):
        check_target(str(fifo))
    with pytest.raises(BadInput, match="not a plain file"):
        check_target("/dev/null")
    assert fifo.is_fifo()


def test_written_whole_keeping_the_permissions_of_the_file_replaced(tmp_path):
    target = check_target(str(tmp_path / "report.html"))
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o640
    with pytest.raises(RuntimeError), atomic_file(target) as sink:
        sink.write(b"half")
        raise RuntimeError("the report failed half-way")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left
