"""The study's report: every table, sentence and picture is computed from study.json.

study.py plans and runs the runs and hands each finished one here; this module turns the runs
into results/STUDY.md (the tables, the epoch-by-epoch evaluations of the long schedules and a
verdict in plain words), results/learning_curves.png, and the README's quote of the study.
Nothing here trains or reads a model: it reads the runs' figures, so the report can be written
anew from study.json alone (study.py --report).
"""
import math
import os

import numpy as np

import data
from evaluate import BLOG_FIGURE, BLOG_MSE
from train_lstm_adder import RECURRENT_ACTIVATION_CHOICES

BLOGS_ACTIVATION = RECURRENT_ACTIVATION_CHOICES[0]  # Keras 2's hard sigmoid: the blog's LSTM
STOP_PROBABILITY = 0.5  # a long schedule stops once a blog-style test shows the figure this often
README_MARKERS = ("<!-- study -->", "<!-- /study -->")  # around the README's quote of the study


# ----------------------------------------------------------------------------------------------
# Statistics of the runs.


def summarise(values):
    values = [float(v) for v in values]
    return {"n": len(values), "mean": float(np.mean(values)),
            "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values)}


def binomial_upper_bound(successes, trials, confidence=0.95):
    """The exact (Clopper-Pearson) one-sided upper bound on a probability seen `successes` times
    in `trials`: the largest p under which so few successes still have a 5% chance."""
    if successes >= trials:
        return 1.0
    low, high = successes / trials, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        at_most = sum(math.comb(trials, k) * middle**k * (1 - middle)**(trials - k)
                      for k in range(successes + 1))
        low, high = (middle, high) if at_most > 1 - confidence else (low, middle)
    return high


def probability(result):
    """The share of blog-style random tests that reach the blog's figure, or None if unknown."""
    return result["sampling"]["probability_reaching_blog_figure"] if "sampling" in result else None


def reaches_stop(result):
    chance = probability(result)
    return chance is not None and chance >= STOP_PROBABILITY


def table(runs):
    """Per configuration (activation, engine, epochs) of the plain runs: statistics of each figure."""
    groups = {}
    for run in runs.values():
        if not run["every"]:
            groups.setdefault((run["activation"], run["engine"], run["epochs"]), []).append(run)
    rows = []
    for (activation, engine, epochs), members in sorted(groups.items()):
        reached = sum(m["figures"]["blog_figure"] >= BLOG_FIGURE for m in members)
        row = {"activation": activation, "engine": engine, "epochs": epochs, "n": len(members),
               "reached": reached,
               "upper_bound": binomial_upper_bound(reached, len(members)),
               "blog_figure": summarise(m["figures"]["blog_figure"] for m in members),
               "mse": summarise(m["figures"]["sampled_mse"] for m in members)}
        row["best_mse_over_blogs"] = row["mse"]["min"] / BLOG_MSE
        for key in ("exact_sum_accuracy", "unseen_exact_sum_accuracy"):
            if all(key in m["figures"] for m in members):
                row[key] = summarise(100 * m["figures"][key] for m in members)
        chances = [probability(m["figures"]) for m in members]
        known = [chance for chance in chances if chance is not None]
        row["probability_known"] = len(known)
        row["max_probability"] = max(known) if known else None
        rows.append(row)
    return rows


def pooled(rows, epochs):
    """All plain runs of `epochs` epochs together: reached k of n, the bound, the best MSE."""
    members = [row for row in rows if row["epochs"] == epochs]
    if not members:
        return None
    reached, trials = sum(r["reached"] for r in members), sum(r["n"] for r in members)
    best = min(r["mse"]["min"] for r in members)
    return {"epochs": epochs, "reached": reached, "n": trials,
            "upper_bound": binomial_upper_bound(reached, trials), "best_mse": best,
            "best_mse_over_blogs": best / BLOG_MSE}


def long_summary(run):
    """What one long schedule says about time: when the figure came, if it did, and where it
    stood at the end."""
    evaluations = run["evaluations"]

    def first(test):
        return next((e["epoch"] for e in evaluations if test(e)), None)

    best = max(evaluations, key=lambda e: e["blog_figure"])
    with_chance = [e for e in evaluations if "sampling" in e]
    best_chance = max(with_chance, key=lambda e: probability(e)) if with_chance else None
    tail = with_chance[-min(8, len(with_chance)):]
    return {
        "activation": run["activation"], "seed": run["seed"], "cap": run["epochs"],
        "last_epoch": evaluations[-1]["epoch"] if evaluations else 0,
        "stopped_by": run.get("stopped_by"),
        "fixed_sample_first": first(lambda e: e["blog_figure"] >= BLOG_FIGURE),
        "probability_first": first(lambda e: reaches_stop(e)),
        "all_sums_right_first": first(lambda e: e.get("exact_sum_accuracy") == 1.0),
        "best_fixed": best["blog_figure"], "best_fixed_epoch": best["epoch"],
        "best_probability": probability(best_chance) if best_chance else None,
        "best_probability_epoch": best_chance["epoch"] if best_chance else None,
        "tail_epochs": (tail[0]["epoch"], tail[-1]["epoch"]) if tail else None,
        # The typical (median) figure of a 1,000-pair test over the last evaluations: lowest,
        # highest, latest.
        "tail_median": ((min(e["sampling"]["p50"] for e in tail),
                         max(e["sampling"]["p50"] for e in tail),
                         tail[-1]["sampling"]["p50"]) if tail else None),
        "last_exact": evaluations[-1].get("exact_sum_accuracy") if evaluations else None,
        "setback": largest_setback(with_chance),
    }


def largest_setback(evaluations):
    """The largest fall of the typical (median) 1,000-pair test figure from its best so far:
    (best epoch, best figure, later epoch, later figure), or None if it never fell."""
    worst, best = None, None
    for evaluation in evaluations:
        median = evaluation["sampling"]["p50"]
        if best is None or median > best[1]:
            best = (evaluation["epoch"], median)
        elif worst is None or best[1] - median > worst[1] - worst[3]:
            worst = (*best, evaluation["epoch"], median)
    return worst


# ----------------------------------------------------------------------------------------------
# Words: the tables and the verdict, for STUDY.md and the README.


def percent(fraction, digits=1):
    return f"{100 * fraction:.{digits}f}%"


def verdict(rows, long_runs, plain_epochs=100):
    """Plain words from the numbers: training luck, sample luck, time, and what they leave."""
    sentences = []
    everything = pooled(rows, plain_epochs)
    if everything:
        sentences.append(
            f"**Luck of the training run.** {everything['reached']} of {everything['n']} runs at "
            f"the blog's {plain_epochs} epochs reached {BLOG_FIGURE}%, so the chance that a "
            f"{plain_epochs}-epoch run of this code reaches it is at most "
            f"{percent(everything['upper_bound'])} (95% upper bound, exact binomial). The best "
            f"of them had an MSE of {everything['best_mse']:.3g} on the fixed 1,000 pairs, "
            f"{everything['best_mse_over_blogs']:.0f} times the blog's {BLOG_MSE:.3g}.")
        by_engine = {}
        for row in rows:
            if row["epochs"] == plain_epochs and row["activation"] == BLOGS_ACTIVATION:
                by_engine[row["engine"]] = row
        if "keras" in by_engine and "jax" in by_engine:
            keras_row, jax_row = by_engine["keras"], by_engine["jax"]
            far = min(keras_row["best_mse_over_blogs"], jax_row["best_mse_over_blogs"]) > 2
            sentences.append(
                f"Through Keras's own model.fit, the blog's LSTM reached {keras_row['reached']} "
                f"of {keras_row['n']} times (best MSE {keras_row['best_mse_over_blogs']:.0f} "
                f"times the blog's; figure mean {keras_row['blog_figure']['mean']:.4f}%), with "
                f"the project's JAX engine {jax_row['reached']} of {jax_row['n']} (best "
                f"{jax_row['best_mse_over_blogs']:.0f} times; mean "
                f"{jax_row['blog_figure']['mean']:.4f}%)"
                + (": both engines end far from the blog's MSE, so the engine is not what "
                   "separates these runs from the blog." if far else "."))
    chances = [(row["max_probability"], row) for row in rows
               if row["epochs"] == plain_epochs and row["max_probability"] is not None]
    if chances:
        highest, _ = max(chances, key=lambda pair: pair[0])
        counted = sum(row["probability_known"] for _, row in chances)
        sentences.append(
            f"**Luck of the test sample.** For the {counted} {plain_epochs}-epoch runs whose "
            f"error on every pair was kept, the largest chance that a 1,000-pair test like the "
            f"blog's shows {BLOG_FIGURE}% is {percent(highest, 3)}"
            + (": a lucky test sample cannot explain the blog's number at its epoch count."
               if highest < 0.01 else "."))
    summaries = [long_summary(run) for run in long_runs if run["evaluations"]]
    if summaries:
        parts = []
        for summary in summaries:
            name = f"{summary['activation']} (seed {summary['seed']})"
            running = summary["stopped_by"] is None
            best = summary["best_probability"] or 0
            chance = (f"its best chance was {percent(best, 1)} at epoch "
                      f"{summary['best_probability_epoch']}" if best else
                      "no random test at any evaluation showed it")
            if summary["probability_first"] is not None:
                text = (f"{name} reached the stop rule (at least {percent(STOP_PROBABILITY, 0)} "
                        f"of 1,000-pair tests show the blog's figure) at epoch "
                        f"{summary['probability_first']}")
            elif running:
                text = (f"{name} is still running towards {summary['cap']} epochs; by epoch "
                        f"{summary['last_epoch']} {chance}")
                if summary["tail_median"]:
                    text += (f", and a typical 1,000-pair test showed "
                             f"{summary['tail_median'][2]:.4f}%")
            else:
                text = (f"{name} did not reach the stop rule within "
                        f"{summary['last_epoch']} epochs: {chance}")
                if summary["tail_median"]:
                    low, high = summary["tail_median"][:2]
                    text += (f", and over epochs {summary['tail_epochs'][0]}-"
                             f"{summary['tail_epochs'][1]} the typical figure stayed between "
                             f"{low:.4f}% and {high:.4f}%")
            fixed = summary["fixed_sample_first"]
            text += (f"; the study's fixed sample first showed the figure at epoch {fixed}"
                     if fixed is not None else
                     "; the fixed sample has not shown it yet" if running else
                     "; the fixed sample never showed it")
            right = summary["all_sums_right_first"]
            text += (f"; all sums were right from epoch {right} on, at least once"
                     if right is not None else
                     "; not all sums were right at any evaluation yet" if running else
                     "; never were all sums right")
            setback = summary["setback"]
            # A setback worth a reader's attention: the typical test's error at least tripled.
            if setback and 100 - setback[3] >= 3 * (100 - setback[1]):
                text += (f"; training was not steady: the typical test fell from "
                         f"{setback[1]:.4f}% (epoch {setback[0]}) to {setback[3]:.4f}% (epoch "
                         f"{setback[2]})")
            parts.append(text)
        sentences.append("**Time.** " + ". ".join(parts) + ".")
        reached_at = [s["probability_first"] for s in summaries if s["probability_first"]]
        still = sum(s["stopped_by"] is None for s in summaries)
        if reached_at:
            sentences.append(
                f"**So:** the numbers support a blog run that trained longer than its "
                f"{plain_epochs} epochs, or one far luckier than any here: {len(reached_at)} of "
                f"{len(summaries)} long schedules of this code"
                + (f" ({still} still running)" if still else "")
                + " reached the figure in the blog's kind of test, the first after "
                f"{min(reached_at)} epochs (evaluated every {long_runs[0]['every']}). They "
                f"rule out a lucky test sample at {plain_epochs} epochs.")
        else:
            sentences.append(
                "**So:** no explanation from these numbers reaches the blog's figure: not a "
                f"lucky test sample, not a lucky {plain_epochs}-epoch run (at most the bound "
                "above), and not longer training within the epochs run here"
                + (" so far (a long schedule is still running)." if any(
                    summary["stopped_by"] is None for summary in summaries) else "."))
    if not sentences:
        return "No run has finished yet."
    return "\n\n".join(sentences)


def study_markdown(runs, planned, command, finished=None):
    rows = table(runs)
    long_runs = [run for run in runs.values() if run["every"]]
    plain_epochs = max((row["epochs"] for row in rows), default=0)
    lines = ["# Reproduction study", "", summary_line(runs, planned, command, finished), "",
             "## Plain runs at the blog's settings", "", *plain_runs_section(rows)]
    if long_runs:
        lines += ["", "## Long schedules", "", *long_schedules_table(long_runs),
                  *long_schedule_evaluations(long_runs)]
    lines += ["", "## Verdict", "", verdict(rows, long_runs, plain_epochs), "",
              *closing_notes(runs)]
    return "\n".join(lines)


def readme_section(runs, planned, command, finished=None):
    """The README's quote of the study: STUDY.md less its epoch-by-epoch tables, built from the
    same pieces, so that the two never disagree."""
    rows = table(runs)
    long_runs = [run for run in runs.values() if run["every"]]
    plain_epochs = max((row["epochs"] for row in rows), default=0)
    lines = ["The numbers as `make study` generated them, quoted from `results/STUDY.md`:", "",
             "> " + summary_line(runs, planned, command, finished), "",
             "**Plain runs at the blog's settings**", "", *plain_runs_section(rows)]
    if long_runs:
        every = long_runs[0]["every"]
        lines += ["", f"**Long schedules** (each one evaluated every {every} epochs in "
                      "`results/STUDY.md`)", "", *long_schedules_table(long_runs)]
    lines += ["", "**Verdict (written by study.py from the numbers):**", "",
              verdict(rows, long_runs, plain_epochs), "", *closing_notes(runs)]
    return "\n".join(lines)


def summary_line(runs, planned, command, finished=None):
    finished = len(runs) if finished is None else finished
    under_way = len(runs) - finished
    return (f"Generated by `{command}` from `study.json` ({finished} of {len(planned)} planned "
            "runs finished"
            + (f"; {under_way} long schedule{'s' if under_way > 1 else ''} still under way, "
               "shown as far as its saved state goes" if under_way else "")
            + "). The blog reports one run: **99.98892793562263%**, its `(1 - MSE) * 100` on "
            f"1,000 fresh pairs, an MSE of {BLOG_MSE:.6g}.")


def plain_runs_section(rows):
    some_unknown = any(row["probability_known"] < row["n"] for row in rows)
    lines = [
        "MSE and the blog's figure on the study's fixed 1,000 pairs (evaluate.py's seed 0); exact "
        "sums over all pairs. 'chance' is the largest, over the runs, share of random 1,000-pair "
        "tests that show the blog's figure (Monte Carlo, 100,000 draws"
        + ("; '-' for runs trained before the study kept it)." if some_unknown else ")."),
        "",
        "| recurrent activation | engine | epochs | n | MSE: mean | best | best / blog's "
        "| blog's figure: mean | std | min | max | runs reaching 99.98892793562263% "
        "| 95% upper bound | chance | exact sums, all pairs: mean | std | min | max "
        "| never-seen pairs: mean |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        figure, mse = row["blog_figure"], row["mse"]
        exact = row.get("exact_sum_accuracy")
        unseen = row.get("unseen_exact_sum_accuracy")
        exact_cells = (f"{exact['mean']:.2f}% | {exact['std']:.2f} | {exact['min']:.2f}% | "
                       f"{exact['max']:.2f}%" if exact else "- | - | - | -")
        unseen_cell = f"{unseen['mean']:.2f}%" if unseen else "-"
        chance = (f"{percent(row['max_probability'], 3)} ({row['probability_known']} runs)"
                  if row["max_probability"] is not None else "-")
        lines.append(
            f"| {row['activation']} | {row['engine']} | {row['epochs']} | {row['n']} | "
            f"{mse['mean']:.3g} | {mse['min']:.3g} | {row['best_mse_over_blogs']:.0f}x | "
            f"{figure['mean']:.4f}% | {figure['std']:.4f} | {figure['min']:.4f}% | "
            f"{figure['max']:.4f}% | {row['reached']} of {row['n']} | "
            f"{percent(row['upper_bound'])} | {chance} | {exact_cells} | {unseen_cell} |")
    plain_epochs = max((row["epochs"] for row in rows), default=0)
    everything = pooled(rows, plain_epochs)
    if everything:
        lines += ["", f"All {everything['n']} runs at {plain_epochs} epochs together: "
                      f"{everything['reached']} reached the blog's figure; 95% upper bound on the "
                      f"chance that such a run does: {percent(everything['upper_bound'])}; best "
                      f"MSE {everything['best_mse']:.3g}, {everything['best_mse_over_blogs']:.0f} "
                      "times the blog's."]
    return lines


def long_schedules_table(long_runs):
    lines = [f"Evaluated every K epochs; each stops at the first evaluation where at least "
             f"{percent(STOP_PROBABILITY, 0)} of random 1,000-pair tests show the blog's "
             "figure, or at its cap.", "",
             "| recurrent activation | seed | epochs run | stopped by | fixed sample first "
             "shows the figure | chance >= 50% from | best chance | all sums right first |",
             "|---|---|---|---|---|---|---|---|"]
    for run in long_runs:
        if not run["evaluations"]:
            continue
        summary = long_summary(run)
        best = ("-" if summary["best_probability"] is None else "0 in every evaluation"
                if summary["best_probability"] == 0 else
                f"{percent(summary['best_probability'], 1)} at "
                f"{summary['best_probability_epoch']}")
        lines.append(
            f"| {run['activation']} | {run['seed']} | {summary['last_epoch']} of {run['epochs']} "
            f"| {summary['stopped_by'] or 'still running'} | "
            f"{summary['fixed_sample_first'] or 'never'} | "
            f"{summary['probability_first'] or 'not within ' + str(summary['last_epoch'])} | "
            f"{best} | {summary['all_sums_right_first'] or 'never'} |")
    return lines


def long_schedule_evaluations(long_runs):
    lines = []
    for run in long_runs:
        lines += ["", f"### {run['activation']}, seed {run['seed']}, every {run['every']} "
                      "epochs", "",
                  "| epoch | blog's figure, fixed sample | random tests: 5th | 50th | 95th "
                  "percentile | chance of the blog's figure | exact sums, all pairs "
                  "| never-seen pairs |", "|---|---|---|---|---|---|---|---|"]
        for evaluation in run["evaluations"]:
            sampling = evaluation.get("sampling")
            spread = (f"{sampling['p5']:.4f}% | {sampling['p50']:.4f}% | "
                      f"{sampling['p95']:.4f}% | "
                      f"{percent(sampling['probability_reaching_blog_figure'], 2)}"
                      if sampling else "- | - | - | -")
            exact = evaluation.get("exact_sum_accuracy")
            unseen = evaluation.get("unseen_exact_sum_accuracy")
            lines.append(f"| {evaluation['epoch']} | {evaluation['blog_figure']:.4f}% | "
                         f"{spread} | "
                         + (f"{100 * exact:.2f}% | {100 * unseen:.2f}% |"
                            if exact is not None else "- | - |"))
    return lines


def closing_notes(runs):
    output_bits = "/".join(str(bits + 1) for bits in sorted({run["bits"] for run in runs.values()}))
    return ["Standard deviations are sample standard deviations (n - 1). Exact sums: all "
            f"{output_bits or data.BINARY_DIM + 1} output bits right, an output counting as 1 "
            "when it is >= 0.5. The 95% upper bound is exact (Clopper-Pearson, one-sided).", "",
            "Single runs do not carry across machines: the same seed on another processor "
            "trains a different network (float rounding differs, and training amplifies it). "
            "The distributions above, and the verdict, are what another machine should "
            f"reproduce. These runs: {machine_names(runs)}.", ""]


def machine_names(runs):
    names = sorted({f"{run['machine'].get('processor') or 'processor not recorded'}, "
                    f"{run['machine'].get('cpus')} CPUs" for run in runs.values()})
    return "; ".join(names) if names else "none yet"


# ----------------------------------------------------------------------------------------------
# The picture.


def plot(runs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (losses, long_axis, plain_axis) = plt.subplots(1, 3, figsize=(18, 5))
    colours = {"keras2_hard_sigmoid": "tab:blue", "sigmoid": "tab:orange"}
    for run in runs.values():
        epochs = np.arange(1, len(run["loss_per_epoch"]) + 1)
        losses.plot(epochs, run["loss_per_epoch"], color=colours.get(run["activation"]),
                    alpha=0.8 if run["every"] else 0.4, linewidth=1.5 if run["every"] else 1,
                    linestyle="--" if run["engine"] == "keras" else "-")
    for activation, colour in colours.items():
        losses.plot([], [], color=colour, label=activation)
    losses.axhline(BLOG_MSE, color="black", linestyle=":", label="the blog's MSE (its test)")
    losses.set(yscale="log", xlabel="epoch", ylabel="training loss (MSE), log scale",
               title="Training loss of every run (dashed: model.fit)")
    losses.legend(fontsize=8)

    # The blog's figure as its distance from 100%, on a log axis: 99.9% and 99.99% are a
    # factor of ten apart here, where a linear axis would draw them on top of each other.
    for run in runs.values():
        if not run["every"] or not run["evaluations"]:
            continue
        colour = colours.get(run["activation"])
        label = f"{run['activation']}, seed {run['seed']}"
        epochs = [e["epoch"] for e in run["evaluations"]]
        long_axis.plot(epochs, [100 - e["blog_figure"] for e in run["evaluations"]], "o",
                       markersize=3, color=colour, alpha=0.6)
        spread = [e for e in run["evaluations"] if "sampling" in e]
        if spread:
            at = [e["epoch"] for e in spread]
            long_axis.fill_between(at, [100 - e["sampling"]["p95"] for e in spread],
                                   [100 - e["sampling"]["p5"] for e in spread], color=colour,
                                   alpha=0.15)
            long_axis.plot(at, [100 - e["sampling"]["p50"] for e in spread], color=colour,
                           linestyle="-" if run["seed"] == 1 else "--", label=label)
    long_axis.axhline(100 - BLOG_FIGURE, color="black", linestyle=":",
                      label=f"the blog: {BLOG_FIGURE}%")
    long_axis.set(yscale="log", xlabel="epoch",
                  ylabel="100 - blog's figure (%), log scale (lower is better)",
                  title="Long schedules: median and 5-95% of 1,000-pair tests\n"
                        "(dots: the study's fixed sample)")
    long_axis.legend(fontsize=8)

    groups = sorted({(run["activation"], run["engine"]) for run in runs.values()
                     if not run["every"]})
    for position, (activation, engine) in enumerate(groups):
        values = [run["figures"]["sampled_mse"] for run in runs.values()
                  if not run["every"] and (run["activation"], run["engine"]) == (activation, engine)]
        offsets = np.linspace(-0.15, 0.15, len(values)) if len(values) > 1 else [0.0]
        plain_axis.plot(position + np.asarray(offsets), values, "o",
                        color=colours.get(activation), markerfacecolor="none"
                        if engine == "keras" else colours.get(activation))
    plain_axis.axhline(BLOG_MSE, color="black", linestyle=":",
                       label=f"the blog's MSE {BLOG_MSE:.3g}")
    plain_axis.set_xticks(range(len(groups)),
                          [f"{activation}\n{'model.fit' if engine == 'keras' else engine + ' engine'}"
                           for activation, engine in groups], fontsize=8)
    plain_axis.set_xlim(-0.5, max(len(groups), 1) - 0.5)
    plain_axis.set(yscale="log", ylabel="MSE on 1,000 fresh pairs, log scale",
                   title="Plain runs at the blog's settings: one point per run")
    plain_axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


# ----------------------------------------------------------------------------------------------
# The files.


def write_atomically(path, text):
    temporary = f"{path}.tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)


def with_readme_section(text, section):
    """`text` with its study section, the lines between the README_MARKERS lines, replaced by
    `section` (a marker quoted inside a line is not a marker)."""
    start, end = README_MARKERS
    lines = text.split("\n")
    if lines.count(start) != 1 or lines.count(end) != 1 or lines.index(start) > lines.index(end):
        raise ValueError(f"it needs one line '{start}' and, after it, one line '{end}' around "
                         "the study's section")
    before, after = lines[:lines.index(start) + 1], lines[lines.index(end):]
    return "\n".join(before + section.rstrip("\n").split("\n") + after)


def readme_problem(path):
    """Why the study could not rewrite --readme's section, or None: asked before any training."""
    try:
        with open(path, encoding="utf-8") as file:
            with_readme_section(file.read(), "")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"cannot use --readme {path}: {getattr(error, 'strerror', None) or error}"
    if not os.access(path, os.W_OK) or not os.access(os.path.dirname(path) or ".", os.W_OK):
        return f"cannot use --readme {path}: it (or its folder) is not writable"
    return None


def write_report(results, readme, runs, planned, command, finished):
    """STUDY.md and the plot in `results`, and `readme`'s study section if one is given, from
    `runs` (finished runs and, shown as far as they go, unfinished long schedules)."""
    write_atomically(os.path.join(results, "STUDY.md"),
                     study_markdown(runs, planned, command, finished=finished))
    plot(runs, os.path.join(results, "learning_curves.png"))
    if readme:
        with open(readme, encoding="utf-8") as file:
            text = file.read()
        write_atomically(readme, with_readme_section(
            text, readme_section(runs, planned, command, finished=finished)))
