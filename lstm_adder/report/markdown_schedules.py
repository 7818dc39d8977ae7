"""The long schedules in STUDY.md and every evaluation of each in SCHEDULES.md."""

from lstm_adder.blog import BLOG_MSE, BLOGS_ACTIVATION
from lstm_adder.report.findings import Findings
from lstm_adder.report.schedules import LongSummary, Steadiness, setback_worth_telling
from lstm_adder.report.table import markdown_table
from lstm_adder.statistics import BOOTSTRAP_RESAMPLES
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.study.runs import Evaluation, StopReason, StudyRun
from lstm_adder.wording import percent

# How the table says why a schedule stopped (None: it has not).
STOPPED_BY = {
    StopReason.STOP_RULE: "the stop rule",
    StopReason.CAP: "the cap",
    StopReason.NOT_A_NUMBER: "a loss that is not a number",
    None: "still running",
}


def long_schedules_section(found: Findings) -> list[str]:
    lines = long_schedules_table(found)
    if found.at_epochs:
        lines += ["", "### How long it takes", "", *time_section(found)]
    in_seed_order = sorted(found.summaries, key=lambda pair: seed_order(pair[0]))
    lines += ["", "### Each schedule", ""]
    return lines + [f"- {schedule_sentence(summary)}." for _, summary in in_seed_order]


def seed_order(run: StudyRun) -> tuple[bool, int]:
    """The blog's LSTM first, then by seed."""
    return run.plan.activation != BLOGS_ACTIVATION, run.plan.seed


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


def long_schedules_table(found: Findings) -> list[str]:
    lines = [
        f"Evaluated every K epochs. A long schedule stops at the first evaluation where at "
        f"least {percent(STOP_PROBABILITY, 0)} of random 1,000-pair tests show the blog's "
        "figure (the stop rule), or at its cap; an observed schedule runs to its cap "
        "whatever it shows.",
        "",
    ]
    header = (
        "recurrent activation",
        "seed",
        "epochs run",
        "stopped by",
        "fixed sample first shows the figure",
        f"chance >= {percent(STOP_PROBABILITY, 0)} from",
        "best chance",
        "all sums right first",
    )
    rows = []
    for run, summary in sorted(found.summaries, key=lambda pair: seed_order(pair[0])):
        best = (
            "-"
            if summary.best_probability is None
            else "0 in every evaluation"
            if summary.best_probability == 0
            else f"{percent(summary.best_probability, 1)} at {summary.best_probability_epoch}"
        )
        rows.append(
            (
                run.plan.activation,
                run.plan.seed,
                f"{summary.last_epoch} of {run.plan.epochs}",
                STOPPED_BY[summary.stopped_by],
                summary.fixed_sample_first or "never",
                summary.probability_first or f"not within {summary.last_epoch}",
                best,
                summary.all_sums_right_first or "never",
            )
        )
    return lines + markdown_table(header, rows)


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
        f"method, {BOOTSTRAP_RESAMPLES:,} resamples); beside it, medians over the same "
        "schedules of the training loss of epoch E and of the MSE over all pairs, and, over "
        "the observed schedules that record them, of the MSE over the pairs never seen in "
        "training, over the pairs seen in training and over all pairs.",
        "",
    ]
    header = (
        "epochs",
        "schedules",
        "chance: mean",
        "95% interval",
        "training loss: median",
        "MSE, all pairs: median",
        "observed schedules: MSE, never-seen pairs (seen, all)",
    )
    rows = []
    for row in found.at_epochs:
        interval = (
            f"{percent(row.low, 2)} to {percent(row.high, 2)}"
            if row.low is not None and row.high is not None
            else "-"
        )
        unseen = (
            f"{row.median_unseen_mse:.3g} (seen {row.median_seen_mse:.3g}, all "
            f"{row.median_observed_mse:.3g}; {row.unseen_schedules} schedules)"
            if row.median_unseen_mse is not None
            else "-"
        )
        rows.append(
            (
                f"{row.epoch:,}",
                row.schedules,
                percent(row.mean, 2),
                interval,
                f"{row.median_loss:.3g}",
                f"{row.median_mse:.3g}",
                unseen,
            )
        )
    return lines + markdown_table(header, rows) + at_epochs_notes(found)


def at_epochs_notes(found: Findings) -> list[str]:
    """Under the at-E table: the schedules the stop rule ended, and losses against MSEs."""
    lines = []
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
    ]

    def interval(row):
        if not row.reached:
            return f"0% to {percent(row.high)} (exact upper bound)"
        exact = " (exact binomial)" if row.exact else ""
        return f"{percent(row.low)} to {percent(row.high)}{exact}"

    header = ("epochs", "showed it", "of schedules", "Kaplan-Meier estimate", "95% interval")
    rows = [
        (
            f"{row.epoch:,}",
            row.reached,
            row.watched,
            percent(row.estimate),
            interval(row),
        )
        for row in found.within
    ]
    return lines + markdown_table(header, rows)


def steadiness_sentence(steadiness: Steadiness) -> str:
    if not steadiness.shown:
        return "No schedule showed the figure at that level at an evaluation followed by another."
    return (
        f"Of the {steadiness.shown} evaluations at which a schedule showed the figure at "
        f"that level and was evaluated again, {steadiness.kept} were followed by one that "
        "still did."
    )


EVALUATION_COLUMNS = (
    "epoch",
    "blog's figure, fixed sample",
    "random tests: 5th",
    "50th",
    "95th percentile",
    "chance of the blog's figure",
    "exact sums, all pairs",
    "never-seen pairs",
)


def evaluation_cells(evaluation: Evaluation) -> tuple:
    """One evaluation's row: '-' for what an evaluation of fewer bits or an older run lacks."""
    sampling = evaluation.get("sampling")
    spread = (
        (
            f"{sampling['p5']:.4f}%",
            f"{sampling['p50']:.4f}%",
            f"{sampling['p95']:.4f}%",
            percent(sampling["probability_reaching_blog_figure"], 2),
        )
        if sampling
        else ("-",) * 4
    )
    exact = evaluation.get("exact_sum_accuracy")
    unseen = evaluation.get("unseen_exact_sum_accuracy")
    sums = tuple(f"{100 * share:.2f}%" if share is not None else "-" for share in (exact, unseen))
    return (evaluation["epoch"], f"{evaluation['blog_figure']:.4f}%", *spread, *sums)


def long_schedule_evaluations(long_runs: list[StudyRun]) -> list[str]:
    lines = []
    for run in long_runs:
        lines += [
            "",
            f"### {run.plan.activation}, seed {run.plan.seed}, every {run.plan.every} epochs",
            "",
            *markdown_table(EVALUATION_COLUMNS, map(evaluation_cells, run.evaluations)),
        ]
    return lines


def schedule_sentence(summary: LongSummary) -> str:
    """What one long schedule did, in one sentence."""
    name = f"{summary.activation} (seed {summary.seed})"
    running = summary.under_way
    best = summary.best_probability or 0
    chance = (
        f"its best chance was {percent(best, 1)} at epoch {summary.best_probability_epoch}"
        if best
        else "no random test at any evaluation showed it"
    )
    if summary.probability_first is not None:
        text = (
            f"{name} reached the stop rule (at least {percent(STOP_PROBABILITY, 0)} "
            f"of 1,000-pair tests show the blog's figure) at epoch "
            f"{summary.probability_first}"
        )
    elif running:
        text = (
            f"{name} is still running towards {summary.cap} epochs; by epoch "
            f"{summary.last_epoch} {chance}"
        )
        if summary.tail_median:
            text += f", and a typical 1,000-pair test showed {summary.tail_median[2]:.4f}%"
    else:
        text = f"{name} did not reach the stop rule within {summary.last_epoch} epochs: {chance}"
        if summary.tail_median and summary.tail_epochs:
            low, high = summary.tail_median[:2]
            first, last = summary.tail_epochs
            text += (
                f", and over epochs {first}-{last} the typical figure stayed between "
                f"{low:.4f}% and {high:.4f}%"
            )
    fixed = summary.fixed_sample_first
    text += (
        f"; the study's fixed sample first showed the figure at epoch {fixed}"
        if fixed is not None
        else "; the fixed sample has not shown it yet"
        if running
        else "; the fixed sample never showed it"
    )
    right = summary.all_sums_right_first
    text += (
        f"; all sums were right from epoch {right} on, at least once"
        if right is not None
        else "; not all sums were right at any evaluation yet"
        if running
        else "; never were all sums right"
    )
    setback = summary.setback
    if setback is not None and setback_worth_telling(setback):
        text += (
            f"; training was not steady: the typical test fell from "
            f"{setback.best:.4f}% (epoch {setback.best_epoch}) to {setback.later:.4f}% "
            f"(epoch {setback.later_epoch})"
        )
    return text
