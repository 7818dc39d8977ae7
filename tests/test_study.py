"""The study on a tiny configuration: resume, statistics, the report, the plot."""

import dataclasses
import json
import signal

import numpy as np
import pytest
from fakes import figures_of, made_up_run, with_plan

from lstm_adder import blog, statistics
from lstm_adder.config import TrainingConfig
from lstm_adder.report import answer as report_answer
from lstm_adder.report import answer_en, answer_zh, findings, markdown_schedules
from lstm_adder.report import markdown as report_markdown
from lstm_adder.report import plain as report_plain
from lstm_adder.report import schedules as report_schedules
from lstm_adder.report import verdict as report_verdict
from lstm_adder.study import job
from lstm_adder.study import run as one_run
from lstm_adder.study.ledger import load_done
from lstm_adder.study.plan import Kind, planned_runs
from lstm_adder.study.runs import StopReason, read_run, run_record
from lstm_adder.study.settings import StudySettings

import study
from conftest import TINY_DRAWS, tiny_study

# make test runs the suite on several processes (pytest-xdist): this module's tests stay on one,
# so that its tiny study (a module fixture) is trained once.
pytestmark = pytest.mark.xdist_group("study")

# One run at a time in this process (--workers 0): tests/test_study_dask.py runs it on Dask.
TINY_STUDY = tiny_study(
    seeds=2,
    other_seeds=2,
    keras_seeds=1,
    long_epochs=4,
    activations=" ".join(blog.RECURRENT_ACTIVATION_CHOICES),
)


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    results = tmp_path_factory.mktemp("study")
    assert study.main(TINY_STUDY + ["--results", str(results)]) == 0
    return results


def test_every_planned_run_is_recorded(finished):
    runs = load_done(str(finished / "study.json"))
    # 2 seeds x 2 activations, 1 through model.fit, and a long schedule for each activation
    assert len(runs) == 2 * 2 + 1 + 2
    assert runs["keras2_hard_sigmoid-keras-seed1-2ep"].config.engine == "keras"
    long_run = runs["keras2_hard_sigmoid-long-4ep-every2-seed1"]
    assert long_run.plan.kind is Kind.SCHEDULE and long_run.config.checkpoint is None
    assert [e["epoch"] for e in long_run.evaluations] == [2, 4]
    assert long_run.stopped_by is StopReason.CAP
    for run in runs.values():
        assert run.finished and len(run.loss_per_epoch) == run.plan.epochs == run.config.epochs
        assert 0 <= run.figures["exact_sum_accuracy"] <= 1
        assert "blog_figure" in run.figures
        sampling = run.figures["sampling"]
        assert sampling["draws"] == TINY_DRAWS and sampling["samples"] == 1000
        assert sampling["p5"] <= sampling["p50"] <= sampling["p95"]
        assert run.machine["processor"]
        assert (run.stopped_by is None) == (run.plan.kind is Kind.PLAIN)
    assert not list((finished / "checkpoints").iterdir())  # finished runs keep no state


def test_resume_skips_finished_runs(finished, tmp_path, capsys, monkeypatch):
    # Keep 3 of the 6 runs, as if the study had been stopped; started again it runs only the rest.
    saved = json.loads((finished / "study.json").read_text())
    kept = dict(list(saved["runs"].items())[:3])
    (tmp_path / "study.json").write_text(json.dumps({"command": "x", "runs": kept}))
    # Stopped between recording a run and removing its saved state: the state goes now.
    leftover = tmp_path / "checkpoints" / f"{next(iter(kept))}.checkpoint.npz"
    leftover.parent.mkdir()
    leftover.write_bytes(b"state of a finished run")
    trained = []
    real_run_one = job.run_one
    monkeypatch.setattr(
        job, "run_one", lambda *args: trained.append(args[2]) or real_run_one(*args)
    )
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    assert study.main(TINY_STUDY + ["--results", str(tmp_path)]) == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == handlers
    assert "7 runs planned, 3 already done" in capsys.readouterr().out
    assert len(trained) == 4
    runs = json.loads((tmp_path / "study.json").read_text())["runs"]
    assert set(runs) == set(saved["runs"])
    for run_id in kept:
        assert runs[run_id] == kept[run_id]  # untouched
    assert not list((tmp_path / "checkpoints").iterdir())


def test_table_statistics_match_numpy(finished):
    runs = load_done(str(finished / "study.json"))
    rows = report_plain.table(runs)
    assert len(rows) == 3  # hard sigmoid with each engine, sigmoid with the default one
    for row in rows:
        members = [
            r
            for r in runs.values()
            if r.plan.kind is Kind.PLAIN
            and (r.plan.activation, r.plan.engine) == (row.activation, row.engine)
        ]
        figures = [r.figures["blog_figure"] for r in members]
        assert row.n == len(members) == (1 if row.engine == "keras" else 2)
        assert row.mse["min"] == min(r.figures["sampled_mse"] for r in members)
        assert row.best_mse_over_blogs == pytest.approx(row.mse["min"] / blog.BLOG_MSE)
        assert row.blog_figure["mean"] == pytest.approx(np.mean(figures))
        if len(figures) > 1:
            assert row.blog_figure["std"] == pytest.approx(np.std(figures, ddof=1))
        assert row.blog_figure["min"] == min(figures)
        exact = [100 * r.figures["exact_sum_accuracy"] for r in members]
        assert row.exact_sum_accuracy["mean"] == pytest.approx(np.mean(exact))
    markdown = (finished / "STUDY.md").read_text()
    assert "99.98892793562263%" in markdown and "## Verdict" in markdown
    assert f"{rows[0].blog_figure['mean']:.4f}%" in markdown


def test_plot_is_a_png(finished):
    png = (finished / "learning_curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000


def test_binomial_upper_bound_is_exact():
    # 0 successes in n: (1 - p)^n = 0.05 at the bound.
    for trials in (1, 5, 15):
        assert statistics.binomial_upper_bound(0, trials) == pytest.approx(1 - 0.05 ** (1 / trials))
    # 1 in 10: P(X <= 1) = 0.05 at the bound.
    bound = statistics.binomial_upper_bound(1, 10)
    assert (1 - bound) ** 10 + 10 * bound * (1 - bound) ** 9 == pytest.approx(0.05)
    assert statistics.binomial_upper_bound(3, 3) == 1.0


def figures_in(text):
    """Every number a text shows, as written (1,000, 2.8%, 1.7e-22)."""
    import re

    return set(re.findall(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?:e-\d+)?%?", text))


def verdict_of(runs):
    return report_verdict.verdict(findings.findings(runs, [], "study.py"))


def answer_of(runs, language="en"):
    return report_answer.answer(findings.findings(runs, [], "study.py"), language)


def schedule_sentence_of(run):
    return markdown_schedules.schedule_sentence(report_schedules.long_summary(run))


def evaluation(epoch, figure, chance, exact=0.99):
    return {
        "epoch": epoch,
        "blog_figure": figure,
        "exact_sum_accuracy": exact,
        "unseen_exact_sum_accuracy": exact,
        "exhaustive_mse": 1 - figure / 100,
        "sampling": {
            "p5": figure - 0.01,
            "p50": figure,
            "p95": figure + 0.01,
            "probability_reaching_blog_figure": chance,
        },
    }


def long_run(evaluations, stopped_by=StopReason.CAP, kind=Kind.SCHEDULE):
    return made_up_run(
        kind=kind,
        every=25,
        stopped_by=stopped_by,
        evaluations=evaluations,
        loss_per_epoch=[0.01] * evaluations[-1]["epoch"],
    )


def test_verdict_says_when_the_long_schedule_reached_the_figure():
    run = long_run(
        [
            evaluation(25, 99.0, 0.0),
            evaluation(50, blog.BLOG_FIGURE + 0.001, 0.3),
            evaluation(75, 99.99, 0.4),
            evaluation(100, 99.99, 0.6, exact=1.0),
        ],
        stopped_by=StopReason.STOP_RULE,
    )
    text = schedule_sentence_of(run)
    assert "reached the stop rule" in text and "at epoch 100" in text
    assert "fixed sample first showed the figure at epoch 50" in text
    assert "all sums were right from epoch 100" in text
    verdict = verdict_of({"long": run})
    assert "Within 1,500 epochs, 1 of 1 showed it at the stop rule's level at least once" in verdict
    assert "showed the figure in the blog's kind of test from epoch 100 on" in verdict


def test_verdict_says_where_a_long_schedule_plateaus():
    run = long_run(
        [
            evaluation(25, 99.9, 0.0),
            evaluation(50, 99.97, 0.02),
            evaluation(75, 99.96, 0.01),
            evaluation(100, 99.95, 0.0),
        ]
    )
    text = schedule_sentence_of(run)
    assert (
        "did not reach the stop rule within 100 epochs: its best chance was 2.0% at epoch 50"
        in text
    )
    assert "over epochs 25-100 the typical figure stayed between 99.9000% and 99.9700%" in text
    assert "the fixed sample never showed it" in text and "never were all sums right" in text
    assert "not longer training within the epochs run here" in verdict_of({"long": run})
    assert "not steady" not in text  # its error grew from 0.03% to 0.05% at most: not a setback


def test_verdict_names_the_largest_setback_of_a_long_schedule():
    run = long_run(
        [
            evaluation(25, 99.9, 0.0),
            evaluation(50, 99.99, 0.4),
            evaluation(75, 99.5, 0.0),
            evaluation(100, 99.0, 0.0),
            evaluation(125, 99.995, 0.6),
        ],
        stopped_by=StopReason.STOP_RULE,
    )
    text = schedule_sentence_of(run)
    assert (
        "training was not steady: the typical test fell from 99.9900% (epoch 50) to "
        "99.0000% (epoch 100)"
    ) in text


def test_verdict_on_plain_runs_gives_the_bound_and_both_engines():
    def plain(engine, seed, mse):
        sampling = {"probability_reaching_blog_figure": 0.0}
        return made_up_run(seed, engine, figures=figures_of(mse, sampling=sampling))

    runs = {
        f"{engine}{seed}": plain(engine, seed, 0.01 * seed)
        for engine in ("jax", "keras")
        for seed in (1, 2, 3)
    }
    text = verdict_of(runs)
    assert "0 of 6 runs of the blog's LSTM at the blog's 100 epochs" in text
    assert f"at most {100 * (1 - 0.05 ** (1 / 6)):.1f}%" in text
    assert f"{0.01 / blog.BLOG_MSE:.0f} times the blog's" in text
    assert "the engine is not what separates these runs from the blog" in text
    assert "a lucky test sample cannot explain" in text


def test_a_stopped_study_continues_a_run_from_its_saved_state(tmp_path, monkeypatch, capsys):
    options = tiny_study(long_epochs=6)
    assert study.main(options + ["--results", str(tmp_path / "whole")]) == 0
    real_figures = one_run.evaluate_network
    calls = []

    def stop_at_the_second_evaluation(*args):
        calls.append(1)
        if len(calls) == 2:  # the long run's epoch 2, then its epoch 4 (long schedules go first)
            raise KeyboardInterrupt
        return real_figures(*args)

    monkeypatch.setattr(one_run, "evaluate_network", stop_at_the_second_evaluation)
    assert study.main(options + ["--results", str(tmp_path / "stopped")]) == 130
    monkeypatch.setattr(one_run, "evaluate_network", real_figures)
    # The report shows the unfinished schedule as far as its saved state goes.
    assert study.main(options + ["--results", str(tmp_path / "stopped"), "--report"]) == 0
    report = (tmp_path / "stopped" / "STUDY.md").read_text()
    assert "0 of 2 planned runs finished; 1 long schedule still under way" in report
    assert "| keras2_hard_sigmoid | 1 | 2 of 6 | still running |" in report
    assert "is still running towards 6 epochs; by epoch 2" in report
    capsys.readouterr()
    assert study.main(options + ["--results", str(tmp_path / "stopped")]) == 0
    assert "going on from its saved state at epoch 2" in capsys.readouterr().out
    whole = json.loads((tmp_path / "whole" / "study.json").read_text())["runs"]
    resumed = json.loads((tmp_path / "stopped" / "study.json").read_text())["runs"]
    run_id = "keras2_hard_sigmoid-long-6ep-every2-seed1"
    assert resumed[run_id]["loss_per_epoch"] == whole[run_id]["loss_per_epoch"]
    assert resumed[run_id]["evaluations"] == whole[run_id]["evaluations"]


def test_readme_answers_are_rewritten_from_the_study(finished, tmp_path):
    english, chinese = tmp_path / "README.md", tmp_path / "README.zh-CN.md"
    english.write_text(
        "# Title\n\nbefore, between `<!-- study -->` markers:\n<!-- study -->\n"
        "old numbers\n<!-- /study -->\nafter 中文\n",
        encoding="utf-8",
    )
    chinese.write_text(
        "# 标题\n<!-- study:zh-CN -->\n旧的\n<!-- /study:zh-CN -->\n结尾\n", encoding="utf-8"
    )
    recorded = (finished / "study.json").read_bytes()
    assert (
        study.main(
            TINY_STUDY
            + ["--results", str(finished), "--report", "--readme", str(english), str(chinese)]
        )
        == 0
    )
    assert (finished / "study.json").read_bytes() == recorded  # a report writes no data
    runs = load_done(str(finished / "study.json"))
    text = english.read_text(encoding="utf-8")
    before, rest = text.split("<!-- study -->\n")
    section, after = rest.split("<!-- /study -->")
    assert before == "# Title\n\nbefore, between `<!-- study -->` markers:\n"
    assert after == "\nafter 中文\n"
    assert section == answer_of(runs) + "\n"
    assert len(section.splitlines()) <= 6
    text = chinese.read_text(encoding="utf-8")
    assert text == (
        "# 标题\n<!-- study:zh-CN -->\n"
        + answer_of(runs, "zh-CN")
        + "\n<!-- /study:zh-CN -->\n结尾\n"
    )
    # Both languages give the same figures: the plain runs' count, how many reached the figure,
    # the bound and the epochs.
    blogs = findings.findings(runs, [], "study.py").blogs
    expected = {str(blogs.n), str(blogs.reached), f"{100 * blogs.upper_bound:.1f}%", "2"}
    for answer in (section, text):
        assert expected <= figures_in(answer)


def plain_runs(log10_mses, epochs=100):
    return {
        f"seed{seed}": made_up_run(
            seed, epochs=epochs, figures=figures_of(10**value, exhaustive_mse=10**value)
        )
        for seed, value in enumerate(log10_mses, 1)
    }


def test_the_mse_spread_and_its_extrapolation():
    from scipy import stats

    values = np.random.RandomState(0).normal(-2.2, 0.25, 40)
    spread = report_plain.mse_distribution(plain_runs(values), 100)
    mean, std = values.mean(), values.std(ddof=1)
    assert spread.n == 40 and spread.log10_mean == pytest.approx(mean)
    assert spread.chance == pytest.approx(stats.norm.cdf((np.log10(blog.BLOG_MSE) - mean) / std))
    assert spread.chance_low <= spread.chance <= spread.chance_high
    assert spread.shapiro_p == pytest.approx(stats.shapiro(values).pvalue)
    assert spread.shapiro_p > 0.05  # drawn from a normal distribution
    assert spread == report_plain.mse_distribution(plain_runs(values), 100)  # seeded bootstrap
    # Two clusters are not normal: the words say the fit is doubtful.
    lumpy = np.concatenate([np.full(20, -2.5), np.full(20, -1.5)]) + np.linspace(0, 0.01, 40)
    text = report_verdict.spread_sentence(report_plain.mse_distribution(plain_runs(lumpy), 100))
    assert "rejects normality" in text and "an extrapolation" in text
    assert report_plain.mse_distribution(plain_runs(values[:7]), 100) is None


def computed_on(runs, processor, backend="jax"):
    return {
        f"{processor}-{backend}-{label}": dataclasses.replace(
            run, machine={"processor": processor}, cores=1, versions={"backend": backend}
        )
        for label, run in runs.items()
    }


def test_the_spread_is_compared_across_the_ways_runs_were_computed():
    draws = np.random.RandomState(1).normal(-2.0, 0.2, 30)
    alike = {
        **computed_on(plain_runs(draws[:15]), "AMD"),
        **computed_on(plain_runs(draws[15:]), "Intel"),
    }
    compared = report_plain.across_settings(alike, 100)
    assert compared.settings == {
        "AMD, 1 core a run, initial weights from jax": report_plain.SettingRuns(
            n=15, median=pytest.approx(10 ** np.median(draws[:15]))
        ),
        "Intel, 1 core a run, initial weights from jax": report_plain.SettingRuns(
            n=15, median=pytest.approx(10 ** np.median(draws[15:]))
        ),
    }
    assert compared.kruskal_p > 0.05
    assert "finds no difference" in report_markdown.settings_sentence(compared)
    apart = {
        **computed_on(plain_runs(draws[:15]), "AMD"),
        **computed_on(plain_runs(draws[15:] + 1.0), "Intel"),
    }
    assert "spread differently" in report_markdown.settings_sentence(
        report_plain.across_settings(apart, 100)
    )
    # Other initial weights on the same processor are a group of their own.
    by_backend = report_plain.across_settings(
        {
            **computed_on(plain_runs(draws[:15]), "AMD"),
            **computed_on(plain_runs(draws[15:20]), "AMD", "tensorflow"),
            **computed_on(plain_runs(draws[20:]), "Intel"),
        },
        100,
    )
    assert [group.n for group in by_backend.settings.values()] == [15, 5, 10]
    assert "; and 0." in report_markdown.settings_sentence(by_backend)
    # A setting with fewer than 5 runs, or runs that do not say where they ran, are not a group.
    assert (
        report_plain.across_settings(
            {
                **computed_on(plain_runs(draws[:15]), "AMD"),
                **computed_on(plain_runs(draws[15:19]), "Intel"),
                **plain_runs(draws[19:]),
            },
            100,
        )
        is None
    )


def stopped_and_observed():
    """One schedule stopped by the stop rule at 125; one observed to 500, showing the figure at
    300 only (the next evaluation no longer does)."""
    stopped = long_run(
        [evaluation(epoch, 99.9, 0.1 * epoch / 25) for epoch in range(25, 126, 25)],
        stopped_by=StopReason.STOP_RULE,
    )
    observed = long_run(
        [evaluation(epoch, 99.9, 0.6 if epoch == 300 else 0.01) for epoch in range(25, 501, 25)],
        kind=Kind.OBSERVED,
    )
    return stopped, with_plan(observed, epochs=500, seed=2)


def test_the_time_answer_at_and_within_each_epoch_count():
    from scipy import stats

    stopped, observed = stopped_and_observed()
    at = {row.epoch: row for row in report_schedules.at_epochs([stopped, observed])}
    assert set(at) == {100, 250, 500}  # nothing was evaluated at 750 and beyond
    assert at[100].schedules == 2 and at[100].mean == pytest.approx(0.205)
    assert at[100].low <= 0.205 <= at[100].high
    assert at[250].schedules == 1 and at[250].mean == 0.01 and at[250].low is None
    within = {row.epoch: row for row in report_schedules.within_epochs([stopped, observed])}
    assert (within[100].reached, within[100].watched) == (0, 2)
    assert within[100].high == pytest.approx(statistics.binomial_upper_bound(0, 2))
    kaplan_meier = stats.ecdf(stats.CensoredData(uncensored=[125, 300])).cdf
    assert within[250].estimate == pytest.approx(kaplan_meier.evaluate(250)) == 0.5
    assert (within[500].reached, within[500].estimate) == (2, 1.0)
    # Every schedule showed it: the Kaplan-Meier interval is undefined, the exact one is given.
    assert within[500].exact and (within[500].low, within[500].high) == pytest.approx(
        statistics.binomial_interval(2, 2)
    )
    assert report_schedules.steadiness([stopped, observed]) == report_schedules.Steadiness(1, 0)
    # The README's answer: the chance after exactly 500 epochs, and within the last.
    runs = {**plain_runs([-2.0]), "stopped": stopped, "observed": observed}
    # The README's answer in both languages: the chance after exactly 500 epochs (1 schedule of
    # 2 evaluated there, so its count is given) and within 1,500; tests/golden/ has the wording.
    at_500 = {"1.00%", "500", "1"}
    within_1500 = {"1,500", "2", "100.0%", f"{100 * within[1500].low:.1f}%"}
    assert at_500 | within_1500 <= figures_in(answer_of(runs))
    assert at_500 | within_1500 <= figures_in(answer_of(runs, "zh-CN"))
    assert "after 500 (1 schedule evaluated that far)" in answer_of(runs)
    # With more schedules behind a row, its bootstrap interval, labelled once.
    numbers = report_answer.answer_numbers(findings.findings(runs, [], "study.py"))
    at_500 = dataclasses.replace(at[500], mean=0.0203, low=0.0037, high=0.0425, schedules=2)
    at_1000 = dataclasses.replace(at_500, epoch=1000, mean=0.322, low=0.0986, high=0.5735)
    numbers = dataclasses.replace(numbers, at=[at_500, at_1000])
    assert (
        "a mean chance of 2.03% (95% interval 0.37% to 4.25%) after 500 and 32.20% (9.86% "
        "to 57.35%) after 1,000 epochs exactly"
    ) in report_answer.written(numbers)
    assert {"2.03%", "0.37%", "4.25%", "32.20%", "9.86%", "57.35%"} <= figures_in(
        report_answer.written(numbers, "zh-CN")
    )


def test_the_readme_answer_matches_its_golden_file():
    """The answers' wording, once, in a file a reader can review (the made-up runs above);
    LSTM_ADDER_WRITE_GOLDEN=1 writes it anew after a deliberate change of wording."""
    import os

    stopped, observed = stopped_and_observed()
    runs = {**plain_runs([-2.0, -2.5, -1.5]), "stopped": stopped, "observed": observed}
    text = f"{answer_of(runs)}\n\n{answer_of(runs, 'zh-CN')}\n"
    golden = os.path.join(os.path.dirname(__file__), "golden", "readme_answer.md")
    if os.environ.get("LSTM_ADDER_WRITE_GOLDEN"):
        os.makedirs(os.path.dirname(golden), exist_ok=True)
        with open(golden, "w", encoding="utf-8") as file:
            file.write(text)
    with open(golden, encoding="utf-8") as file:
        assert text == file.read()


def test_both_languages_give_the_answer_in_the_same_lines():
    """One layout, decided once: each line of the English answer has its Chinese line, in the
    same place (a blank line, the verdict, a list item)."""
    import os

    from conftest import ROOT

    stopped, observed = stopped_and_observed()
    made_up = {**plain_runs([-2.0, -2.5, -1.5]), "stopped": stopped, "observed": observed}
    for runs in (
        made_up,
        plain_runs([-2.0]),
        load_done(os.path.join(ROOT, "results", "study.json")),
    ):
        english, chinese = answer_of(runs).splitlines(), answer_of(runs, "zh-CN").splitlines()
        assert [line[:2] for line in english] == [line[:2] for line in chinese]


@pytest.mark.parametrize(
    "content",
    [
        "no markers here\n",
        "<!-- /study -->\n<!-- study -->\n",
        "<!-- study -->\n<!-- study -->\n<!-- /study -->\n",
        None,
    ],
)
def test_a_readme_without_its_markers_is_refused_before_any_training(
    tmp_path, monkeypatch, capsys, content
):
    readme = tmp_path / "README.md"
    if content is not None:
        readme.write_text(content)
    monkeypatch.setattr(job, "run_one", lambda *args: pytest.fail("trained"))
    assert study.main(TINY_STUDY + ["--results", str(tmp_path / "r"), "--readme", str(readme)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("study.py: error: cannot use --readme") and error.count("\n") == 1
    assert (readme.read_text() if content is not None else None) == content


def test_every_figure_of_the_readme_answer_is_in_study_md():
    """The README quotes STUDY.md: each number of its answer is there too (the committed
    study.json, through the report's own functions)."""
    import os
    import re

    from conftest import ROOT

    runs = load_done(os.path.join(ROOT, "results", "study.json"))
    found = findings.findings(runs, planned_runs(StudySettings()), "study.py --report")
    answer, report = report_answer.answer(found), report_markdown.study_markdown(found)
    figures = set(re.findall(r"(?<![\w.,])\d[\d,]*(?:\.\d+)?(?:e-\d+)?%?", answer))
    assert figures and not {figure for figure in figures if figure not in report}


def schedules_leaving_at_different_epochs():
    """Four made-up schedules, evaluated every 25 epochs: A shows the figure at 100 and the stop
    rule ends it there; B never shows it and ends at 200; C shows it at 250 and ends at 300; D
    never shows it and runs to 400."""

    def schedule(seed, last, shown_at=None, stopped_by=StopReason.CAP):
        chances = [0.6 if epoch == shown_at else 0.1 for epoch in range(25, last + 1, 25)]
        run = long_run(
            [
                evaluation(epoch, 99.9, chance)
                for epoch, chance in zip(range(25, last + 1, 25), chances)
            ],
            stopped_by=stopped_by,
        )
        return with_plan(run, seed=seed, epochs=last)

    return [
        schedule(1, 100, shown_at=100, stopped_by=StopReason.STOP_RULE),
        schedule(2, 200),
        schedule(3, 300, shown_at=250),
        schedule(4, 400),
    ]


def test_no_summary_is_drawn_over_fewer_than_half_the_schedules():
    schedules = schedules_leaving_at_different_epochs()
    lines = report_schedules.curves(schedules)
    assert lines.schedules[lines.epoch.index(100)] == 4
    assert lines.schedules[lines.epoch.index(300)] == 2
    assert lines.schedules[lines.epoch.index(325)] == 1
    for epoch, count, mean, median in zip(
        lines.epoch, lines.schedules, lines.mean, lines.median_mse
    ):
        drawn = count >= report_schedules.SUMMARY_SHARE * len(schedules)
        assert (mean is not None) == drawn and (median is not None) == drawn, epoch
    assert max(e for e, m in zip(lines.epoch, lines.mean) if m is not None) == 300
    # The schedule the stop rule ended is named, with its epoch.
    assert report_schedules.stopped_early(schedules) == [(1, 100)]


def test_within_and_at_epochs_with_schedules_that_leave_early_by_hand():
    schedules = schedules_leaving_at_different_epochs()
    within = {row.epoch: row for row in report_schedules.within_epochs(schedules, (100, 300))}
    # Kaplan-Meier by hand: at 100 one of 4 at risk shows it (S = 3/4); B leaves unseen at 200;
    # at 250 one of the 2 still at risk (C, D) shows it (S = 3/4 * 1/2 = 3/8).
    assert within[100].estimate == pytest.approx(1 / 4)
    assert within[300].estimate == pytest.approx(1 - 3 / 8)
    # Watched to 300, or showing it sooner: A, C and D, not B.
    assert (within[300].reached, within[300].watched) == (2, 3)
    at = {row.epoch: row for row in report_schedules.at_epochs(schedules, (100, 200, 300, 400))}
    assert [at[epoch].schedules for epoch in (100, 200, 300, 400)] == [4, 3, 2, 1]
    assert at[100].mean == pytest.approx((0.6 + 0.1 * 3) / 4)


def test_keras_224s_runs_are_told_from_ours_only_where_they_spread_apart():
    def runs_of(engine, log10_mses, exact_sums):
        return {
            f"{engine}-seed{seed}": made_up_run(
                seed,
                engine,
                figures=figures_of(10**value, exhaustive_mse=10**value, exact_sum_accuracy=exact),
            )
            for seed, (value, exact) in enumerate(zip(log10_mses, exact_sums, strict=True), 1)
        }

    ours = runs_of("jax", np.linspace(-2.5, -1.5, 20), np.linspace(0.7, 0.9, 20))
    alike = runs_of("keras2.2.4", np.linspace(-2.45, -1.55, 9), np.linspace(0.71, 0.89, 9))
    apart = runs_of("keras2.2.4", np.linspace(-1.4, -1.0, 9), np.linspace(0.3, 0.5, 9))
    same = findings.keras224_against_ours({**ours, **alike}, 100)
    assert (same.theirs.n, same.ours.n) == (9, 20) and not same.told_apart
    assert same.mse_p > 0.5 and same.theirs.median_exact == pytest.approx(0.8)
    assert same.theirs.median_mse == pytest.approx(10**-2)
    differ = findings.keras224_against_ours({**ours, **apart}, 100)
    assert differ.told_apart and differ.mse_p < 1e-4 and differ.exact_p < 1e-4
    assert findings.keras224_against_ours(ours, 100) is None
    # The decision is made once; each writer only phrases it.
    assert "neither test tells" in " ".join(report_markdown.keras224_section(same))
    assert "are told apart" in " ".join(report_markdown.keras224_section(differ))
    assert "cannot tell its runs from ours" in answer_en.keras224(same)
    assert "tells its runs from ours" in answer_en.keras224(differ)
    assert "检验不能把" in answer_zh.keras224(same)
    assert "检验能把" in answer_zh.keras224(differ)


def test_a_markdown_table_has_its_rule_and_writes_an_empty_cell_as_gfm_does():
    from lstm_adder.report.table import markdown_table

    assert markdown_table(("", "MSE"), [("best", 0.5), ("blog's", "")]) == [
        "| | MSE |",
        "|---|---|",
        "| best | 0.5 |",
        "| blog's | |",
    ]


def test_records_of_either_layout_read_into_one_run_type():
    """study.json's earlier records (the plan's fields at the top, the stop reason as display
    text, no status) read into the same StudyRun as this layout's, which reads back unchanged."""
    old = {
        "activation": "keras2_hard_sigmoid",
        "seed": 3,
        "epochs": 2000,
        "every": 25,
        "bits": 8,
        "data_size": 10000,
        "engine": "jax",
        "versions": {"backend": "tensorflow"},
        "finished": "2026-11-28T13:08:05+00:00",
        "stopped_by": "the stop rule",
        "loss_per_epoch": [0.2, 0.1],
        "figures": {"blog_figure": 99.0},
        "evaluations": [],
    }
    schedule = read_run("long", old)
    assert schedule.plan.kind is Kind.SCHEDULE and schedule.stopped_by is StopReason.STOP_RULE
    assert schedule.finished and schedule.finished_at == old["finished"]
    assert schedule.config == TrainingConfig(epochs=2000, seed=3)
    observed = read_run("observed", {**old, "stop_rule": False, "stopped_by": "the cap"})
    assert observed.plan.kind is Kind.OBSERVED and observed.stopped_by is StopReason.CAP
    variant = read_run(
        "variant", {**old, "every": 0, "variant": "batch-size-32", "config": {"batch_size": 32}}
    )
    assert variant.plan.kind is Kind.VARIANT and variant.config.batch_size == 32
    plain = read_run("plain", {**old, "every": 0, "stopped_by": None})
    assert plain.plan.kind is Kind.PLAIN and plain.stopped_by is None
    for run in (schedule, observed, variant, plain):
        assert read_run(run.plan.id, json.loads(json.dumps(run_record(run)))) == run


@pytest.mark.parametrize("key, raised", [(key, raised) for key, _, raised in job.RUN_ERRORS])
def test_an_error_a_run_process_reports_is_raised_again_here(key, raised):
    import subprocess

    reported = subprocess.CompletedProcess([], 0, stdout=json.dumps({key: "what went wrong"}))
    plan = planned_runs(StudySettings())[0]
    with pytest.raises(raised, match="^what went wrong$"):
        job.outcome_of(reported, plan, "[1/1] a run")
