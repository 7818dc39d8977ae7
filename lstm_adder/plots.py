"""One picture of every sum: where the network is right and wrong, seen and never seen.

`evaluate.py --plot FILE.png` draws it from the figures evaluate.py has just printed: the map's
cells come from the same outputs, and the bars are the printed per-bit and carry-chain
accuracies, so the picture and the text cannot disagree (tests/test_plots.py checks the counts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lstm_adder.files import replacing

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# The map's classes, in the order of CLASS_COLOURS, from Okabe and Ito's palette for colour-blind
# readers ("Color Universal Design"): right in blue (lighter for the pairs seen in training),
# wrong in vermillion, or black where the pair was seen in training. Blue against vermillion
# stays apart for red-green colour blindness, where green against red does not; the two kinds of
# failure differ in lightness as well, even where cells are 2 pixels wide.
RIGHT_NEVER_SEEN, WRONG_NEVER_SEEN, RIGHT_SEEN, WRONG_SEEN = range(4)
CLASS_COLOURS = ("#0072B2", "#D55E00", "#56B4E9", "#000000")
CLASS_NAMES = (
    "right, never seen",
    "wrong, never seen",
    "right, seen in training",
    "wrong, seen in training",
)
SIZE_INCHES, DPI = (14, 8), 100  # 1,400 x 800 pixels: at least 2 pixels a cell for 256 x 256


def sum_grid(
    right: np.ndarray,
    seen: np.ndarray,
    first_operand: np.ndarray,
    second_operand: np.ndarray,
    bits: int,
) -> np.ndarray:
    """A (2**bits, 2**bits) array of classes, row = second operand, column = first operand, from
    each pair's `right` and `seen` (from scoring.evaluate; all
    False for `seen` when the training pairs are unknown)."""
    classes = np.where(right, RIGHT_NEVER_SEEN, WRONG_NEVER_SEEN) + 2 * np.asarray(seen)
    grid = np.full((2**bits, 2**bits), -1, dtype=np.int64)
    grid[np.asarray(second_operand), np.asarray(first_operand)] = classes
    return grid


def draw_evaluation(
    path: str,
    grid: np.ndarray,
    result: dict,
    model_path: str,
    split_note: str | None,
    blog_figure: float,
) -> None:
    """The map, the per-bit and carry-chain bars and a title, from `result` (evaluate.evaluate's
    dict over every pair), written as a PNG of SIZE_INCHES at DPI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=SIZE_INCHES, dpi=DPI)
    layout = figure.add_gridspec(
        2,
        2,
        width_ratios=(1.25, 1),
        hspace=0.45,
        wspace=0.2,
        left=0.04,
        right=0.98,
        top=0.84,
        bottom=0.15,
    )
    draw_sum_map(figure.add_subplot(layout[:, 0]), grid, result, split_note)
    draw_bit_bars(figure.add_subplot(layout[0, 1]), result["per_position"])
    draw_chain_bars(figure.add_subplot(layout[1, 1]), result["by_carry_chain"])
    figure.suptitle(picture_title(result, model_path, blog_figure), fontsize=11)
    with replacing(path) as replacement:  # WriteError: the file at `path` stays as it was
        figure.savefig(replacement.temporaries[0], dpi=DPI)
    plt.close(figure)


def draw_sum_map(axis: Axes, grid: np.ndarray, result: dict, split_note: str | None) -> None:
    """Every sum as a cell, coloured by its class, with a legend that counts each class."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    size = len(grid)
    axis.imshow(
        grid,
        cmap=ListedColormap(CLASS_COLOURS),
        vmin=0,
        vmax=3,
        interpolation="nearest",
        origin="upper",
    )
    axis.set(
        xlabel="first operand",
        ylabel="second operand",
        title="Every sum: first operand across, second operand down",
    )
    ticks = sorted({*range(0, size, max(1, size // 4)), size - 1})
    axis.set_xticks(ticks)
    axis.set_yticks(ticks)
    counts = np.bincount(grid.ravel(), minlength=4)
    known = "seen" in result
    shown = range(4) if known else (RIGHT_NEVER_SEEN, WRONG_NEVER_SEEN)
    names = CLASS_NAMES if known else [name.split(",")[0] for name in CLASS_NAMES]
    handles = [Patch(color=CLASS_COLOURS[k], label=f"{names[k]}: {counts[k]:,}") for k in shown]
    if not known:
        handles.append(Patch(color="white", label=f"seen/never seen unknown: {split_note}"))
    axis.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=2 if known else 1,
        fontsize=8,
        frameon=False,
    )


def draw_bit_bars(axis: Axes, positions: list[dict]) -> None:
    """The accuracy of each output bit, each bar labelled. The bits of a trained adder lie
    within a few points of each other near 100%, so the axis starts a little below the worst
    bit (its label says where) rather than at 0, where they would all look alike."""
    accuracies = [100 * p["accuracy"] for p in positions]
    bars = axis.bar(range(len(positions)), accuracies, color="#0072B2")
    axis.bar_label(bars, fmt="%.1f", fontsize=7)
    axis.set_xticks(range(len(positions)), [str(p["place_value"]) for p in positions])
    bottom = bit_axis_bottom(accuracies)
    axis.set_ylim(bottom, 100 + (100 - bottom) * 0.1)
    axis.set(
        xlabel=f"output bit (place value; {positions[0]['place_value']} is the final carry)",
        ylabel=f"right (%), axis from {bottom:.0f}%",
        title="Accuracy of each output bit",
    )


def bit_axis_bottom(accuracies: list[float]) -> float:
    """Where the per-bit axis starts: 5 points below the worst bit, on a multiple of 5, and
    never below 0."""
    return max(0.0, 5 * np.floor((min(accuracies) - 5) / 5))


def draw_chain_bars(axis: Axes, groups: list[dict]) -> None:
    """Exact sums by the longest carry chain, each bar with its number of pairs below it."""
    bars = axis.bar(
        [g["longest_carry_chain"] for g in groups],
        [100 * g["exact_sum_accuracy"] for g in groups],
        color="#009E73",
    )
    axis.bar_label(bars, fmt="%.1f", fontsize=7)
    axis.set_ylim(0, 110)
    axis.set(
        xlabel="longest chain of carries in the addition (below it: its number of pairs)",
        ylabel="sums right (%)",
        title="Exact sums by the longest carry chain",
    )
    axis.set_xticks(
        [g["longest_carry_chain"] for g in groups],
        [f"{g['longest_carry_chain']}\n{g['pairs']:,}" for g in groups],
        fontsize=8,
    )


def picture_title(result: dict, model_path: str, blog_figure: float) -> str:
    """What the picture shows, in words: the sums that are right, then the blog's figure."""
    lines = [
        f"{model_path}: {100 * result['exact_sum_accuracy']:.2f}% of all "
        f"{result['pairs']:,} sums exactly right (every output bit)"
    ]
    if "seen" in result:
        lines.append(
            f"on pairs seen in training {100 * result['seen']['exact_sum_accuracy']:.2f}% (of "
            f"{result['seen']['pairs']:,}), on pairs never seen "
            f"{100 * result['unseen']['exact_sum_accuracy']:.2f}% (of "
            f"{result['unseen']['pairs']:,})"
        )
    lines.append(
        f"the blog's figure, (1 - MSE) x 100, on the same pairs: {result['blog_figure']:.4f}% "
        f"(the blog reported {blog_figure:.4f}% on 1,000 random pairs)"
    )
    return "\n".join(lines)
