"""The settings: one frozen object read from the environment and an optional TOML file.

Precedence: environment variables, then the settings file (``BETEILIGUNG_CONFIG``, or
``settings.toml`` in the user's config directory when it exists), then ``defaults.toml``.
Import rule: standard library, ``platformdirs`` and ``states`` (for errors) only.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..states.errors import BadInput

HERE = Path(__file__).parent
KEYS = ("database_url", "coordinators", "districts", "language", "definition")


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured."""

    database_url: str
    coordinators: frozenset[str]
    districts: tuple[str, ...]
    language: str = "de"
    definition: Path = HERE / "process_definition.toml"

    @property
    def embedded(self) -> bool:
        """Whether the database is the embedded SQLite one (which migrates itself)."""
        return self.database_url.startswith("sqlite")


def default_database_url() -> str:
    """A SQLite file in the user's data directory."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("beteiligung", appauthor=False))
    return f"sqlite:///{folder / 'beteiligung.db'}"


def _read_toml(path: Path, what: str) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{what} {path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{what} {path}: not valid TOML ({exc})") from None
    unknown = set(data) - set(KEYS)
    if unknown:
        raise BadInput(f"{what} {path}: unknown setting(s) {', '.join(sorted(unknown))} "
                       f"(known: {', '.join(KEYS)})")
    return data


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``environ`` (default: the process environment) and the files."""
    env = os.environ if environ is None else environ
    data = _read_toml(HERE / "defaults.toml", "defaults")
    path = env.get("BETEILIGUNG_CONFIG")
    if path:
        data |= _read_toml(Path(path), "settings file")
    else:
        from platformdirs import user_config_dir

        candidate = Path(user_config_dir("beteiligung", appauthor=False)) / "settings.toml"
        if candidate.exists():
            data |= _read_toml(candidate, "settings file")
    url = env.get("BETEILIGUNG_DATABASE_URL") or data.get("database_url") or ""
    coordinators = data.get("coordinators", [])
    if env.get("BETEILIGUNG_COORDINATORS"):
        coordinators = env["BETEILIGUNG_COORDINATORS"].split(",")
    language = env.get("BETEILIGUNG_LANG") or data.get("language", "de")
    if language not in ("de", "en"):
        raise BadInput(f"language: {language!r} is not 'de' or 'en'")
    definition = env.get("BETEILIGUNG_DEFINITION") or data.get("definition")
    return Settings(
        database_url=url or default_database_url(),
        coordinators=frozenset(c.strip().lower() for c in coordinators if c.strip()),
        districts=tuple(data["districts"]),
        language=language,
        definition=Path(definition) if definition else HERE / "process_definition.toml",
    )
