"""Enumerations and shapes from botocore's service models, read without importing botocore."""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any


def _data_folder() -> Path:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed (aws-sam-translator depends on it)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def _service(name: str) -> dict[str, object]:
    folder = _data_folder() / name
    model = sorted(folder.glob("*/service-2.json*"))[-1]
    raw = gzip.decompress(model.read_bytes()) if model.suffix == ".gz" else model.read_bytes()
    document: dict[str, object] = json.loads(raw)
    return document


def shape(service: str, name: str) -> dict[str, Any]:
    """A shape of a service's model (a structure's members, a string's pattern, lengths, enum…)."""
    shapes = _service(service)["shapes"]
    assert isinstance(shapes, dict)
    found: dict[str, Any] = shapes[name]
    return found


def enum(service: str, shape: str) -> tuple[str, ...]:
    shapes = _service(service)["shapes"]
    assert isinstance(shapes, dict)
    return tuple(shapes[shape]["enum"])


@cache
def regions() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(every Region botocore's partitions list, each partition's pattern for Region names)."""
    document = json.loads((_data_folder() / "endpoints.json").read_bytes())
    known: list[str] = []
    patterns: list[str] = []
    for partition in document["partitions"]:
        known += sorted(partition["regions"])
        patterns.append(partition["regionRegex"])
    return tuple(known), tuple(patterns)
