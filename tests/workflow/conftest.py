"""Fixtures for the use-case tests: the in-memory fakes of ``fakes.py`` and the ``journey``
helpers.

pytest runs with ``--import-mode=importlib``, so sibling helper modules are not importable by
name; they are loaded here by path and handed to tests as the ``fakes`` and ``journey``
fixtures. ``env`` here overrides the SQLite-backed ``env`` of ``tests/conftest.py``: every
test under tests/workflow runs on the fakes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _load(name: str) -> ModuleType:
    qualified = f"_beteiligung_tests_workflow_{name}"
    if qualified in sys.modules:
        return sys.modules[qualified]
    spec = importlib.util.spec_from_file_location(qualified, Path(__file__).with_name(
        f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[qualified] = module
    spec.loader.exec_module(module)
    return module


FAKES = _load("fakes")
JOURNEY = _load("journey")


@pytest.fixture(scope="session")
def fakes() -> ModuleType:
    """The module with ``FakeStore``, ``FakeUnitOfWork``, ``make_env``."""
    return FAKES



@pytest.fixture
def fake(clock):
    """An ``Env`` on a fresh in-memory store, with the test's clock (``fake.env``,
    ``fake.store``, ``fake.clock``)."""
    return FAKES.make_env(clock)


@pytest.fixture
def env(fake):
    """The use cases' wiring on the fakes (overrides the SQLite ``env``)."""
    return fake.env


@pytest.fixture
def store(fake):
    return fake.store


@pytest.fixture
def pid(env) -> int:
    """A new process in phase ``initiated`` with lead, deputy and department."""
    return JOURNEY.new_process(env).id


@pytest.fixture
def at_phase(env, clock):
    """``at_phase("dialogue")``: a new process walked to that phase with valid data."""
    def make(phase: str) -> int:
        process_id = JOURNEY.new_process(env).id
        JOURNEY.advance_to(env, process_id, phase, clock)
        return process_id
    return make
