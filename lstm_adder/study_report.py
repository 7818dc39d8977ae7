"""The study's report: every table, sentence and picture is computed from study.json.

study.py plans and runs the runs and hands each finished one here; this module turns the runs
into results/STUDY.md (the tables, the epoch-by-epoch evaluations of the long schedules and a
verdict in plain words), results/learning_curves.png, and the README's quote of the study.
Nothing here trains or reads a model: it reads the runs' figures, so the report can be written
anew from study.json alone (study.py --report).
"""
import collections
import os

import numpy as np
import scipy.stats

from lstm_adder import data
from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE, BLOGS_ACTIVATION
STOP_PROBABILITY = 0.5  # a long schedule stops once a blog-style test shows the figure this often
# Around a README's generated answer, by its language: the lines between them are rewritten.
README_MARKERS = {"en": ("<!-- study -->", "<!-- /study -->"),
                  "zh-CN": ("<!-- study:zh-CN -->", "<!-- /study:zh-CN -->")}


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
    test = scipy.stats.binomtest(successes, trials, alternative="less")
    return float(test.proportion_ci(confidence_level=confidence, method="exact").high)


def mse_distribution(runs, epochs, confidence=0.95):
    """How the MSE over every pair spreads across plain runs of the blog's LSTM (default engine)
    at `epochs`, and, from a normal distribution fitted to log10(MSE), the chance that such a
    run reaches the blog's MSE: an extrapolation when every run is far from it. With a
    Shapiro-Wilk test of the fit and a bootstrap interval (both seeded: the report is the same
    every time it is written). None with fewer than 8 runs."""
    values = np.log10([run["figures"]["exhaustive_mse"]
                       for run in blogs_plain_runs(runs, epochs)])
    if len(values) < 8:
        return None
    target = np.log10(BLOG_MSE)

    def chance(sample, axis=-1):
        mean, std = np.mean(sample, axis=axis), np.std(sample, ddof=1, axis=axis)
        return scipy.stats.norm.cdf((target - mean) / std)

    interval = scipy.stats.bootstrap((values,), chance, confidence_level=confidence,
                                     n_resamples=10_000, method="percentile",
                                     random_state=np.random.default_rng(0)).confidence_interval
    mean, std = float(np.mean(values)), float(np.std(values, ddof=1))
    return {"n": len(values), "epochs": epochs, "log10_mean": mean, "log10_std": std,
            "log10_values": values.tolist(), "best": float(10 ** values.min()),
            "median": float(10 ** np.median(values)),
            "blog_in_stds": (mean - target) / std,
            "chance": float(chance(values)), "chance_low": float(interval.low),
            "chance_high": float(interval.high),
            "shapiro_p": float(scipy.stats.shapiro(values).pvalue)}


def blogs_plain_runs(runs, epochs):
    """The plain runs of the blog's LSTM (default engine) at `epochs` with an MSE over every
    pair: the runs whose spread mse_distribution fits."""
    return [run for run in runs.values()
            if not run["every"] and run["epochs"] == epochs
            and run["activation"] == BLOGS_ACTIVATION and run["engine"] == "jax"
            and "exhaustive_mse" in run["figures"]]


def across_settings(runs, epochs, least=5):
    """mse_distribution's runs by how they were computed (run_setting: a seed trains another
    network on another processor, with another thread count or other initial weights, so each
    setting's runs are a sample of their own): each setting's number of runs and median MSE,
    and a Kruskal-Wallis test of whether their MSE spreads alike, the check that pooling them
    into one fit is fair. None unless two settings have `least` runs or more."""
    log10_mses = {}
    for run in blogs_plain_runs(runs, epochs):
        if run.get("machine", {}).get("processor"):
            log10_mses.setdefault(run_setting(run), []).append(
                np.log10(run["figures"]["exhaustive_mse"]))
    log10_mses = {setting: values for setting, values in sorted(log10_mses.items())
                  if len(values) >= least}
    if len(log10_mses) < 2:
        return None
    return {"settings": {setting: {"n": len(values), "median": float(10 ** np.median(values))}
                         for setting, values in log10_mses.items()},
            "kruskal_p": float(scipy.stats.kruskal(*log10_mses.values()).pvalue)}


TIME_TABLE_EPOCHS = (100, 250, 500, 1000, 1500, 2000)


def time_table(long_runs):
    """After each of TIME_TABLE_EPOCHS: over the long schedules that evaluated that epoch, the
    chance that a blog-style 1,000-pair test shows the blog's figure (median and range), and
    how many schedules had reached the stop rule by then (they stop there)."""
    rows = []
    for epoch in TIME_TABLE_EPOCHS:
        chances, stopped, counted = [], 0, 0
        for run in long_runs:
            reached = long_summary(run)["probability_first"] if run["evaluations"] else None
            if reached is not None and reached <= epoch:
                stopped, counted = stopped + 1, counted + 1
                continue
            at = [e for e in run["evaluations"] if e["epoch"] == epoch and "sampling" in e]
            if at:
                chances.append(probability(at[0]))
                counted += 1
        if counted:
            rows.append({"epoch": epoch, "schedules": counted, "stopped": stopped,
                         "running": len(chances),
                         "median": float(np.median(chances)) if chances else None,
                         "low": min(chances, default=None), "high": max(chances, default=None)})
    return rows


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


def pooled(rows, epochs, activation=None):
    """The plain runs of `epochs` epochs together (of one recurrent activation, if given):
    reached k of n, the bound, the best MSE."""
    members = [row for row in rows if row["epochs"] == epochs
               and activation in (None, row["activation"])]
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


def verdict(rows, long_runs, plain_epochs=100, spread=None):
    """Plain words from the numbers: training luck, sample luck, time, and what they leave.
    `spread`: mse_distribution of the blog's LSTM at plain_epochs, if there is one."""
    sentences = []
    everything = pooled(rows, plain_epochs, BLOGS_ACTIVATION) or pooled(rows, plain_epochs)
    if everything:
        whose = ("runs of the blog's LSTM" if pooled(rows, plain_epochs, BLOGS_ACTIVATION)
                 else "runs")
        sentences.append(
            f"**Luck of the training run.** {everything['reached']} of {everything['n']} {whose} "
            f"at the blog's {plain_epochs} epochs reached {BLOG_FIGURE}%, so the chance that a "
            f"{plain_epochs}-epoch run of this code reaches it is at most "
            f"{percent(everything['upper_bound'])} (95% upper bound, exact binomial). The best "
            f"of them had an MSE of {everything['best_mse']:.3g} on the fixed 1,000 pairs, "
            f"{everything['best_mse_over_blogs']:.0f} times the blog's {BLOG_MSE:.3g}.")
        if spread:
            sentences.append(spread_sentence(spread))
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
                + " reached the figure in the blog's kind of test, "
                + (f"after {reached_at[0]} epochs" if len(reached_at) == 1 else
                   f"the first after {min(reached_at)} epochs")
                + f" (evaluated every {long_runs[0]['every']}). For networks like these, "
                f"a lucky test sample does not explain the figure at {plain_epochs} epochs.")
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


def spread_sentence(spread):
    fit = ("a Shapiro-Wilk test finds no departure from normality" if spread["shapiro_p"] >= 0.05
           else "but a Shapiro-Wilk test rejects normality, so the tail it describes is doubtful")
    return (f"Over every pair, the {spread['n']} runs' MSE has a median of "
            f"{spread['median']:.3g} and a best of {spread['best']:.3g}; the blog's "
            f"{BLOG_MSE:.3g} lies {spread['blog_in_stds']:.1f} standard deviations below the "
            f"mean of log10(MSE). A normal distribution fitted to log10(MSE) ({fit}, p = "
            f"{spread['shapiro_p']:.2f}) puts the chance that a run reaches the blog's MSE at "
            f"{scientific(spread['chance'])} (95% bootstrap interval {scientific(spread['chance_low'])}"
            f" to {scientific(spread['chance_high'])}): an extrapolation far beyond the runs "
            "seen, not a measurement.")


def scientific(value):
    """A small probability as people read it: 3.2e-07 rather than 0.000%."""
    return f"{100 * value:.2g}%" if value >= 1e-4 else f"{value:.1e}"


def spread_section(spread):
    """STUDY.md's section on how a plain run's MSE spreads, and the extrapolation from it."""
    return [f"MSE over every pair of {spread['n']} runs of the blog's LSTM (default engine) after "
            f"{spread['epochs']} epochs, one per seed; the picture's lower right panel shows "
            "each run and the fitted curve.", "",
            "| | log10(MSE) | MSE |", "|---|---|---|",
            f"| mean of log10 | {spread['log10_mean']:.3f} | {10 ** spread['log10_mean']:.3g} |",
            f"| standard deviation of log10 | {spread['log10_std']:.3f} | |",
            f"| best run | {np.log10(spread['best']):.3f} | {spread['best']:.3g} |",
            f"| the blog's | {np.log10(BLOG_MSE):.3f} | {BLOG_MSE:.3g} |", "",
            spread_sentence(spread) + " The interval comes from 10,000 bootstrap resamples of "
            "the runs (percentile method); the fit and the test are scipy.stats' "
            "(`norm`, `shapiro`, `bootstrap`)."]


def settings_sentence(compared):
    """One sentence from across_settings: does the spread depend on how the runs were computed?"""
    groups = [f"{group['median']:.3g} over {group['n']} runs on {setting}"
              for setting, group in compared["settings"].items()]
    differ = compared["kruskal_p"] < 0.05
    found = ("finds them spread differently at the 5% level" if differ
             else "finds no difference between them at the 5% level")
    pooling = ("the fit above pools samples that differ" if differ
               else "nothing here argues against pooling them in the fit above")
    listed = (" and ".join(groups) if len(groups) == 2
              else "; ".join(groups[:-1]) + "; and " + groups[-1])
    return (f"By how the runs were computed, the median MSE was {listed}. A Kruskal-Wallis test "
            f"(`scipy.stats.kruskal`) {found} (p = {compared['kruskal_p']:.2g}): {pooling}.")


def time_section(rows):
    lines = ["After each number of epochs, over the long schedules of the blog's LSTM that got "
             "there: the chance that a blog-style 1,000-pair test shows the blog's figure "
             "(median and range over those still running), and how many had reached the stop "
             "rule by then.", "",
             "| epochs | schedules | reached the stop rule | chance: median | lowest "
             "| highest |", "|---|---|---|---|---|---|"]
    for row in rows:
        cells = (f"{percent(row['median'], 2)} | {percent(row['low'], 2)} | "
                 f"{percent(row['high'], 2)}" if row["running"] else "- | - | -")
        lines.append(f"| {row['epoch']:,} | {row['schedules']} | {row['stopped']} of "
                     f"{row['schedules']} | {cells} |")
    return lines


def study_markdown(runs, planned, command, finished=None):
    rows = table(runs)
    long_runs = [run for run in runs.values() if run["every"]]
    plain_epochs = max((row["epochs"] for row in rows), default=0)
    spread = mse_distribution(runs, plain_epochs)
    blogs_long = [run for run in long_runs if run["activation"] == BLOGS_ACTIVATION]
    lines = ["# Reproduction study", "", summary_line(runs, planned, command, finished), "",
             "## Plain runs at the blog's settings", "", *plain_runs_section(rows)]
    compared = across_settings(runs, plain_epochs)
    if spread:
        lines += ["", f"## How far a {plain_epochs}-epoch run lands from the blog's MSE", "",
                  *spread_section(spread)]
        if compared:
            lines += ["", settings_sentence(compared)]
    if long_runs:
        lines += ["", "## Long schedules", "", *long_schedules_table(long_runs)]
        times = time_table(blogs_long)
        if times:
            lines += ["", "### How long it takes", "", *time_section(times)]
        lines += long_schedule_evaluations(long_runs)
    lines += ["", "## Verdict", "", verdict(rows, long_runs, plain_epochs, spread), "",
              *closing_notes(runs, compared is not None)]
    return "\n".join(lines)


def answer(runs, language="en"):
    """The README's first-screen answer: at most five lines, every number from the runs."""
    rows = table(runs)
    plain_epochs = max((row["epochs"] for row in rows), default=0)
    blogs = pooled(rows, plain_epochs, BLOGS_ACTIVATION)
    if not blogs:
        return "No run has finished yet." if language == "en" else "还没有完成的训练。"
    chance = max((row["max_probability"] for row in rows if row["epochs"] == plain_epochs
                  and row["max_probability"] is not None), default=None)
    summaries = [long_summary(run) for run in runs.values()
                 if run["every"] and run["activation"] == BLOGS_ACTIVATION and run["evaluations"]]
    reached_at = sorted(s["probability_first"] for s in summaries if s["probability_first"])
    running = sum(s["stopped_by"] is None for s in summaries)
    spread = mse_distribution(runs, plain_epochs)
    # The time table in brief: the median chance among the schedules not stopped by then.
    times = [row for row in time_table([run for run in runs.values() if run["every"] and
                                        run["activation"] == BLOGS_ACTIVATION])
             if row["running"]]
    if language == "zh-CN":
        lines = [f"- **博客的 {plain_epochs} 轮训练：** {blogs['n']} 次训练中 {blogs['reached']} 次达到 "
                 f"{BLOG_FIGURE}%（95% 置信上界 {percent(blogs['upper_bound'])}）；最好的一次 MSE 是博客的 "
                 f"{blogs['best_mse_over_blogs']:.0f} 倍。"]
        if spread:
            lines.append(f"- **外推：** 对 log10(MSE) 拟合正态分布，一次 {plain_epochs} 轮训练达到博客 MSE "
                         f"的概率约为 {scientific(spread['chance'])}（这是外推，不是测量）。")
        if chance is not None:
            lines.append("- **测试样本的运气：** " + (
                "模拟 100,000 次像博客那样的 1,000 对随机测试，对这些网络没有一次显示出该数字。"
                if chance == 0 else
                f"像博客那样随机抽 1,000 对来测试，显示出该数字的概率最多 {percent(chance, 3)}。"))
        if summaries:
            lines.append(f"- **训练更久：** {len(summaries)} 个长训练中 {len(reached_at)} 个达到（一半以上的"
                         f"随机测试显示该数字）" + (f"，在第 {reached_at[0]} 轮" if len(reached_at) == 1 else
                                   f"，最早在第 {reached_at[0]} 轮" if reached_at else "")
                         + (f"；{running} 个仍在运行" if running else "") + "。")
        if times:
            lines.append("- **逐轮来看：** 一次博客式测试显示该数字的概率（当时尚未停止的长训练的中位数）：" + "，".join(
                f"第 {row['epoch']:,} 轮后为 {percent(row['median'], 2)}" for row in times)
                + "（详表见 results/STUDY.md）。")
        return "\n".join(lines)
    lines = [f"- **At the blog's {plain_epochs} epochs:** {blogs['reached']} of {blogs['n']} runs "
             f"of the blog's LSTM reached {BLOG_FIGURE}% (95% upper bound "
             f"{percent(blogs['upper_bound'])}); the best MSE was "
             f"{blogs['best_mse_over_blogs']:.0f} times the blog's."]
    if spread:
        lines.append(f"- **Extrapolated:** a normal fit to log10(MSE) gives a {plain_epochs}-epoch "
                     f"run a {scientific(spread['chance'])} chance of the blog's MSE (an "
                     "extrapolation, not a measurement).")
    if chance is not None:
        lines.append("- **A lucky test sample:** " + (
            "not one of 100,000 simulated 1,000-pair tests like the blog's showed the figure, "
            "for any of these networks." if chance == 0 else
            f"a random 1,000-pair test like the blog's shows the figure at most "
            f"{percent(chance, 3)} of the time for these networks."))
    if summaries:
        lines.append(f"- **Training longer:** {len(reached_at)} of {len(summaries)} long "
                     "schedules of the blog's LSTM reached it (half of random tests showing the "
                     "figure)" + (f", after {reached_at[0]} epochs" if len(reached_at) == 1 else
                                  f", the first after {reached_at[0]} epochs" if reached_at else "")
                     + (f"; {running} still running" if running else "") + ".")
    if times:
        steps = [f"{percent(row['median'], 2)} after {row['epoch']:,}" for row in times]
        lines.append("- **Epoch by epoch:** the chance that a blog-style test shows the figure "
                     "(median over the long schedules not stopped by then) was "
                     + ", ".join(steps[:-1]) + (" and " if len(steps) > 1 else "") + steps[-1]
                     + " epochs (table in results/STUDY.md).")
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
        "The blog's figure and the MSE are on the study's fixed 1,000 pairs (evaluate.py's seed "
        "0). 'Chance' is the largest, over the runs, share of random 1,000-pair tests that show "
        "the blog's figure (Monte Carlo, 100,000 draws"
        + ("; '-' for runs trained before the study kept it)." if some_unknown else ")."),
        "",
        "| recurrent activation | engine | epochs | runs | reaching 99.98892793562263% "
        "| 95% upper bound | chance | best MSE | best / blog's MSE |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        chance = (f"{percent(row['max_probability'], 3)} ({row['probability_known']} runs)"
                  if row["max_probability"] is not None else "-")
        lines.append(
            f"| {row['activation']} | {row['engine']} | {row['epochs']} | {row['n']} | "
            f"{row['reached']} of {row['n']} | {percent(row['upper_bound'])} | {chance} | "
            f"{row['mse']['min']:.3g} | {row['best_mse_over_blogs']:.0f}x |")
    lines += ["", "The same runs' figures: mean and sample standard deviation (in percentage "
                  "points), lowest and highest. Exact sums: all output bits right, over every "
                  "pair.", "",
              "| recurrent activation | engine | blog's figure: mean | std (pp) | lowest "
              "| highest | exact sums: mean | std (pp) | lowest | highest | never-seen pairs: "
              "mean |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        figure = row["blog_figure"]
        exact = row.get("exact_sum_accuracy")
        unseen = row.get("unseen_exact_sum_accuracy")
        unseen_cell = f"{unseen['mean']:.2f}%" if unseen else "-"
        exact_cells = (f"{exact['mean']:.2f}% | {exact['std']:.2f} | {exact['min']:.2f}% | "
                       f"{exact['max']:.2f}%" if exact else "- | - | - | -")
        lines.append(
            f"| {row['activation']} | {row['engine']} | {figure['mean']:.4f}% | "
            f"{figure['std']:.4f} | {figure['min']:.4f}% | {figure['max']:.4f}% | "
            f"{exact_cells} | {unseen_cell} |")
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


def closing_notes(runs, compared=False):
    output_bits = "/".join(str(bits + 1) for bits in sorted({run["bits"] for run in runs.values()}))
    return ["Standard deviations are sample standard deviations (n - 1). Exact sums: all "
            f"{output_bits or data.BINARY_DIM + 1} output bits right, an output counting as 1 "
            "when it is >= 0.5. The 95% upper bound is exact (Clopper-Pearson, one-sided, "
            "scipy.stats).", "",
            "Single runs do not carry across machines, nor across thread counts: the same seed "
            "on another processor, or computed by another number of threads, trains a different "
            "network (float rounding differs, and training amplifies it). "
            + ("The MSE section above compares the spread under each setting. " if compared
               else "Whether the distributions above come out the same on another machine has "
               "not been tried. ")
            + f"These runs: {run_settings(runs)}.", ""]


def run_settings(runs):
    """Where and how the runs were computed (run_setting), with how many runs each."""
    # A long schedule under way has no "versions": it is counted once finished.
    counts = collections.Counter(run_setting(run) for run in runs.values() if "versions" in run)
    return "; ".join(f"{count} on {key}" for key, count in sorted(counts.items())) or "none yet"


def run_setting(run):
    """Processor, the cores a run had, and the backend whose generator drew the initial
    weights: what makes one seed train one network."""
    processor = run.get("machine", {}).get("processor") or "processor not recorded"
    cores = (f"{run['cores']} core{'s' if run['cores'] > 1 else ''} a run" if run.get("cores")
             else f"{run.get('machine', {}).get('cpus')} CPUs")
    backend = run.get("versions", {}).get("backend", "an unrecorded backend")
    return f"{processor}, {cores}, initial weights from {backend}"


# ----------------------------------------------------------------------------------------------
# The picture.


def plot(runs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, ((losses, long_axis), (plain_axis, spread_axis)) = plt.subplots(2, 2,
                                                                           figsize=(15, 10))
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

    # How far the blog's MSE lies from the runs: their log10(MSE) over every pair, the normal
    # curve fitted to it, and the blog's value far out in its tail.
    epochs = max((run["epochs"] for run in runs.values() if not run["every"]), default=0)
    spread = mse_distribution(runs, epochs)
    if spread:
        values = np.asarray(spread["log10_values"])
        low = min(values.min(), np.log10(BLOG_MSE)) - 0.2
        grid = np.linspace(low, values.max() + 0.2, 400)
        spread_axis.hist(values, bins=20, density=True, color="tab:blue", alpha=0.5,
                         label=f"{spread['n']} runs of the blog's LSTM, {epochs} epochs")
        spread_axis.plot(grid, scipy.stats.norm.pdf(grid, spread["log10_mean"],
                                                    spread["log10_std"]),
                         color="tab:blue", label="normal fit")
        spread_axis.axvline(np.log10(BLOG_MSE), color="black", linestyle=":",
                            label=f"the blog's MSE {BLOG_MSE:.3g}")
        spread_axis.set(xlabel="log10(MSE over every pair)", ylabel="density",
                        title=f"Extrapolated chance of the blog's MSE: "
                              f"{scientific(spread['chance'])}")
        spread_axis.legend(fontsize=8)
    else:
        spread_axis.set_axis_off()
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


def readme_language(text):
    """The language of the one pair of README_MARKERS lines in `text` (ValueError if none, or
    not exactly one pair in order)."""
    lines = text.split("\n")
    found = [language for language, (start, end) in README_MARKERS.items()
             if start in lines or end in lines]
    if len(found) == 1:
        start, end = README_MARKERS[found[0]]
        if lines.count(start) == 1 and lines.count(end) == 1 and \
                lines.index(start) < lines.index(end):
            return found[0]
    pairs = " or ".join(f"'{start}' ... '{end}'" for start, end in README_MARKERS.values())
    raise ValueError(f"it needs one pair of lines {pairs} around the study's answer")


def with_readme_section(text, section):
    """`text` with its answer, the lines between its README_MARKERS lines, replaced by
    `section` (a marker quoted inside a line is not a marker)."""
    start, end = README_MARKERS[readme_language(text)]
    lines = text.split("\n")
    before, after = lines[:lines.index(start) + 1], lines[lines.index(end):]
    return "\n".join(before + section.rstrip("\n").split("\n") + after)


def readme_problem(path):
    """Why the study could not rewrite --readme's answer, or None: asked before any training."""
    try:
        with open(path, encoding="utf-8") as file:
            readme_language(file.read())
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"cannot use --readme {path}: {getattr(error, 'strerror', None) or error}"
    if not os.access(path, os.W_OK) or not os.access(os.path.dirname(path) or ".", os.W_OK):
        return f"cannot use --readme {path}: it (or its folder) is not writable"
    return None


def write_report(results, readmes, runs, planned, command, finished):
    """STUDY.md and the plot in `results`, and the answer in each of `readmes`, in its own
    language, from `runs` (finished runs and, as far as they go, unfinished long schedules)."""
    write_atomically(os.path.join(results, "STUDY.md"),
                     study_markdown(runs, planned, command, finished=finished))
    plot(runs, os.path.join(results, "learning_curves.png"))
    for readme in readmes or ():
        with open(readme, encoding="utf-8") as file:
            text = file.read()
        write_atomically(readme, with_readme_section(text, answer(runs, readme_language(text))))
