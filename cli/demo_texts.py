"""The participation concept of each process that ``serve --demo`` brings up to today.

Each demo process has a concept of its own, matching its title, district and department, kept
as a concept file in ``cli/demo_concepts/`` (the format of ``concept load``). The process of
``beteiligung demo`` itself, the Lindener Marktplatz, keeps ``config/example_concept.toml``.
Import rule: an entrypoint; it may import any layer.
"""

from __future__ import annotations

from pathlib import Path

from ..config.settings import HERE
from ..states.case import Concept
from ..workflow.concept_file import parse_concept

FOLDER = Path(__file__).resolve().parent / "demo_concepts"
FILES = {
    "Radverkehrskonzept Südstadt": "radverkehr-suedstadt.toml",
    "Umgestaltung des Klagesmarkts": "klagesmarkt.toml",
    "Stadtteilpark Bothfeld": "stadtteilpark-bothfeld.toml",
    "Jugendtreff Vahrenwald": "jugendtreff-vahrenwald.toml",
}


def concept_for(title: str) -> Concept:
    """The concept of the demo process called ``title`` (a title without a concept file of its
    own gets the example concept under its title, so a renamed demo process still runs)."""
    name = FILES.get(title)
    path = FOLDER / name if name else HERE / "example_concept.toml"
    concept = parse_concept(path.read_text(encoding="utf-8"), path.name)
    if name is None:
        concept.topic = title
    return concept
