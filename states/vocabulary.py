"""The words people type for the engine's codes: every code with its German and English label.

An entrypoint that takes a code (``on_site``, ``rejected``, ``politics``) also takes its label
in either language (``vor Ort``, ``abgelehnt``, ``Politik``) and a few common variants, in any
case, with spaces, hyphens and underscores alike; ``resolve`` turns what was typed into the
code, or raises ``BadInput`` listing the accepted words. Phases are named by their labels in
the process definition (``phase_words``).
Import rule: ``states`` and the standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .definition import Definition
from .errors import BadInput


@dataclass(frozen=True)
class Word:
    """One code and how people call it."""

    code: str
    de: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "de") -> str:
        """The label in ``lang`` (German unless ``en``)."""
        return self.en if lang == "en" else self.de

    def spellings(self) -> tuple[str, ...]:
        """Everything that is read as this code."""
        return (self.code, self.de, self.en, *self.aliases)


VOCABULARY: dict[str, tuple[Word, ...]] = {
    "origin": (
        Word("administration", "Verwaltung", "administration"),
        Word("district_council_motion", "Antrag des Stadtbezirksrats", "district council motion",
             ("Stadtbezirksrat", "Bezirksrat", "Antrag")),
        Word("resident_suggestion", "Anregung von Einwohner*innen", "residents' suggestion",
             ("Einwohner*innen", "Einwohnerinnen", "Anregung", "residents")),
        Word("committee", "Beteiligungsgremium", "participation committee", ("Gremium",)),
    ),
    "requester": (
        Word("department", "Fachbereich", "department", ("Verwaltung",)),
        Word("residents", "Einwohner*innen", "residents",
             ("Einwohnerinnen", "Einwohner:innen", "Einwohner")),
        Word("politics", "Politik", "politics"),
        Word("committee", "Beteiligungsgremium", "participation committee", ("Gremium",)),
    ),
    "suggestion_target": (
        Word("concept", "Konzept", "concept", ("Beteiligungskonzept",)),
        Word("interim_results", "Zwischenergebnisse", "interim results"),
    ),
    "answer": (
        Word("accepted", "angenommen", "accepted"),
        Word("partly_accepted", "teilweise angenommen", "partly accepted", ("teilweise",)),
        Word("rejected", "abgelehnt", "rejected"),
    ),
    "activity_mode": (
        Word("online", "online", "online"),
        Word("on_site", "vor Ort", "on site", ("Präsenz",)),
    ),
    "goal_rating": (
        Word("met", "erreicht", "met"),
        Word("partly", "teilweise erreicht", "partly met", ("teilweise",)),
        Word("not_met", "nicht erreicht", "not met"),
    ),
    "severity": (
        Word("info", "Hinweis", "info"),
        Word("warning", "Warnung", "warning"),
        Word("critical", "kritisch", "critical"),
    ),
    "report_kind": (
        Word("pre", "Vorbericht", "pre-report", ("Vorberichterstattung",)),
        Word("post", "Nachbericht", "post-report", ("Nachberichterstattung",)),
    ),
    "outbox_status": (
        Word("queued", "in der Warteschlange", "queued", ("wartend", "Warteschlange")),
        Word("sending", "wird gesendet", "sending"),
        Word("sent", "gesendet", "sent", ("verschickt",)),
        Word("failed", "fehlgeschlagen", "failed"),
        Word("skipped", "übersprungen", "skipped"),
    ),
    "role": (
        Word("lead", "Prozessleitung", "process lead", ("Ansprechperson",)),
        Word("coordinator", "Koordinierungsstelle", "coordinator", ("Koordination",)),
    ),
}

_SEPARATORS = re.compile(r"[\s_\-]+")


def key(text: str) -> str:
    """How a typed word is compared: case-folded, with spaces, hyphens and underscores alike."""
    return _SEPARATORS.sub(" ", text.strip().casefold())


def codes(kind: str) -> tuple[str, ...]:
    """The codes of one vocabulary, in order."""
    return tuple(word.code for word in VOCABULARY[kind])


def label(kind: str, code: str, lang: str = "de") -> str:
    """The label of ``code`` in ``lang``; the code itself when the vocabulary lacks it."""
    word = next((w for w in VOCABULARY.get(kind, ()) if w.code == code), None)
    return word.label(lang) if word else code


def resolve(kind: str, text: str, option: str) -> str:
    """The code meant by ``text`` (a code or a label, in any case), or ``BadInput`` naming
    ``option`` and listing the accepted words."""
    return resolve_word(VOCABULARY[kind], text, option)


def resolve_word(words: tuple[Word, ...], text: str, option: str) -> str:
    """``resolve`` over any list of words (the phases of a definition, say)."""
    typed = key(text)
    for word in words:
        if typed in {key(spelling) for spelling in word.spellings()}:
            return word.code
    raise BadInput(texts={
        "de": f"{option}: „{text}“ ist nicht vorgesehen; möglich: "
              f"{', '.join(w.de for w in words)} (oder {', '.join(w.code for w in words)})",
        "en": f"{option}: {text!r} is not accepted; use one of: "
              f"{', '.join(w.en for w in words)} (or {', '.join(w.code for w in words)})",
    })


def phase_words(definition: Definition) -> tuple[Word, ...]:
    """The phases of ``definition`` as words: the code, both labels, and each label without
    its bracketed part (``Dialog`` for ``Dialog (online und vor Ort)``)."""
    words = []
    for phase in definition.phases.values():
        short = tuple(dict.fromkeys(
            re.sub(r"\s*\(.*\)\s*$", "", text) for text in (phase.label_de, phase.label_en)))
        words.append(Word(phase.name, phase.label_de, phase.label_en, short))
    return tuple(words)


def help_text(kind: str) -> str:
    """What ``--help`` says a vocabulary option takes: the codes, then the German words."""
    words = VOCABULARY[kind]
    return (f"{' | '.join(w.code for w in words)}; in German also "
            f"{' | '.join(w.de for w in words)} (any case)")
