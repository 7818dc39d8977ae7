"""results/learning_curves.png, one function a panel, from findings.Findings: each run's curves
as recorded, and the fitted spread as the summary holds it."""
import numpy as np
import scipy.stats

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE
from lstm_adder.wording import scientific

COLOURS = {"keras2_hard_sigmoid": "tab:blue", "sigmoid": "tab:orange"}


def plot(found, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ((losses, long_axis), (plain_axis, spread_axis)) = plt.subplots(2, 2,
                                                                           figsize=(15, 10))
    training_losses(losses, found.runs)
    long_schedules(long_axis, found.runs)
    plain_runs(plain_axis, found.runs)
    mse_spread(spread_axis, found.spread)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def training_losses(axis, runs):
    for run in runs.values():
        epochs = np.arange(1, len(run["loss_per_epoch"]) + 1)
        axis.plot(epochs, run["loss_per_epoch"], color=COLOURS.get(run["activation"]),
                  alpha=0.8 if run["every"] else 0.4, linewidth=1.5 if run["every"] else 1,
                  linestyle="--" if run["engine"] == "keras" else "-")
    for activation, colour in COLOURS.items():
        axis.plot([], [], color=colour, label=activation)
    axis.axhline(BLOG_MSE, color="black", linestyle=":", label="the blog's MSE (its test)")
    axis.set(yscale="log", xlabel="epoch", ylabel="training loss (MSE), log scale",
             title="Training loss of every run (dashed: model.fit)")
    axis.legend(fontsize=8)


def long_schedules(axis, runs):
    # The blog's figure as its distance from 100%, on a log axis: 99.9% and 99.99% are a
    # factor of ten apart here, where a linear axis would draw them on top of each other.
    for run in runs.values():
        if not run["every"] or not run["evaluations"]:
            continue
        colour = COLOURS.get(run["activation"])
        label = f"{run['activation']}, seed {run['seed']}"
        epochs = [e["epoch"] for e in run["evaluations"]]
        axis.plot(epochs, [100 - e["blog_figure"] for e in run["evaluations"]], "o",
                  markersize=3, color=colour, alpha=0.6)
        spread = [e for e in run["evaluations"] if "sampling" in e]
        if spread:
            at = [e["epoch"] for e in spread]
            axis.fill_between(at, [100 - e["sampling"]["p95"] for e in spread],
                              [100 - e["sampling"]["p5"] for e in spread], color=colour,
                              alpha=0.15)
            axis.plot(at, [100 - e["sampling"]["p50"] for e in spread], color=colour,
                      linestyle="-" if run["seed"] == 1 else "--", label=label)
    axis.axhline(100 - BLOG_FIGURE, color="black", linestyle=":",
                 label=f"the blog: {BLOG_FIGURE}%")
    axis.set(yscale="log", xlabel="epoch",
             ylabel="100 - blog's figure (%), log scale (lower is better)",
             title="Long schedules: median and 5-95% of 1,000-pair tests\n"
                   "(dots: the study's fixed sample)")
    axis.legend(fontsize=8)


def plain_runs(axis, runs):
    groups = sorted({(run["activation"], run["engine"]) for run in runs.values()
                     if not run["every"]})
    for position, (activation, engine) in enumerate(groups):
        values = [run["figures"]["sampled_mse"] for run in runs.values()
                  if not run["every"] and (run["activation"], run["engine"]) == (activation, engine)]
        offsets = np.linspace(-0.15, 0.15, len(values)) if len(values) > 1 else [0.0]
        axis.plot(position + np.asarray(offsets), values, "o",
                  color=COLOURS.get(activation), markerfacecolor="none"
                  if engine == "keras" else COLOURS.get(activation))
    axis.axhline(BLOG_MSE, color="black", linestyle=":", label=f"the blog's MSE {BLOG_MSE:.3g}")
    axis.set_xticks(range(len(groups)),
                    [f"{activation}\n{'model.fit' if engine == 'keras' else engine + ' engine'}"
                     for activation, engine in groups], fontsize=8)
    axis.set_xlim(-0.5, max(len(groups), 1) - 0.5)
    axis.set(yscale="log", ylabel="MSE on 1,000 fresh pairs, log scale",
             title="Plain runs at the blog's settings: one point per run")
    axis.legend(fontsize=8)


def mse_spread(axis, spread):
    """How far the blog's MSE lies from the runs: their log10(MSE) over every pair, the normal
    curve fitted to it, and the blog's value far out in its tail."""
    if not spread:
        axis.set_axis_off()
        return
    values = np.asarray(spread["log10_values"])
    low = min(values.min(), np.log10(BLOG_MSE)) - 0.2
    grid = np.linspace(low, values.max() + 0.2, 400)
    axis.hist(values, bins=20, density=True, color="tab:blue", alpha=0.5,
              label=f"{spread['n']} runs of the blog's LSTM, {spread['epochs']} epochs")
    axis.plot(grid, scipy.stats.norm.pdf(grid, spread["log10_mean"], spread["log10_std"]),
              color="tab:blue", label="normal fit")
    axis.axvline(np.log10(BLOG_MSE), color="black", linestyle=":",
                 label=f"the blog's MSE {BLOG_MSE:.3g}")
    axis.set(xlabel="log10(MSE over every pair)", ylabel="density",
             title=f"Extrapolated chance of the blog's MSE: {scientific(spread['chance'])}")
    axis.legend(fontsize=8)
