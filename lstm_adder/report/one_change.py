"""One change to the blog's script: each variant's row beside the blog's own runs, and the
2 x 2 of steps an epoch against pairs seen, decided once from its numbers."""

import collections
import dataclasses
import enum
import math
from collections.abc import Iterable, Sequence
from typing import cast

import numpy as np

from lstm_adder.blog import BLOG_FIGURE
from lstm_adder.statistics import (
    binomial_interval,
    binomial_upper_bound,
    mean_interval,
)
from lstm_adder.stop_rule import STOP_PROBABILITY, probability
from lstm_adder.study.plan import Plan
from lstm_adder.study.runs import StudyRun
from lstm_adder.variants import STEPS_AND_PAIRS, VARIANTS, Variant


@dataclasses.dataclass(frozen=True)
class VariantRow:
    """What the runs of one variant (or of the blog's script unchanged, name None) show; the
    figures are None while none has finished."""

    name: str | None
    label: str
    label_zh: str
    n: int
    planned: int | None  # the runs the study plans for it (None: not known)
    reached: int
    low: float | None  # exact 95% interval on the share that reached the figure
    high: float | None
    upper_bound: float | None
    mean_chance: float | None  # that a blog-style test shows the figure, with its interval
    chance_low: float | None
    chance_high: float | None
    likely: bool  # the whole interval on the mean chance above STOP_PROBABILITY
    exact: float | None  # medians: exact sums in percent, over every pair and never seen
    unseen_exact: float | None
    mse: float | None  # median MSE over every pair
    steps: float | None  # median steps an epoch
    seen_share: float | None  # median share of all pairs seen in training
    minutes: float | None
    mses: list[float]  # each run's MSE over every pair, for the picture


def variant_rows(
    variant_runs: list[StudyRun], blogs_runs: list[StudyRun], planned: Sequence[Plan]
) -> list[VariantRow]:
    """The blog's own plain runs (no change), then each variant that is planned or has finished
    runs, in variants.VARIANTS' order: variant_row() of each; empty without variant runs."""
    groups = [
        (variant, [run for run in variant_runs if run.plan.variant == variant.name])
        for variant in VARIANTS
    ]
    counts = collections.Counter(plan.variant for plan in planned)
    rows = [
        variant_row(variant, members, counts[variant.name] or None)
        for variant, members in groups
        if members or counts[variant.name]
    ]
    if variant_runs and blogs_runs:
        rows.insert(0, variant_row(None, blogs_runs, None))
    return rows if variant_runs else []


def variant_row(
    variant: Variant | None, members: list[StudyRun], planned: int | None
) -> VariantRow:
    """What `members`, the runs of one variant (None: the blog's script unchanged), show: how
    many reached the figure, with the exact (Clopper-Pearson) 95% interval and one-sided upper
    bound; the mean chance that a blog-style test shows it, with a 95% bootstrap interval over
    the runs, and whether that
    makes the figure likely (the whole interval above one half); medians of exact sums and MSE
    over every pair; steps an epoch and the share of all pairs seen in training; the minutes a
    run took here; and each run's MSE over every pair, for the picture. `planned`: how many runs
    the study plans for it (None: not known); the figures are None while none has finished."""
    reached = sum(run.figures["blog_figure"] >= BLOG_FIGURE for run in members)
    low, high = binomial_interval(reached, len(members)) if members else (None, None)
    chances = [probability(run.figures) for run in members]
    known = [chance for chance in chances if chance is not None]
    chance, chance_low, chance_high = mean_interval(known) if known else (None, None, None)

    def median(values):
        # A run that saw every pair has no never-seen accuracy (NaN): it has nothing to add.
        values = [value for value in values if value is not None and np.isfinite(value)]
        return float(np.median(values)) if values else None

    def figure(key, scale=1.0):
        return median(scale * run.figures[key] for run in members if key in run.figures)

    return VariantRow(
        name=variant.name if variant else None,
        label=variant.label if variant else "none: the blog's script",
        label_zh=variant.label_zh if variant else "不改：博客的脚本",
        n=len(members),
        planned=planned,
        reached=reached,
        low=low,
        high=high,
        upper_bound=binomial_upper_bound(reached, len(members)) if members else None,
        mean_chance=chance,
        chance_low=chance_low,
        chance_high=chance_high,
        likely=chance_low is not None and chance_low > STOP_PROBABILITY,
        exact=figure("exact_sum_accuracy", 100),
        unseen_exact=figure("unseen_exact_sum_accuracy", 100),
        mse=figure("exhaustive_mse"),
        steps=median(steps_an_epoch(run) for run in members),
        seen_share=median(
            run.figures["seen_pairs"] / 4**run.config.bits
            for run in members
            if "seen_pairs" in run.figures
        ),
        minutes=median((run.train_seconds or 0) / 60 for run in members),
        mses=[run.figures["exhaustive_mse"] for run in members if "exhaustive_mse" in run.figures],
    )


def steps_an_epoch(run: StudyRun) -> int:
    """Optimiser steps in one epoch of a run: its training pairs over its batch size, the last
    batch a short one."""
    return math.ceil(run.config.data_size / run.config.batch_size)


class Pointer(enum.Enum):
    """What the 2 x 2 of steps against pairs seen points to, decided from its numbers once; the
    writers phrase it in each language."""

    INCOMPLETE = "incomplete"  # a cell has fewer than 2 finished runs
    STEPS = "steps"  # more steps raised the mean chance at both shares of pairs seen
    PAIRS = "pairs"  # more pairs seen raised it at both step counts
    BOTH = "both"  # each did, whatever the other
    TOGETHER = "together"  # neither alone: only the cell with both stands apart
    UNCLEAR = "unclear"  # the intervals overlap: these runs cannot tell


@dataclasses.dataclass(frozen=True)
class StepsAndPairs:
    """The 2 x 2 table: cells[(many_steps, many_pairs)] is the variant row of that cell (None
    where its variant has no row), and what its numbers point to."""

    cells: dict[tuple[bool, bool], VariantRow | None]
    pointer: Pointer

    def cell(self, many_steps: bool, many_pairs: bool) -> VariantRow | None:
        return self.cells[(many_steps, many_pairs)]


def steps_and_pairs(rows: list[VariantRow]) -> StepsAndPairs:
    """The blog's run, data-size-65536 and the two variants that change one of its two effects
    (variants.STEPS_AND_PAIRS), and what they point to. One factor counts only where its cells
    stand apart at both levels of the other: the 95% bootstrap interval of the mean chance with
    more of it lies wholly above the interval with less."""
    by_name = {row.name: row for row in rows}
    cells = {key: by_name.get(name) for key, name in STEPS_AND_PAIRS.items()}
    if any(row is None or row.n < 2 for row in cells.values()):
        return StepsAndPairs(cells, Pointer.INCOMPLETE)
    known = cast(dict[tuple[bool, bool], VariantRow], cells)

    def above(more: tuple[bool, bool], less: tuple[bool, bool]) -> bool:
        low, high = known[more].chance_low, known[less].chance_high
        return low is not None and high is not None and low > high

    steps = above((True, False), (False, False)) and above((True, True), (False, True))
    pairs = above((False, True), (False, False)) and above((True, True), (True, False))
    together = all(above((True, True), other) for other in known if other != (True, True))
    pointer = (
        Pointer.BOTH
        if steps and pairs
        else Pointer.STEPS
        if steps
        else Pointer.PAIRS
        if pairs
        else Pointer.TOGETHER
        if together
        else Pointer.UNCLEAR
    )
    return StepsAndPairs(cells, pointer)


def nearest_variant(rows: Iterable[VariantRow]) -> VariantRow | None:
    """The variant that came nearest the figure: the highest mean chance that a blog-style test
    shows it, then the lowest median MSE over every pair; None without variant runs."""
    known = [row for row in rows if row.mean_chance is not None]
    return max(known, key=lambda row: (row.mean_chance, -(row.mse or 0)), default=None)
