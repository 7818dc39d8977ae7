"""One picture of every sum: where the network is right and wrong, seen and never seen.

`evaluate.py --plot FILE.png` draws it from the figures evaluate.py has just printed: the map's
cells come from the same outputs, and the bars are the printed per-bit and carry-chain
accuracies, so the picture and the text cannot disagree (tests/test_plots.py checks the counts).
"""

import numpy as np

from lstm_adder.files import replacing

# The map's classes, in the order of CLASS_COLOURS: right in green (lighter for the pairs seen in
# training), wrong in red, or magenta where the pair was seen in training, so that the two kinds
# of failure stay apart, and apart from both greens, even where cells are 2 pixels wide.
RIGHT_NEVER_SEEN, WRONG_NEVER_SEEN, RIGHT_SEEN, WRONG_SEEN = range(4)
CLASS_COLOURS = ("#1a9850", "#d73027", "#a6d96a", "#e7298a")
CLASS_NAMES = (
    "right, never seen",
    "wrong, never seen",
    "right, seen in training",
    "wrong, seen in training",
)
SIZE_INCHES, DPI = (14, 8), 100  # 1,400 x 800 pixels: at least 2 pixels a cell for 256 x 256


def sum_grid(right, seen, first_operand, second_operand, bits):
    """A (2**bits, 2**bits) array of classes, row = second operand, column = first operand, from
    each pair's `right` and `seen` (from scoring.evaluate; all
    False for `seen` when the training pairs are unknown)."""
    classes = np.where(right, RIGHT_NEVER_SEEN, WRONG_NEVER_SEEN) + 2 * np.asarray(seen)
    grid = np.full((2**bits, 2**bits), -1, dtype=np.int64)
    grid[np.asarray(second_operand), np.asarray(first_operand)] = classes
    return grid


def draw_evaluation(path, grid, result, model_path, split_note, blog_figure):
    """The map, the per-bit and carry-chain bars and a title, from `result` (evaluate.evaluate's
    dict over every pair), written as a PNG of SIZE_INCHES at DPI."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    figure = plt.figure(figsize=SIZE_INCHES, dpi=DPI)
    layout = figure.add_gridspec(
        2,
        2,
        width_ratios=(1.25, 1),
        hspace=0.45,
        wspace=0.2,
        left=0.04,
        right=0.98,
        top=0.86,
        bottom=0.15,
    )
    sums = figure.add_subplot(layout[:, 0])
    places = figure.add_subplot(layout[0, 1])
    chains = figure.add_subplot(layout[1, 1])

    size = len(grid)
    sums.imshow(
        grid,
        cmap=ListedColormap(CLASS_COLOURS),
        vmin=0,
        vmax=3,
        interpolation="nearest",
        origin="upper",
    )
    sums.set(
        xlabel="first operand",
        ylabel="second operand",
        title="Every sum: first operand across, second operand down",
    )
    ticks = sorted({*range(0, size, max(1, size // 4)), size - 1})
    sums.set_xticks(ticks)
    sums.set_yticks(ticks)
    counts = np.bincount(grid.ravel(), minlength=4)
    known = "seen" in result
    shown = range(4) if known else (RIGHT_NEVER_SEEN, WRONG_NEVER_SEEN)
    names = CLASS_NAMES if known else [name.split(",")[0] for name in CLASS_NAMES]
    handles = [Patch(color=CLASS_COLOURS[k], label=f"{names[k]}: {counts[k]:,}") for k in shown]
    if not known:
        handles.append(Patch(color="white", label=f"seen/never seen unknown: {split_note}"))
    # Pairs with one sum lie on one diagonal (a + b = s): where a sum is hard, a stripe.
    handles.append(Patch(color="white", label="diagonal stripes: sums of one value, a + b = s"))
    sums.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=2 if known else 1,
        fontsize=8,
        frameon=False,
    )

    positions = result["per_position"]
    # Both bar charts from 0 to 100%, each bar labelled: a cut axis would magnify differences
    # of a percentage point into towers.
    bars = places.bar(
        range(len(positions)), [100 * p["accuracy"] for p in positions], color="tab:blue"
    )
    places.bar_label(bars, fmt="%.1f", fontsize=7)
    places.set_xticks(range(len(positions)), [str(p["place_value"]) for p in positions])
    places.set_ylim(0, 110)
    places.set(
        xlabel=f"output bit (place value; {positions[0]['place_value']} is the final carry)",
        ylabel="right (%)",
        title="Accuracy of each output bit",
    )
    groups = result["by_carry_chain"]
    bars = chains.bar(
        [g["longest_carry_chain"] for g in groups],
        [100 * g["exact_sum_accuracy"] for g in groups],
        color="tab:purple",
    )
    chains.bar_label(bars, fmt="%.1f", fontsize=7)
    chains.set_ylim(0, 110)
    chains.set(
        xlabel="longest chain of carries in the addition (below it: its number of pairs)",
        ylabel="sums right (%)",
        title="Exact sums by the longest carry chain",
    )
    chains.set_xticks(
        [g["longest_carry_chain"] for g in groups],
        [f"{g['longest_carry_chain']}\n{g['pairs']:,}" for g in groups],
        fontsize=8,
    )

    title = (
        f"{model_path}: the blog's figure over all {result['pairs']:,} pairs "
        f"{result['blog_figure']:.4f}% (the blog: {blog_figure:.4f}%); exact sums "
        f"{100 * result['exact_sum_accuracy']:.2f}%"
    )
    if known:
        title += (
            f"\nseen in training {100 * result['seen']['exact_sum_accuracy']:.2f}% "
            f"of {result['seen']['pairs']:,}, never seen "
            f"{100 * result['unseen']['exact_sum_accuracy']:.2f}% of "
            f"{result['unseen']['pairs']:,}"
        )
    figure.suptitle(title, fontsize=11)
    with replacing(path) as replacement:  # WriteError: the file at `path` stays as it was
        figure.savefig(replacement.temporaries[0], dpi=DPI)
    plt.close(figure)
