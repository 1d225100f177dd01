"""Scores (0–1) counted in ten bins of 10 %, for the histograms and their tables."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

BINS = 10


@dataclass
class ScoreBin:
    """Scores from ``low`` % up to ``high`` % (the last bin includes 100 %)."""

    low: int
    high: int
    count: int = 0

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%"


def score_bins(scores: Iterable) -> list[ScoreBin]:
    """How many ``scores`` (Decimal or float, 0–1; out-of-range ones clamped) fall in each bin.

    Computed on decimals, so 0.3 lands in 30–40 % whatever its float rounding."""
    bins = [ScoreBin(low=10 * i, high=10 * (i + 1)) for i in range(BINS)]
    for score in scores:
        if score is None:
            continue
        index = int(Decimal(str(score)) * BINS)
        bins[min(max(index, 0), BINS - 1)].count += 1
    return bins
