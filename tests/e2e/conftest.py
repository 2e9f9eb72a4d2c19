"""The installed ``beteiligung`` script, run against the test database (SQLite and PostgreSQL).

``make_cli(*prefix, env=..., binary=False, cwd=None)`` gives ``run(*args, check=0)``: it runs
``beteiligung *prefix *args`` with a clean ``BETEILIGUNG_*`` environment (the test database, a
settings file naming the coordinator, ``BETEILIGUNG_USER`` = the lead, a mail folder in the
test's folder), asserts there was no traceback and, unless ``check`` is None, the exit code.
``env`` adds variables, or removes one given as None; ``run.environ`` is what it runs with.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

SCRIPT = str(Path(sys.executable).parent / "beteiligung")
LEAD_EMAIL = "anna.lehmann@hannover-stadt.de"
COORDINATOR = "koordination@hannover-stadt.de"


@pytest.fixture
def make_cli(db_url: str, tmp_path: Path) -> Callable[..., Callable[..., object]]:
    settings = tmp_path / "settings.toml"
    settings.write_text(f'coordinators = ["{COORDINATOR}"]\n')

    def make(*prefix: str, env: dict[str, str | None] | None = None, binary: bool = False,
             cwd: Path | None = None):
        environ = {k: v for k, v in os.environ.items() if not k.startswith("BETEILIGUNG_")}
        environ |= {"BETEILIGUNG_DATABASE_URL": db_url, "BETEILIGUNG_USER": LEAD_EMAIL,
                    "BETEILIGUNG_CONFIG": str(settings),
                    "BETEILIGUNG_MAIL_FOLDER": str(tmp_path / "mail"),
                    "BETEILIGUNG_PRIVACY_ERASURE_LOG": str(tmp_path / "erasure-log.jsonl"),
                    # the signing keys of the tests' env (tests/conftest.py's TEST_KEYS)
                    "BETEILIGUNG_AUDIT_KEYS": f"t0={'00' * 32},t1={'11' * 32}"}
        for key, value in (env or {}).items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value

        def run(*args: str, check: int | None = 0, environ_: dict | None = None
                ) -> subprocess.CompletedProcess:
            done = subprocess.run([SCRIPT, *prefix, *args], capture_output=True,
                                  text=not binary, encoding=None if binary else "utf-8",
                                  env=environ_ or environ, timeout=60, cwd=cwd)
            traceback = b"Traceback" if binary else "Traceback"
            assert traceback not in done.stderr, done.stderr
            if check is not None:
                assert done.returncode == check, (done.returncode, done.stdout, done.stderr)
            return done

        run.environ = environ
        return run

    return make
