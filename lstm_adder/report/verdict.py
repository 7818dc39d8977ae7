"""STUDY.md's verdict in plain words: the luck of the training run, of the test sample, and
time."""

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE
from lstm_adder.report.findings import Findings
from lstm_adder.report.markdown_schedules import steadiness_sentence
from lstm_adder.report.markdown_variants import one_change_clause
from lstm_adder.report.plain import MseSpread
from lstm_adder.wording import listed, percent, scientific


def verdict(found: Findings) -> str:
    sentences = [*training_luck(found), *sample_luck(found), *time_answer(found)]
    return "\n\n".join(sentences) if sentences else "No run has finished yet."


def training_luck(found: Findings) -> list[str]:
    everything = found.blogs or found.everything
    if not everything:
        return []
    whose = "runs of the blog's LSTM" if found.blogs else "runs"
    sentences = [
        f"**Luck of the training run.** {everything.reached} of {everything.n} {whose} "
        f"at the blog's {found.plain_epochs} epochs reached {BLOG_FIGURE}%, so the chance that a "
        f"{found.plain_epochs}-epoch run of this code reaches it is at most "
        f"{percent(everything.upper_bound)} (95% upper bound, exact binomial). The best "
        f"of them had an MSE of {everything.best_mse:.3g} on the fixed 1,000 pairs, "
        f"{everything.best_mse_over_blogs:.0f} times the blog's {BLOG_MSE:.3g}."
    ]
    if found.spread:
        sentences.append(spread_sentence(found.spread))
    if "keras" in found.by_engine and "jax" in found.by_engine:
        keras_row, jax_row = found.by_engine["keras"], found.by_engine["jax"]
        far = min(keras_row.best_mse_over_blogs, jax_row.best_mse_over_blogs) > 2
        sentences.append(
            f"Through Keras's own model.fit, the blog's LSTM reached {keras_row.reached} "
            f"of {keras_row.n} times (best MSE {keras_row.best_mse_over_blogs:.0f} "
            f"times the blog's; figure mean {keras_row.blog_figure['mean']:.4f}%), with "
            f"the project's JAX engine {jax_row.reached} of {jax_row.n} (best "
            f"{jax_row.best_mse_over_blogs:.0f} times; mean "
            f"{jax_row.blog_figure['mean']:.4f}%)"
            + (
                ": both engines end far from the blog's MSE, so the engine is not what "
                "separates these runs from the blog."
                if far
                else "."
            )
        )
    return sentences


def spread_sentence(spread: MseSpread) -> str:
    fit = (
        "a Shapiro-Wilk test finds no departure from normality"
        if spread.normal
        else "but a Shapiro-Wilk test rejects normality, so the tail it describes is doubtful"
    )
    return (
        f"Over every pair, the {spread.n} runs' MSE has a median of "
        f"{spread.median:.3g} and a best of {spread.best:.3g}; the blog's "
        f"{BLOG_MSE:.3g} lies {spread.blog_in_stds:.1f} standard deviations below the "
        f"mean of log10(MSE). A normal distribution fitted to log10(MSE) ({fit}, p = "
        f"{spread.shapiro_p:.2f}) puts the chance that a run reaches the blog's MSE at "
        f"{scientific(spread.chance)} (95% bootstrap interval "
        f"{scientific(spread.chance_low)} to {scientific(spread.chance_high)}): an "
        "extrapolation far beyond the runs seen, not a measurement."
    )


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
    best = found.peak  # None without an at-E row
    if best is None:
        return []
    total = len(found.schedules)
    steps = [
        f"{percent(row.mean, 2)} after {row.epoch:,}"
        + (f" ({row.schedules} of them)" if row.schedules < total else "")
        for row in found.at_epochs
    ]
    last = found.within[-1]
    sentences = [
        f"**Time.** Over the {len(found.schedules)} long schedules of the blog's LSTM, a "
        "blog-style test shows the figure with a mean chance of "
        + listed(steps)
        + " epochs exactly (intervals in the "
        f"table below). Within {last.epoch:,} epochs, {last.reached} of {last.watched} "
        "showed it at the stop rule's level at least once ("
        + (
            f"Kaplan-Meier estimate {percent(last.estimate)}, 95% interval "
            f"{percent(last.low)} to {percent(last.high)}"
            if last.reached
            else f"at most {percent(last.high)}, exact 95% upper bound"
        )
        + f"). {steadiness_sentence(found.steadiness)} "
        f"{found.setbacks} of {len(found.schedules)} had a setback, a typical test's error at "
        "least tripling after its best."
    ]
    if found.first_shown is not None:
        sentences.append(
            f"**So:** the numbers support a blog run that trained longer than its "
            f"{found.plain_epochs} epochs, or one far luckier than any here: schedules of this "
            "code showed the figure in the blog's kind of test from epoch "
            f"{found.first_shown:,} on, and the mean chance at a fixed epoch count was highest "
            f"after {best.epoch:,} "
            f"epochs ({percent(best.mean, 2)}). For networks like these, a lucky test "
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
