"""The accuracy gate: extraction must not fall below the floors pinned in accuracy/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from headcount.evaluate.report import check_floors, evaluate

ROOT = Path(__file__).resolve().parents[1]


def _gold(floors_file: Path) -> list[str]:
    spec = json.loads(floors_file.read_text(encoding="utf-8"))
    paths = [str((ROOT / g).resolve()) for g in spec["gold"]]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        pytest.skip(f"gold files not present: {missing}")
    return paths


@pytest.mark.parametrize("floors_name", ["floors.json", "seeds_floors.json"])
def test_extraction_holds_its_floors(floors_name: str) -> None:
    floors_file = ROOT / "accuracy" / floors_name
    ev = evaluate(_gold(floors_file))
    assert check_floors(ev, floors_file) == []


def test_floors_catch_a_regression(tmp_path: Path) -> None:
    floors_file = ROOT / "accuracy" / "seeds_floors.json"
    ev = evaluate(_gold(floors_file))
    impossible = tmp_path / "floors.json"
    impossible.write_text(json.dumps({"floors": {"event_f1": 1.01}}), encoding="utf-8")
    assert check_floors(ev, impossible) == ["event_f1: 1.000 is below the floor 1.010"]
