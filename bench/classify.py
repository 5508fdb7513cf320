"""The dispatch classifier: accuracy on the evaluation set and time per case.

Trains the model on the shipped seed only (catalogue names, keywords and
``src/shequ/appeals/data/train_seed.jsonl``), scores every appeal of
``src/shequ/appeals/data/eval.jsonl`` (never used for training), and times the
classification of each evaluation text one at a time, as the API does it
(``TrainedModel.rank``: normalisation, jieba, TF-IDF, SVM, softmax).

    .venv/bin/python bench/classify.py [--repeat 3] [--write-baseline]

``--write-baseline`` records the figures in ``src/shequ/appeals/data/eval_baseline.json``,
which ``src/shequ/appeals/tests/test_accuracy.py`` holds the model to (3 points of slack).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("SHEQU_VAR_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "shequ-bench"))
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-abcdef")

import django  # noqa: E402

django.setup()  # the classifier package imports the appeals models; no database is used

from shequ.appeals.classifier.data import BASELINE_FILE, eval_examples, seed_examples  # noqa: E402
from shequ.appeals.classifier.text import warm_up  # noqa: E402
from shequ.appeals.classifier.training import TrainedModel, evaluate, fit  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timing passes over the evaluation set")
    parser.add_argument("--write-baseline", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print the misclassified evaluation texts")
    args = parser.parse_args()

    started = time.perf_counter()
    warm_up()
    jieba_s = time.perf_counter() - started
    seed, evaluation = seed_examples(), eval_examples()
    started = time.perf_counter()
    model = fit(seed)
    fit_s = time.perf_counter() - started
    accuracy = evaluate(model, evaluation)
    blob = model.dumps()
    started = time.perf_counter()
    TrainedModel.loads(blob)
    load_s = time.perf_counter() - started

    texts = [e.text for e in evaluation]
    timings: list[float] = []
    for _ in range(args.repeat):
        for text in texts:
            t0 = time.perf_counter()
            model.rank(text)
            timings.append((time.perf_counter() - t0) * 1000)
    long_texts = [t for t in texts if len(t) >= 150]
    long_timings = []
    for text in long_texts * args.repeat:
        t0 = time.perf_counter()
        model.rank(text)
        long_timings.append((time.perf_counter() - t0) * 1000)
    worst = "噪" * 10_000
    t0 = time.perf_counter()
    model.rank(worst)
    worst_ms = (time.perf_counter() - t0) * 1000

    hard = sum(1 for e in evaluation if e.hard)
    result = {
        "eval_count": accuracy.count,
        "hard_count": hard,
        "seed_count": len(seed),
        "top1": accuracy.top1,
        "top3": accuracy.top3,
        "hard_top1": accuracy.hard_top1,
        "hard_top3": accuracy.hard_top3,
    }
    print(f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
    print(
        f"seed examples {len(seed)}, evaluation appeals {accuracy.count} "
        f"({hard} hard, {hard / accuracy.count:.0%})"
    )
    print(
        f"top-1 {accuracy.top1:.2%}  top-3 {accuracy.top3:.2%}  "
        f"(hard: {accuracy.hard_top1:.2%} / {accuracy.hard_top3:.2%})"
    )
    print(
        f"fit {fit_s:.2f} s, model {len(blob) / 1024:.0f} KiB, load {load_s * 1000:.0f} ms, "
        f"jieba start {jieba_s:.2f} s"
    )
    print(
        f"per case ({len(timings)} classifications): mean {statistics.mean(timings):.2f} ms, "
        f"p50 {percentile(timings, 0.5):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms, "
        f"p99 {percentile(timings, 0.99):.2f} ms, max {max(timings):.2f} ms"
    )
    if long_timings:
        print(f"texts of 150+ characters ({len(long_texts)}): p50 {percentile(long_timings, 0.5):.2f} ms")
    print(f"a 10,000-character text: {worst_ms:.2f} ms")
    if args.misses:
        for text, truth, guess in accuracy.misses:
            print(f"  {truth} → {guess}: {text[:70]}")
    if args.write_baseline:
        BASELINE_FILE.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {BASELINE_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
