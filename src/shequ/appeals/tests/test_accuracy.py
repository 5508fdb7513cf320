"""The classifier's accuracy on the evaluation set, and the evaluation set kept apart from training."""

from __future__ import annotations

import json
import re
import unicodedata

import numpy as np
import pytest

from shequ.appeals.catalogue import read_catalogue
from shequ.appeals.classifier.data import BASELINE_FILE, SEED_FILE, eval_examples, read_jsonl, seed_examples
from shequ.appeals.classifier.training import TrainedModel, evaluate, fit

#: How far below the recorded figures the model may fall before this test fails (points).
SLACK = 0.03
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def _key(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


def _bigrams(text: str) -> set[str]:
    key = _key(text)
    return {key[i : i + 2] for i in range(len(key) - 1)} or {key}


@pytest.fixture(scope="module")
def seed_model() -> TrainedModel:
    return fit(seed_examples())


def test_accuracy_does_not_drop_below_the_recorded_baseline(seed_model: TrainedModel) -> None:
    baseline = json.loads(BASELINE_FILE.read_text(encoding="utf-8"))
    accuracy = evaluate(seed_model, eval_examples())
    assert accuracy.count == baseline["eval_count"]
    assert accuracy.top1 >= baseline["top1"] - SLACK, (
        f"top-1 {accuracy.top1:.2%} < {baseline['top1']:.2%} − 3"
    )
    assert accuracy.top3 >= baseline["top3"] - SLACK, (
        f"top-3 {accuracy.top3:.2%} < {baseline['top3']:.2%} − 3"
    )
    assert accuracy.hard_top3 >= baseline["hard_top3"] - SLACK


def test_the_fast_path_scores_exactly_like_the_library(seed_model: TrainedModel) -> None:
    texts = [*[e.text for e in eval_examples()][::7], "", "\u3000", "a" * 5000]
    library = seed_model.margins(texts)
    for row, text in zip(library, texts, strict=True):
        assert np.allclose(row, seed_model.margins_one(text), atol=1e-9)
    ranked = seed_model.rank("井盖没了")
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert all(0.0 <= s.score <= 1.0 for s in ranked)
    assert abs(sum(s.score for s in ranked) - 1.0) < 0.01


def test_the_evaluation_set_is_large_varied_and_labelled_with_known_categories() -> None:
    rows = eval_examples()
    codes = {r.code for r in read_catalogue()}
    assert len(rows) >= 1000
    assert {r.category for r in rows} == codes  # every category, nothing else
    assert sum(r.hard for r in rows) / len(rows) >= 0.20
    assert len({_key(r.text) for r in rows}) == len(rows)  # no duplicates inside the set
    per_category = {c: sum(r.category == c for r in rows) for c in codes}
    assert min(per_category.values()) >= 25
    lengths = sorted(len(r.text) for r in rows)
    assert lengths[0] <= 3
    assert lengths[-1] >= 150
    assert sum("南京" in r.text or "区" in r.text for r in rows) >= 100  # place names


def test_no_evaluation_text_or_near_duplicate_is_in_the_training_seed() -> None:
    seed = seed_examples()
    seed_keys = {_key(e.text) for e in seed}
    seed_grams = [(_key(e.text), _bigrams(e.text)) for e in read_jsonl(SEED_FILE)]
    clashes = []
    for row in eval_examples():
        key = _key(row.text)
        if key in seed_keys:
            clashes.append(f"same text: {row.text}")
            continue
        grams = _bigrams(row.text)
        for seed_key, seed_set in seed_grams:
            if len(key) >= 6 and len(seed_key) >= 6:
                jaccard = len(grams & seed_set) / len(grams | seed_set)
                if jaccard >= 0.6:
                    clashes.append(f"near duplicate ({jaccard:.2f}): {row.text} ≈ {seed_key}")
                    break
    assert not clashes, "\n".join(clashes)
