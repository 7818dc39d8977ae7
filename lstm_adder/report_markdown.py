"""results/STUDY.md, one function a section, from findings.Findings: the tables, the
epoch-by-epoch evaluations of the long schedules and a verdict in plain words. Every number
comes from the summary; nothing here computes a figure of its own."""

import numpy as np

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE, BLOGS_ACTIVATION
from lstm_adder.data import BINARY_DIM
from lstm_adder.findings import TOLD_APART_BELOW, EngineComparison, Findings, setback_worth_telling
from lstm_adder.report_answer import row_chance, steps_and_pairs_sentence
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.wording import listed, percent, runs_so_far, scientific


def study_markdown(found: Findings) -> str:
    """STUDY.md: the verdict and a table of contents on the first screen, then each section;
    every evaluation of every schedule goes to SCHEDULES.md (schedules_markdown)."""
    sections = [("Plain runs at the blog's settings", plain_runs_section(found))]
    if found.spread:
        spread = spread_section(found.spread)
        spread += ["", settings_sentence(found.compared)] if found.compared else []
        sections.append(
            (f"How far a {found.plain_epochs}-epoch run lands from the blog's MSE", spread)
        )
    if found.keras224:
        sections.append(("The blog's own Keras 2.2.4", keras224_section(found.keras224)))
    if found.long_runs:
        sections.append(("Long schedules", long_schedules_section(found)))
    if found.variants:
        sections.append(("One change to the blog's script", variants_section(found)))
        sections.append(("Steps an epoch or pairs seen", steps_and_pairs_section(found)))
    sections.append(("Notes", closing_notes(found)))
    lines = ["# Reproduction study", "", summary_line(found), "", "## Verdict", ""]
    lines += [verdict(found), "", "## Contents", ""]
    lines += [f"- [{title}](#{anchor(title)})" for title, _ in sections]
    if found.long_runs:
        lines.append("- [Every evaluation of every long schedule](SCHEDULES.md)")
    for title, body in sections:
        lines += ["", f"## {title}", "", *body]
    return "\n".join(lines).rstrip("\n") + "\n"


def anchor(title: str) -> str:
    """The link GitHub gives a heading: lower case, spaces to hyphens, punctuation dropped."""
    kept = "".join(c for c in title.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def long_schedules_section(found: Findings) -> list[str]:
    lines = long_schedules_table(found)
    if found.at_epochs:
        lines += ["", "### How long it takes", "", *time_section(found)]
    in_seed_order = sorted(found.summaries, key=lambda pair: seed_order(pair[0]))
    lines += ["", "### Each schedule", ""]
    return lines + [f"- {schedule_sentence(summary)}." for _, summary in in_seed_order]


def seed_order(run: dict) -> tuple[bool, int]:
    """The blog's LSTM first, then by seed."""
    return run["activation"] != BLOGS_ACTIVATION, run["seed"]


def schedules_markdown(found: Findings) -> str:
    """SCHEDULES.md: every evaluation of every long schedule, in seed order."""
    runs = sorted(found.long_runs, key=seed_order)
    return (
        "\n".join(
            [
                "# Every evaluation of every long schedule",
                "",
                f"From `study.json`, written with [STUDY.md](STUDY.md) by `{found.command}`: "
                "each long schedule, the blog's LSTM first, in seed order.",
                *long_schedule_evaluations(runs),
            ]
        )
        + "\n"
    )


def variants_section(found: Findings) -> list[str]:
    """The variants' table, what it says, and their picture."""
    pairs = 4 ** max(run["bits"] for run in found.runs.values())
    lines = [
        f"Each variant is the blog's run with one setting changed, everything else the blog's, "
        f"trained for the blog's {found.plain_epochs} epochs with seeds 1 to N and evaluated as "
        "the plain runs are (docs/study.md says why these). Steps: optimiser steps an epoch. "
        "Pairs seen: the share of all pairs in the training data. Reached: runs that showed the "
        "blog's figure on the study's fixed 1,000 pairs, with the exact 95% interval "
        "(Clopper-Pearson) on the chance that a run does. Mean chance: the chance that a random "
        "1,000-pair test like the blog's shows the figure, averaged over the runs, with a 95% "
        "bootstrap interval over the runs. Exact sums (all output bits right), never seen and "
        f"MSE: medians over the runs, over all {pairs:,} pairs. Minutes: the median training "
        "time of a run here, one core a run. A variant still running shows how many of its "
        "planned runs have finished." + two_sided_note(found.variants[0]),
        "",
        "| change | steps | pairs seen | runs | reached | 95% interval | mean chance "
        "| exact sums | never seen | MSE, every pair | minutes a run |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in found.variants:
        lines.append(
            f"| {row['label']} | {optional(row['steps'], ',.0f')} | "
            f"{optional(row['seen_share'], '.0%')} | {runs_so_far(row['n'], row['planned'])} | "
            + (
                "- | - | - | - | - | - | - |"
                if not row["n"]
                else f"{row['reached']} | {percent(row['low'])} to {percent(row['high'])} | "
                f"{row_chance(row)} | {optional(row['exact'], '.2f', '%')} | "
                f"{optional(row['unseen_exact'], '.2f', '%')} | {optional(row['mse'], '.3g')} | "
                f"{row['minutes']:.1f} |"
            )
        )
    return [*lines, "", variants_sentence(found), "", "![The variants' MSE](variants.png)"]


def two_sided_note(row: dict) -> str:
    """Why the blog's runs get a higher upper end here than their bound in the plain-runs table."""
    if row["name"] is not None:
        return ""
    return (
        f" The interval is two-sided, so for the blog's {row['n']} plain runs its upper end, "
        f"{percent(row['high'])}, lies above their one-sided 95% upper bound, "
        f"{percent(row['upper_bound'])}: the one-sided bound puts all 5% it may miss by on one "
        "side, the interval 2.5% on each."
    )


def one_change_clause(found: Findings) -> str:
    """The So: paragraph's word on the variants: the nearest, and whether it makes the figure
    likely (its whole interval above the stop level)."""
    nearest = found.nearest
    if nearest is None:
        return ""
    return (
        f" Of the single changes to the blog's script at {found.plain_epochs} epochs, "
        f"{nearest['label']} came nearest, with a mean chance of {row_chance(nearest)} over "
        f"{nearest['n']} runs: "
        + (
            "enough to call the figure likely."
            if nearest["likely"]
            else "not enough to call the figure likely."
        )
    )


def optional(value: float | None, spec: str, unit: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{unit}"


def variants_sentence(found: Findings) -> str:
    """Which single change makes the figure likely at the blog's epochs (the whole interval on
    its mean chance above the stop level), or what the nearest one measured."""
    nearest, epochs = found.nearest, found.plain_epochs
    if nearest is None:
        return "No variant run has finished yet."
    shown = (
        f"a blog-style test shows the figure with a mean chance of {row_chance(nearest)}"
        f" over its {nearest['n']} runs, and {nearest['reached']} of them reached it on the "
        "fixed sample"
    )
    if nearest["likely"]:
        return f"**{nearest['label']}** makes the figure likely at {epochs} epochs: {shown}."
    return (
        f"No single change here makes the figure likely at {epochs} epochs (the whole 95% "
        f"interval on its mean chance above {percent(STOP_PROBABILITY, 0)}). The nearest: "
        f"**{nearest['label']}**: {shown}; its median MSE over every pair is "
        f"{nearest['mse']:.3g}, the blog's {BLOG_MSE:.3g}."
    )


def steps_and_pairs_section(found: Findings) -> list[str]:
    """The 2 x 2 of steps an epoch against the share of pairs seen, and what it points to."""
    table = found.steps_and_pairs

    def cell(many_steps: bool, many_pairs: bool) -> str:
        row = table.cell(many_steps, many_pairs)
        if row is None:
            return "not planned"
        name = row["label"] if row["name"] else "the blog's script"
        facts = [
            f"**{name}**",
            f"{optional(row['steps'], ',.0f')} steps an epoch, "
            f"{optional(row['seen_share'], '.0%')} of pairs seen",
            f"runs: {runs_so_far(row['n'], row['planned'])}",
        ]
        if row["n"]:
            facts += [
                f"reached: {row['reached']} ({percent(row['low'])} to {percent(row['high'])})",
                f"mean chance: {row_chance(row)}",
                f"exact sums: {optional(row['exact'], '.2f', '%')}",
                f"MSE, every pair: {optional(row['mse'], '.3g')}",
            ]
        return "<br>".join(facts)

    return [
        "65,536 pairs at the blog's batch size change two things at once: more optimiser steps "
        "an epoch and more of the pairs seen. Two variants change one of them each; with the "
        "blog's script and the 65,536-pair variant they fill this table (medians over the runs, "
        "intervals 95%). One of the two counts only where more of it lifts the whole interval "
        "on the mean chance above the interval with less, at both levels of the other.",
        "",
        "| | fewer pairs seen | more pairs seen |",
        "|---|---|---|",
        f"| **fewer steps an epoch** | {cell(False, False)} | {cell(False, True)} |",
        f"| **more steps an epoch** | {cell(True, False)} | {cell(True, True)} |",
        "",
        steps_and_pairs_sentence(table),
    ]


def summary_line(found: Findings) -> str:
    under_way = found.under_way
    return (
        f"Generated by `{found.command}` from `study.json` ({found.finished} of "
        f"{found.planned} planned runs finished"
        + (
            f"; {under_way} long schedule{'s' if under_way > 1 else ''} still under way, "
            f"shown as far as {'their' if under_way > 1 else 'its'} saved state goes"
            if under_way
            else ""
        )
        + "). The blog reports one run: **99.98892793562263%**, its `(1 - MSE) * 100` on "
        f"1,000 fresh pairs, an MSE of {BLOG_MSE:.6g}."
    )


def plain_runs_section(found: Findings) -> list[str]:
    return [*reach_table(found.rows), "", *figures_table(found.rows), *pooled_sentences(found)]


def reach_table(rows: list[dict]) -> list[str]:
    """How many plain runs of each configuration reached the figure, and how close they came."""
    some_unknown = any(row["probability_known"] < row["n"] for row in rows)
    lines = [
        "The blog's figure and the MSE are on the study's fixed 1,000 pairs (evaluate.py's seed "
        "0). 'Chance' is the largest, over the runs, share of random 1,000-pair tests that show "
        "the blog's figure (Monte Carlo, 100,000 draws"
        + ("; '-' for runs trained before the study kept it)." if some_unknown else ")."),
        "",
        "| recurrent activation | engine | epochs | runs | reaching 99.98892793562263% "
        "| 95% upper bound | chance | best MSE (fixed 1,000 pairs) | best / blog's MSE |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        chance = (
            f"{percent(row['max_probability'], 3)} ({row['probability_known']} runs)"
            if row["max_probability"] is not None
            else "-"
        )
        lines.append(
            f"| {row['activation']} | {row['engine']} | {row['epochs']} | {row['n']} | "
            f"{row['reached']} of {row['n']} | {percent(row['upper_bound'])} | {chance} | "
            f"{row['mse']['min']:.3g} | {row['best_mse_over_blogs']:.0f}x |"
        )
    return lines


def figures_table(rows: list[dict]) -> list[str]:
    """The plain runs' figures, spread out: the blog's figure and exact sums."""
    lines = [
        "The same runs' figures: mean and sample standard deviation (in percentage "
        "points), lowest and highest. Exact sums: all output bits right, over every "
        "pair.",
        "",
        "| recurrent activation | engine | blog's figure: mean | std (pp) | lowest "
        "| highest | exact sums: mean | std (pp) | lowest | highest | never-seen pairs: "
        "mean |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        figure = row["blog_figure"]
        exact = row.get("exact_sum_accuracy")
        unseen = row.get("unseen_exact_sum_accuracy")
        unseen_cell = f"{unseen['mean']:.2f}%" if unseen else "-"
        exact_cells = (
            f"{exact['mean']:.2f}% | {exact['std']:.2f} | {exact['min']:.2f}% | {exact['max']:.2f}%"
            if exact
            else "- | - | - | -"
        )
        lines.append(
            f"| {row['activation']} | {row['engine']} | {figure['mean']:.4f}% | "
            f"{figure['std']:.4f} | {figure['min']:.4f}% | {figure['max']:.4f}% | "
            f"{exact_cells} | {unseen_cell} |"
        )
    return lines


def pooled_sentences(found: Findings) -> list[str]:
    """The plain runs pooled: the blog's LSTM, then every run at the blog's epochs."""
    lines = []
    if found.blogs_exact:
        exact = found.blogs_exact
        lines += [
            "",
            f"Exact sums over all {exact['pairs']:,} pairs of the {exact['runs']} runs "
            f"of the blog's LSTM on the default engine: median {percent(exact['median'])}.",
        ]
    if found.blogs:
        blogs = found.blogs
        lines += [
            "",
            f"The {blogs['n']} runs of the blog's LSTM at {found.plain_epochs} epochs "
            f"(every engine) together: {blogs['reached']} of {blogs['n']} reached the "
            f"blog's figure; 95% upper bound {percent(blogs['upper_bound'])}; best MSE "
            f"on the fixed 1,000 test pairs {blogs['best_mse']:.3g}, "
            f"{blogs['best_mse_over_blogs']:.0f} times the blog's.",
        ]
    everything = found.everything
    if everything:
        lines += [
            "",
            f"All {everything['n']} runs at {found.plain_epochs} epochs together: "
            f"{everything['reached']} reached the blog's figure; 95% upper bound on the "
            f"chance that such a run does: {percent(everything['upper_bound'])}; best "
            f"MSE on the fixed 1,000 test pairs {everything['best_mse']:.3g}, "
            f"{everything['best_mse_over_blogs']:.0f} times the blog's.",
        ]
    return lines


def keras224_section(compared: EngineComparison) -> list[str]:
    """Keras 2.2.4's own runs beside the default engine's, and whether they spread alike."""
    lines = [
        "The blog's LSTM trained by Keras 2.2.4's own code (`--engine keras2.2.4`, one thread a "
        "run), beside the default engine. Its runs start from Keras 2.2.4's own initial weights "
        "and dropout masks, and its Adam does not always read its step counter in the same "
        "order ([docs/keras2-vs-keras3.md](../docs/keras2-vs-keras3.md)), so a seed's two runs "
        "differ: what compares is how each engine's runs spread. Exact sums and the MSE are "
        "over every pair; reaching the figure is on the fixed 1,000 pairs.",
        "",
        f"| engine | runs | reaching {BLOG_FIGURE}% | exact sums: median | "
        "MSE over every pair: median |",
        "|---|---|---|---|---|",
    ]
    for runs in (compared.theirs, compared.ours):
        lines.append(
            f"| {runs.engine} | {runs.n} | {runs.reached} of {runs.n} | "
            f"{percent(runs.median_exact, 2)} | {runs.median_mse:.3g} |"
        )
    level = percent(TOLD_APART_BELOW, 0)
    lines += [
        "",
        "Mann-Whitney U tests, two-sided (`scipy.stats.mannwhitneyu`), of whether the two "
        f"engines' runs come from one distribution: p = {compared.mse_p:.2g} for log10 of the "
        f"MSE over every pair, p = {compared.exact_p:.2g} for the exact sums. "
        + (
            f"At the {level} level the two engines' runs are told apart."
            if compared.told_apart
            else f"At the {level} level neither test tells the two engines' runs apart."
        ),
    ]
    return lines


def spread_sentence(spread: dict) -> str:
    fit = (
        "a Shapiro-Wilk test finds no departure from normality"
        if spread["shapiro_p"] >= 0.05
        else "but a Shapiro-Wilk test rejects normality, so the tail it describes is doubtful"
    )
    return (
        f"Over every pair, the {spread['n']} runs' MSE has a median of "
        f"{spread['median']:.3g} and a best of {spread['best']:.3g}; the blog's "
        f"{BLOG_MSE:.3g} lies {spread['blog_in_stds']:.1f} standard deviations below the "
        f"mean of log10(MSE). A normal distribution fitted to log10(MSE) ({fit}, p = "
        f"{spread['shapiro_p']:.2f}) puts the chance that a run reaches the blog's MSE at "
        f"{scientific(spread['chance'])} (95% bootstrap interval "
        f"{scientific(spread['chance_low'])} to {scientific(spread['chance_high'])}): an "
        "extrapolation far beyond the runs seen, not a measurement."
    )


def spread_section(spread: dict) -> list[str]:
    """How a plain run's MSE spreads, and the extrapolation from it."""
    return [
        f"MSE over every pair of {spread['n']} runs of the blog's LSTM (default engine) after "
        f"{spread['epochs']} epochs, one per seed; the picture's lower right panel shows "
        "each run and the fitted curve.",
        "",
        "| | log10(MSE) | MSE |",
        "|---|---|---|",
        f"| mean of log10 | {spread['log10_mean']:.3f} | {10 ** spread['log10_mean']:.3g} |",
        f"| standard deviation of log10 | {spread['log10_std']:.3f} | |",
        f"| best run | {np.log10(spread['best']):.3f} | {spread['best']:.3g} |",
        f"| the blog's | {np.log10(BLOG_MSE):.3f} | {BLOG_MSE:.3g} |",
        "",
        spread_sentence(spread) + " The interval comes from 10,000 bootstrap resamples of "
        "the runs (percentile method); the fit and the test are scipy.stats' "
        "(`norm`, `shapiro`, `bootstrap`).",
    ]


def settings_sentence(compared: dict) -> str:
    """One sentence from across_settings: does the spread depend on how the runs were computed?"""
    groups = [
        f"{group['median']:.3g} over {group['n']} runs on {setting}"
        for setting, group in compared["settings"].items()
    ]
    differ = compared["kruskal_p"] < 0.05
    found = (
        "finds them spread differently at the 5% level"
        if differ
        else "finds no difference between them at the 5% level"
    )
    pooling = (
        "the fit above pools samples that differ"
        if differ
        else "nothing here argues against pooling them in the fit above"
    )
    listed = (
        " and ".join(groups) if len(groups) == 2 else "; ".join(groups[:-1]) + "; and " + groups[-1]
    )
    return (
        f"By how the runs were computed, the median MSE was {listed}. A Kruskal-Wallis test "
        f"(`scipy.stats.kruskal`) {found} (p = {compared['kruskal_p']:.2g}): {pooling}."
    )


def long_schedules_table(found: Findings) -> list[str]:
    lines = [
        f"Evaluated every K epochs. A long schedule stops at the first evaluation where at "
        f"least {percent(STOP_PROBABILITY, 0)} of random 1,000-pair tests show the blog's "
        "figure (the stop rule), or at its cap; an observed schedule runs to its cap "
        "whatever it shows.",
        "",
        "| recurrent activation | seed | epochs run | stopped by | fixed sample first "
        "shows the figure | chance >= 50% from | best chance | all sums right first |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run, summary in sorted(found.summaries, key=lambda pair: seed_order(pair[0])):
        best = (
            "-"
            if summary["best_probability"] is None
            else "0 in every evaluation"
            if summary["best_probability"] == 0
            else f"{percent(summary['best_probability'], 1)} at {summary['best_probability_epoch']}"
        )
        lines.append(
            f"| {run['activation']} | {run['seed']} | {summary['last_epoch']} of {run['epochs']} "
            f"| {summary['stopped_by'] or 'still running'} | "
            f"{summary['fixed_sample_first'] or 'never'} | "
            f"{summary['probability_first'] or 'not within ' + str(summary['last_epoch'])} | "
            f"{best} | {summary['all_sums_right_first'] or 'never'} |"
        )
    return lines


def time_section(found: Findings) -> list[str]:
    return [
        *at_epochs_table(found),
        "",
        *within_table(found),
        "",
        "**How steady**: " + steadiness_sentence(found.steadiness),
    ]


def at_epochs_table(found: Findings) -> list[str]:
    """The chance after exactly E epochs, with what it stands on."""
    lines = [
        "The chance that a blog-style 1,000-pair test shows the blog's figure, from every "
        f"long schedule of the blog's LSTM ({len(found.schedules)}) at the epochs it was "
        "evaluated. A schedule stopped by the stop rule is not evaluated after it; the "
        "observed ones run to their end whatever they show.",
        "",
        "**After exactly E epochs**: the mean chance over the schedules evaluated at E "
        "(what a reader who trains exactly E epochs and tests the blog's way can expect), "
        "with a 95% bootstrap interval over schedules (`scipy.stats.bootstrap`, percentile "
        "method, 10,000 resamples); beside it, medians over the same schedules of the "
        "training loss of epoch E and of the MSE over all pairs, and, over the observed "
        "schedules that record them, of the MSE over the pairs never seen in training, "
        "over the pairs seen in training and over all pairs.",
        "",
        "| epochs | schedules | chance: mean | 95% interval | training loss: median "
        "| MSE, all pairs: median | observed schedules: MSE, never-seen pairs (seen, all) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in found.at_epochs:
        interval = (
            f"{percent(row['low'], 2)} to {percent(row['high'], 2)}"
            if row["low"] is not None
            else "-"
        )
        unseen = (
            f"{row['median_unseen_mse']:.3g} (seen {row['median_seen_mse']:.3g}, all "
            f"{row['median_observed_mse']:.3g}; {row['unseen_schedules']} schedules)"
            if row["median_unseen_mse"] is not None
            else "-"
        )
        lines.append(
            f"| {row['epoch']:,} | {row['schedules']} | {percent(row['mean'], 2)} | "
            f"{interval} | {row['median_loss']:.3g} | {row['median_mse']:.3g} | "
            f"{unseen} |"
        )
    if found.stopped_early:
        ended = ", ".join(f"seed {seed} at epoch {epoch:,}" for seed, epoch in found.stopped_early)
        lines += [
            "",
            f"The stop rule ended {len(found.stopped_early)} of these schedules once it showed "
            f"the figure ({ended}): "
            + ("it is" if len(found.stopped_early) == 1 else "they are")
            + " not evaluated after that, so the means and medians of later epochs leave "
            + ("it" if len(found.stopped_early) == 1 else "them")
            + " out and lean against the figure. The schedules column says how many stand "
            "behind each row.",
        ]
    lines += [
        "",
        f"The blog's MSE is {BLOG_MSE:.3g}. The training loss is the MSE on the "
        "training pairs, averaged over an epoch while the weights change, with "
        "dropout on; the blog's figure is the MSE on fresh pairs, most of them never "
        "seen in training, with the trained network as it is. The last column puts "
        "the two kinds of pairs side by side: where the training loss is far below the "
        "MSE over all pairs, look there for the gap between pairs seen and never seen.",
    ]
    return lines


def within_table(found: Findings) -> list[str]:
    """How many schedules showed the figure within E epochs, and the Kaplan-Meier estimate."""
    lines = [
        "**Within E epochs**: how many schedules showed the figure at the stop rule's "
        f"level (at least {percent(STOP_PROBABILITY, 0)} of blog-style tests) at some "
        "evaluation up to E, of the schedules watched that long, and the Kaplan-Meier "
        "estimate of that chance with its 95% interval (`scipy.stats.ecdf` on "
        "`CensoredData`, log-log interval), each schedule that never showed it censored at "
        "its last evaluation. Where that interval is undefined (none showed it yet, or all "
        "did): the exact binomial one.",
        "",
        "| epochs | showed it | of schedules | Kaplan-Meier estimate | 95% interval |",
        "|---|---|---|---|---|",
    ]
    for row in found.within:
        interval = (
            f"0% to {percent(row['high'])} (exact upper bound)"
            if not row["reached"]
            else f"{percent(row['low'])} to {percent(row['high'])}"
            + (" (exact binomial)" if row["exact"] else "")
        )
        lines.append(
            f"| {row['epoch']:,} | {row['reached']} | {row['watched']} | "
            f"{percent(row['estimate'])} | {interval} |"
        )
    return lines


def steadiness_sentence(steadiness: dict) -> str:
    if not steadiness["shown"]:
        return "No schedule showed the figure at that level at an evaluation followed by another."
    return (
        f"Of the {steadiness['shown']} evaluations at which a schedule showed the figure at "
        f"that level and was evaluated again, {steadiness['kept']} were followed by one that "
        "still did."
    )


def long_schedule_evaluations(long_runs: list[dict]) -> list[str]:
    lines = []
    for run in long_runs:
        lines += [
            "",
            f"### {run['activation']}, seed {run['seed']}, every {run['every']} epochs",
            "",
            "| epoch | blog's figure, fixed sample | random tests: 5th | 50th | 95th "
            "percentile | chance of the blog's figure | exact sums, all pairs "
            "| never-seen pairs |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for evaluation in run["evaluations"]:
            sampling = evaluation.get("sampling")
            spread = (
                f"{sampling['p5']:.4f}% | {sampling['p50']:.4f}% | "
                f"{sampling['p95']:.4f}% | "
                f"{percent(sampling['probability_reaching_blog_figure'], 2)}"
                if sampling
                else "- | - | - | -"
            )
            exact = evaluation.get("exact_sum_accuracy")
            unseen = evaluation.get("unseen_exact_sum_accuracy")
            lines.append(
                f"| {evaluation['epoch']} | {evaluation['blog_figure']:.4f}% | "
                f"{spread} | "
                + (
                    f"{100 * exact:.2f}% | {100 * unseen:.2f}% |"
                    if exact is not None
                    else "- | - |"
                )
            )
    return lines


def closing_notes(found: Findings) -> list[str]:
    return [
        "Standard deviations are sample standard deviations (n - 1). Exact sums: all "
        f"{found.output_bits or BINARY_DIM + 1} output bits right, an output counting as 1 "
        "when it is >= 0.5. The 95% upper bound is exact (Clopper-Pearson, one-sided, "
        "scipy.stats).",
        "",
        "Single runs do not carry across thread counts, nor across the backend that drew the "
        "initial weights: the same seed computed by another number of threads, or started "
        "from another generator's weights, trains a different network (float rounding "
        "differs, and training amplifies it). "
        + (
            "The MSE section above compares the spread under each setting. "
            if found.compared is not None
            else "Whether the distributions above come out the same on another machine has "
            "not been tried. "
        )
        + f"These runs: {found.settings}.",
        "",
    ]


# ----------------------------------------------------------------------------------------------
# The verdict: plain words from the numbers, one paragraph a question.


def verdict(found: Findings) -> str:
    sentences = [*training_luck(found), *sample_luck(found), *time_answer(found)]
    return "\n\n".join(sentences) if sentences else "No run has finished yet."


def training_luck(found: Findings) -> list[str]:
    everything = found.blogs or found.everything
    if not everything:
        return []
    whose = "runs of the blog's LSTM" if found.blogs else "runs"
    sentences = [
        f"**Luck of the training run.** {everything['reached']} of {everything['n']} {whose} "
        f"at the blog's {found.plain_epochs} epochs reached {BLOG_FIGURE}%, so the chance that a "
        f"{found.plain_epochs}-epoch run of this code reaches it is at most "
        f"{percent(everything['upper_bound'])} (95% upper bound, exact binomial). The best "
        f"of them had an MSE of {everything['best_mse']:.3g} on the fixed 1,000 pairs, "
        f"{everything['best_mse_over_blogs']:.0f} times the blog's {BLOG_MSE:.3g}."
    ]
    if found.spread:
        sentences.append(spread_sentence(found.spread))
    if "keras" in found.by_engine and "jax" in found.by_engine:
        keras_row, jax_row = found.by_engine["keras"], found.by_engine["jax"]
        far = min(keras_row["best_mse_over_blogs"], jax_row["best_mse_over_blogs"]) > 2
        sentences.append(
            f"Through Keras's own model.fit, the blog's LSTM reached {keras_row['reached']} "
            f"of {keras_row['n']} times (best MSE {keras_row['best_mse_over_blogs']:.0f} "
            f"times the blog's; figure mean {keras_row['blog_figure']['mean']:.4f}%), with "
            f"the project's JAX engine {jax_row['reached']} of {jax_row['n']} (best "
            f"{jax_row['best_mse_over_blogs']:.0f} times; mean "
            f"{jax_row['blog_figure']['mean']:.4f}%)"
            + (
                ": both engines end far from the blog's MSE, so the engine is not what "
                "separates these runs from the blog."
                if far
                else "."
            )
        )
    return sentences


def sample_luck(found: Findings) -> list[str]:
    if found.highest_chance is None:
        return []
    return [
        f"**Luck of the test sample.** For the {found.chances_counted} {found.plain_epochs}-"
        f"epoch runs whose error on every pair was kept, the largest chance that a "
        f"1,000-pair test like the blog's shows {BLOG_FIGURE}% is "
        f"{percent(found.highest_chance, 3)}"
        + (
            ": a lucky test sample cannot explain the blog's number at its epoch count."
            if found.highest_chance < 0.01
            else "."
        )
    ]


def time_answer(found: Findings) -> list[str]:
    if not found.at_epochs:
        return []
    total = len(found.schedules)
    steps = [
        f"{percent(row['mean'], 2)} after {row['epoch']:,}"
        + (f" ({row['schedules']} of them)" if row["schedules"] < total else "")
        for row in found.at_epochs
    ]
    last = found.within[-1]
    sentences = [
        f"**Time.** Over the {len(found.schedules)} long schedules of the blog's LSTM, a "
        "blog-style test shows the figure with a mean chance of "
        + listed(steps)
        + " epochs exactly (intervals in the "
        f"table below). Within {last['epoch']:,} epochs, {last['reached']} of {last['watched']} "
        "showed it at the stop rule's level at least once ("
        + (
            f"Kaplan-Meier estimate {percent(last['estimate'])}, 95% interval "
            f"{percent(last['low'])} to {percent(last['high'])}"
            if last["reached"]
            else f"at most {percent(last['high'])}, exact 95% upper bound"
        )
        + f"). {steadiness_sentence(found.steadiness)} "
        f"{found.setbacks} of {len(found.schedules)} had a setback, a typical test's error at "
        "least tripling after its best."
    ]
    best = max(found.at_epochs, key=lambda row: row["mean"])
    if found.first_shown is not None:
        sentences.append(
            f"**So:** the numbers support a blog run that trained longer than its "
            f"{found.plain_epochs} epochs, or one far luckier than any here: schedules of this "
            "code showed the figure in the blog's kind of test from epoch "
            f"{found.first_shown:,} on, and the mean chance at a fixed epoch count was highest "
            f"after {best['epoch']:,} "
            f"epochs ({percent(best['mean'], 2)}). For networks like these, a lucky test "
            f"sample does not explain the figure at {found.plain_epochs} epochs."
            + one_change_clause(found)
        )
    else:
        sentences.append(
            "**So:** no explanation from these numbers reaches the blog's figure: not a "
            f"lucky test sample, not a lucky {found.plain_epochs}-epoch run (at most the bound "
            "above), and not longer training within the epochs run here." + one_change_clause(found)
        )
    return sentences


def schedule_sentence(summary: dict) -> str:
    """What one long schedule did, in one sentence."""
    name = f"{summary['activation']} (seed {summary['seed']})"
    running = summary["stopped_by"] is None
    best = summary["best_probability"] or 0
    chance = (
        f"its best chance was {percent(best, 1)} at epoch {summary['best_probability_epoch']}"
        if best
        else "no random test at any evaluation showed it"
    )
    if summary["probability_first"] is not None:
        text = (
            f"{name} reached the stop rule (at least {percent(STOP_PROBABILITY, 0)} "
            f"of 1,000-pair tests show the blog's figure) at epoch "
            f"{summary['probability_first']}"
        )
    elif running:
        text = (
            f"{name} is still running towards {summary['cap']} epochs; by epoch "
            f"{summary['last_epoch']} {chance}"
        )
        if summary["tail_median"]:
            text += f", and a typical 1,000-pair test showed {summary['tail_median'][2]:.4f}%"
    else:
        text = f"{name} did not reach the stop rule within {summary['last_epoch']} epochs: {chance}"
        if summary["tail_median"]:
            low, high = summary["tail_median"][:2]
            text += (
                f", and over epochs {summary['tail_epochs'][0]}-"
                f"{summary['tail_epochs'][1]} the typical figure stayed between "
                f"{low:.4f}% and {high:.4f}%"
            )
    fixed = summary["fixed_sample_first"]
    text += (
        f"; the study's fixed sample first showed the figure at epoch {fixed}"
        if fixed is not None
        else "; the fixed sample has not shown it yet"
        if running
        else "; the fixed sample never showed it"
    )
    right = summary["all_sums_right_first"]
    text += (
        f"; all sums were right from epoch {right} on, at least once"
        if right is not None
        else "; not all sums were right at any evaluation yet"
        if running
        else "; never were all sums right"
    )
    setback = summary["setback"]
    if setback_worth_telling(setback):
        text += (
            f"; training was not steady: the typical test fell from "
            f"{setback.best:.4f}% (epoch {setback.best_epoch}) to {setback.later:.4f}% "
            f"(epoch {setback.later_epoch})"
        )
    return text
