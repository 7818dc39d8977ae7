"""results/learning_curves.png, one function a panel, from findings.Findings: each run's curves
as recorded, and the fitted spread as the summary holds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lstm_adder.report.findings import Findings

if TYPE_CHECKING:
    from matplotlib.axes import Axes

import textwrap

import numpy as np
import scipy.stats

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE
from lstm_adder.report.plain import MseSpread, PlainRow
from lstm_adder.report.schedules import SUMMARY_SHARE
from lstm_adder.wording import percent, runs_so_far, scientific

COLOURS = {"keras2_hard_sigmoid": "tab:blue", "sigmoid": "tab:orange"}


def plot(found: Findings, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ((losses, long_axis), (plain_axis, spread_axis)) = plt.subplots(2, 2, figsize=(15, 10))
    training_losses(losses, found)
    long_schedules(long_axis, found)
    plain_runs(plain_axis, found.rows)
    mse_spread(spread_axis, found.spread)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def plot_variants(found: Findings, path: str) -> None:
    """results/variants.png: each variant's runs beside the blog's own plain runs, one point per
    run, their MSE over every pair on a log scale, the blog's MSE as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [row for row in found.variants if row.n]  # a variant yet to run has no points
    figure, axis = plt.subplots(figsize=(12, 6))
    for position, row in enumerate(rows):
        offsets = np.linspace(-0.2, 0.2, len(row.mses)) if len(row.mses) > 1 else [0.0]
        colour = "tab:blue" if row.name is None else "tab:green"
        axis.plot(position + np.asarray(offsets), row.mses, "o", color=colour, alpha=0.6)
    axis.axhline(BLOG_MSE, color="black", linestyle=":", label=f"the blog's MSE {BLOG_MSE:.3g}")
    labels = [
        textwrap.fill(f"{row.label} ({runs_so_far(row.n, row.planned)} runs)", 22) for row in rows
    ]
    axis.set_xticks(range(len(rows)), labels, fontsize=8)
    axis.set(
        yscale="log",
        ylabel="MSE over every pair, log scale",
        title=f"One change to the blog's script, {found.plain_epochs} epochs: one point per run",
    )
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def training_losses(axis: Axes, found: Findings) -> None:
    """The long schedules' training loss beside what the blog's test measures: the MSE over all
    pairs and over never-seen pairs, medians over the schedules; the plain runs faint."""
    for run in found.runs.values():
        if run.plan.activation not in COLOURS:
            continue
        epochs = np.arange(1, len(run.loss_per_epoch) + 1)
        axis.plot(
            epochs,
            run.loss_per_epoch,
            linewidth=0.8,
            color=COLOURS[run.plan.activation] if run.plan.evaluated_along else "lightgrey",
            alpha=0.35 if run.plan.evaluated_along else 0.3,
            linestyle="--" if run.plan.engine == "keras" else "-",
        )
    lines = found.curves
    axis.plot(
        lines.epoch,
        gaps(lines.median_mse),
        color="black",
        linewidth=2,
        label=f"MSE over all pairs: median of the blog's LSTM's {len(found.schedules)} "
        f"schedules, {while_most(found)}",
    )
    observed = [
        (epoch, unseen, every)
        for epoch, unseen, every in zip(
            lines.epoch, lines.median_unseen_mse, lines.median_observed_mse
        )
        if unseen is not None
    ]
    if observed:
        observed_epochs, unseen, every = zip(*observed)
        axis.plot(
            observed_epochs,
            unseen,
            color="tab:red",
            linewidth=2,
            label="MSE over never-seen pairs (median of the observed schedules)",
        )
        axis.plot(
            observed_epochs,
            every,
            color="tab:red",
            linewidth=1.5,
            linestyle="--",
            label="MSE over all pairs, the same schedules",
        )
    for activation, colour in COLOURS.items():
        axis.plot([], [], color=colour, label=f"training loss, long schedules: {activation}")
    axis.plot([], [], color="lightgrey", label="training loss, plain runs")
    axis.axhline(BLOG_MSE, color="black", linestyle=":", label="the blog's MSE (its test)")
    axis.set(
        yscale="log",
        xlabel="epoch",
        ylabel="MSE, log scale",
        title="Training loss (training pairs, dropout on) against the MSE the blog's test "
        "measures\n(fresh pairs, most never seen in training)",
    )
    axis.legend(fontsize=7, loc="upper right")  # the curves fall from upper left to lower right


def gaps(values: list[float | None]) -> np.ndarray:
    """A summary line's values, None (too few schedules there) as gaps."""
    return np.asarray([np.nan if value is None else value for value in values], dtype=float)


def while_most(found: Findings) -> str:
    """Where the picture draws a summary over schedules: the legend says it."""
    drawn = [
        epoch for epoch, value in zip(found.curves.epoch, found.curves.mean) if value is not None
    ]
    return (
        f"drawn while at least {percent(SUMMARY_SHARE, 0)} of the {len(found.schedules)} are "
        f"evaluated (to epoch {max(drawn, default=0):,})"
    )


def long_schedules(axis: Axes, found: Findings) -> None:
    """The chance that a blog-style test shows the figure: each schedule of the blog's LSTM
    faint, their mean at each epoch with its 95% bootstrap interval."""
    for run in found.schedules:
        shown = [e for e in run.evaluations if "sampling" in e]
        axis.plot(
            [e["epoch"] for e in shown],
            [100 * e["sampling"]["probability_reaching_blog_figure"] for e in shown],
            color="tab:blue",
            alpha=0.2,
            linewidth=0.8,
        )
    lines = found.curves
    banded = [
        (epoch, low, high)
        for epoch, low, high in zip(lines.epoch, lines.low, lines.high)
        if low is not None
    ]
    if banded:
        epochs, lows, highs = zip(*banded)
        axis.fill_between(
            epochs,
            100 * np.asarray(lows),
            100 * np.asarray(highs),
            color="tab:blue",
            alpha=0.25,
            label="95% interval (bootstrap)",
        )
    axis.plot(
        lines.epoch,
        100 * gaps(lines.mean),
        color="tab:blue",
        linewidth=2,
        label=f"mean over the schedules evaluated there, {while_most(found)}",
    )
    axis.plot([], [], color="tab:blue", alpha=0.2, label="each schedule")
    axis.axhline(50, color="black", linestyle=":", label="the stop rule's level (half of tests)")
    axis.set(
        xlabel="epoch",
        ylabel="chance that a blog-style test shows the figure (%)",
        ylim=(0, 100),
        title="Long schedules of the blog's LSTM: the chance that a "
        f"1,000-pair test\nshows the blog's {BLOG_FIGURE}%",
    )
    axis.legend(fontsize=7)


def plain_runs(axis: Axes, rows: list[PlainRow]) -> None:
    """Each configuration's plain runs, one point per run: their MSE on the fixed 1,000 pairs."""
    groups = [(row.activation, row.engine) for row in rows]
    for position, row in enumerate(rows):
        activation, engine, values = row.activation, row.engine, row.mses
        offsets = np.linspace(-0.15, 0.15, len(values)) if len(values) > 1 else [0.0]
        axis.plot(
            position + np.asarray(offsets),
            values,
            "o",
            color=COLOURS.get(activation),
            markerfacecolor="none" if engine == "keras" else COLOURS.get(activation),
        )
    axis.axhline(BLOG_MSE, color="black", linestyle=":", label=f"the blog's MSE {BLOG_MSE:.3g}")
    axis.set_xticks(
        range(len(groups)),
        [
            f"{activation}\n{'model.fit' if engine == 'keras' else engine + ' engine'}"
            for activation, engine in groups
        ],
        fontsize=8,
    )
    axis.set_xlim(-0.5, max(len(groups), 1) - 0.5)
    axis.set(
        yscale="log",
        ylabel="MSE on 1,000 fresh pairs, log scale",
        title="Plain runs at the blog's settings: one point per run",
    )
    axis.legend(fontsize=8)


def mse_spread(axis: Axes, spread: MseSpread | None) -> None:
    """How far the blog's MSE lies from the runs: their log10(MSE) over every pair, the normal
    curve fitted to it, and the blog's value far out in its tail."""
    if not spread:
        axis.set_axis_off()
        return
    values = np.asarray(spread.log10_values)
    low = min(values.min(), np.log10(BLOG_MSE)) - 0.2
    grid = np.linspace(low, values.max() + 0.2, 400)
    axis.hist(
        values,
        bins=20,
        density=True,
        color="tab:blue",
        alpha=0.5,
        label=f"{spread.n} runs of the blog's LSTM, {spread.epochs} epochs",
    )
    axis.plot(
        grid,
        scipy.stats.norm.pdf(grid, spread.log10_mean, spread.log10_std),
        color="tab:blue",
        label="normal fit",
    )
    axis.axvline(
        np.log10(BLOG_MSE), color="black", linestyle=":", label=f"the blog's MSE {BLOG_MSE:.3g}"
    )
    axis.set(
        xlabel="log10(MSE over every pair)",
        ylabel="density",
        title=f"Extrapolated chance of the blog's MSE: {scientific(spread.chance)}",
    )
    axis.legend(fontsize=8)
