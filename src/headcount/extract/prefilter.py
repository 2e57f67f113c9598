"""A cheap first pass: can this document contain a layoff claim at all?

One Aho-Corasick automaton scans the lower-cased text once for every cue. A document passes
when it has a cue that asserts a cut by itself ("laid off", "redundancies"), or both a job word
and a cutting word. Recall matters more than selectivity here: the extractor re-checks every
sentence, so the prefilter may let through what it cannot be sure of, but never drop a claim.
"""

from __future__ import annotations

from functools import lru_cache

import ahocorasick

_STRONG = (
    "layoff", "lay off", "lay-off", "laid off", "laid-off", "laying off", "lays off",
    "redundanc", "job cut", "job loss", "job-cut", "jobs cut", "downsiz", "out of work",
    "jobless", "workforce reduction", "made redundant", "make redundant",
)  # fmt: skip
_JOB = (
    "job", "staff", "employee", "worker", "workforce", "work force", "position", "posts",
    "headcount", "personnel", "people", "roles", "miners", "civil servant", "payroll",
)  # fmt: skip
_CUT = (
    "cut", "axe", "axing", "shed", "slash", "eliminat", "reduc", "trim", "sack", "fire",
    "firing", "dismiss", "idle", "furlough", "lose", "losing", "lost", "loss", "go ", "gone",
    "terminat", "retrench", "let go", "scrap", "shrink", "halv", "affect", "impact", "threat",
    "clos", "shut", "phase out", "phasing out", "doubt", "leave", "idl",
)  # fmt: skip


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for words, label in ((_STRONG, 0), (_JOB, 1), (_CUT, 2)):
        for word in words:
            automaton.add_word(word, label)
            # Newswire text wraps lines mid-phrase ("laid\noff"); index both spellings
            # rather than normalizing every document's whitespace.
            if " " in word:
                automaton.add_word(word.replace(" ", "\n"), label)
    automaton.make_automaton()
    return automaton


# A job word and a cutting word count together only this close (in characters): a claim
# states them in one phrase ("cut 200 jobs", "jobs will go"), not paragraphs apart.
WINDOW = 200


def may_contain_layoff(text: str) -> bool:
    last_job = last_cut = -WINDOW - 1
    for end, label in _automaton().iter(text.lower()):
        if label == 0:
            return True
        if label == 1:
            last_job = end
            if end - last_cut <= WINDOW:
                return True
        else:
            last_cut = end
            if end - last_job <= WINDOW:
                return True
    return False
