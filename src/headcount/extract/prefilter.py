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
)  # fmt: skip


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for words, label in ((_STRONG, 0), (_JOB, 1), (_CUT, 2)):
        for word in words:
            automaton.add_word(word, label)
    automaton.make_automaton()
    return automaton


def may_contain_layoff(text: str) -> bool:
    seen = 0
    for _, label in _automaton().iter(text.lower()):
        if label == 0:
            return True
        seen |= 1 << label
        if seen == 0b110:
            return True
    return False
