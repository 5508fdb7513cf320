"""The shipped training seed, keywords and evaluation set (``src/shequ/appeals/data``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..catalogue import DATA_DIR, read_catalogue

SEED_FILE = DATA_DIR / "train_seed.jsonl"
KEYWORDS_FILE = DATA_DIR / "keywords.json"
EVAL_FILE = DATA_DIR / "eval.jsonl"
BASELINE_FILE = DATA_DIR / "eval_baseline.json"


@dataclass(frozen=True)
class Labelled:
    text: str
    category: str
    hard: bool = False
    weight: float = 1.0


def read_jsonl(path: Path) -> list[Labelled]:
    rows: list[Labelled] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                item = json.loads(line)
                rows.append(Labelled(item["text"], item["category"], bool(item.get("hard", False))))
    return rows


def catalogue_examples() -> list[Labelled]:
    """The model's starting point: each category's name and its keywords, as short examples."""
    keywords: dict[str, list[str]] = json.loads(KEYWORDS_FILE.read_text(encoding="utf-8"))
    rows: list[Labelled] = []
    for row in read_catalogue():
        rows.append(Labelled(row.name, row.code))
        rows.extend(Labelled(word, row.code) for word in keywords.get(row.code, []))
    return rows


def seed_examples() -> list[Labelled]:
    """The shipped seed: the catalogue and keywords, then the seed texts."""
    return catalogue_examples() + read_jsonl(SEED_FILE)


def eval_examples() -> list[Labelled]:
    return read_jsonl(EVAL_FILE)
