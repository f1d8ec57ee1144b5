"""Fitted models, applied with numpy: a logistic regression over named features.

The coefficients are fitted offline (`python -m eval.fit_answers`, scikit-learn) and stored as a
small plain JSON file beside this module, `answer_model.json`, which also names the data they were
fitted on. Nothing here imports scikit-learn, so answering a question stays light.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError


@dataclass(frozen=True)
class LogisticModel:
    """P(label) = sigmoid(intercept + sum(coef * (x - mean) / scale)) over named features.

    >>> m = LogisticModel(("a", "b"), coef=(2.0, -1.0), intercept=0.0, mean=(0.0, 0.0), scale=(1.0, 1.0))
    >>> round(m.probability({"a": 1.0, "b": 2.0}), 3), round(m.probability({"a": 0.0, "b": 0.0}), 3)
    (0.5, 0.5)
    >>> round(m.probability({"a": 1.0}), 3)
    0.881
    """

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def logit(self, values: Mapping[str, float]) -> float:
        total = self.intercept
        for name, w, mu, sd in zip(self.features, self.coef, self.mean, self.scale, strict=True):
            total += w * (float(values.get(name, 0.0)) - mu) / sd
        return total

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.logit(values)
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def probabilities(self, columns: Mapping[str, np.ndarray], n: int) -> list[float]:
        """`probability` of each of `n` rows given as float64 columns by name (a missing one counts as
        zeros): the same operations in the same order, a column at a time, so equal to the bit.

        >>> m = LogisticModel(("a", "b"), coef=(2.0, -1.0), intercept=0.0, mean=(0.0, 0.0), scale=(1.0, 1.0))
        >>> [round(p, 3) for p in m.probabilities({"a": np.array([1.0, 0.0, 1.0]), "b": np.array([2.0, 0.0, 0.0])}, 3)]
        [0.5, 0.5, 0.881]
        """
        total = np.full(n, self.intercept)
        for name, w, mu, sd in zip(self.features, self.coef, self.mean, self.scale, strict=True):
            x = columns.get(name)
            total += w * ((0.0 if x is None else x) - mu) / sd
        return [1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0 for z in total.tolist()]

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LogisticModel:
        features = tuple(data["features"])
        columns = [tuple(float(x) for x in data[k]) for k in ("coef", "mean", "scale")]
        if any(len(c) != len(features) for c in columns):
            raise ModelError("a fitted model's coefficients do not match its feature names; refit it")
        return cls(features, columns[0], float(data["intercept"]), columns[1], columns[2])


def check_features(model: LogisticModel, known: Sequence[str], what: str) -> None:
    """ModelError unless every feature the model uses is one the code computes."""
    unknown = sorted(set(model.features) - set(known))
    if unknown:
        raise ModelError(
            f"the fitted {what} model uses features this code does not compute ({', '.join(unknown)}); "
            "refit it with `python -m eval.fit_answers`"
        )


@lru_cache(maxsize=4)
def read_fitted(path: Path) -> dict[str, Any]:
    """The fitted-parameters file, read once per process."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"cannot read the fitted answer model {path} ({exc}); refit it with `python -m eval.fit_answers`"
        ) from None
    if not isinstance(data, dict):
        raise ModelError(f"{path} is not a fitted answer model; refit it with `python -m eval.fit_answers`")
    return data
