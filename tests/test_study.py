"""The study on a tiny configuration: resume, statistics, the report, the plot."""
import json

import numpy as np
import pytest

import study
import study_report

# One run at a time in this process (--workers 0): tests/test_study_dask.py runs it on Dask.
TINY_STUDY = ["--seeds", "2", "--other-seeds", "2", "--keras-seeds", "1", "--epochs", "2",
              "--bits", "4", "--data-size", "200", "--long-epochs", "4", "--long-seeds", "1",
              "--every", "2", "--workers", "0"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    results = tmp_path_factory.mktemp("study")
    assert study.main(TINY_STUDY + ["--results", str(results)]) == 0
    return results


def test_every_planned_run_is_recorded(finished):
    runs = json.loads((finished / "study.json").read_text())["runs"]
    # 2 seeds x 2 activations, 1 through model.fit, and a long schedule for each activation
    assert len(runs) == 2 * 2 + 1 + 2
    assert runs["keras2_hard_sigmoid-keras-seed1-2ep"]["engine"] == "keras"
    long_run = runs["keras2_hard_sigmoid-long-4ep-every2-seed1"]
    assert [e["epoch"] for e in long_run["evaluations"]] == [2, 4]
    assert long_run["stopped_by"] == "the cap"
    for run in runs.values():
        assert len(run["loss_per_epoch"]) == run["epochs"]
        assert 0 <= run["figures"]["exact_sum_accuracy"] <= 1
        assert "blog_figure" in run["figures"]
        sampling = run["figures"]["sampling"]
        assert sampling["draws"] == 100_000 and sampling["samples"] == 1000
        assert sampling["p5"] <= sampling["p50"] <= sampling["p95"]
        assert run["machine"]["processor"]
    assert not list((finished / "checkpoints").iterdir())  # finished runs keep no state


def test_resume_skips_finished_runs(finished, tmp_path, capsys, monkeypatch):
    # Keep 3 of the 6 runs, as if the study had been stopped; started again it runs only the rest.
    saved = json.loads((finished / "study.json").read_text())
    kept = dict(list(saved["runs"].items())[:3])
    (tmp_path / "study.json").write_text(json.dumps({"command": "x", "runs": kept}))
    trained = []
    real_run_one = study.run_one
    monkeypatch.setattr(study, "run_one", lambda *args: trained.append(args[2]) or
                        real_run_one(*args))
    assert study.main(TINY_STUDY + ["--results", str(tmp_path)]) == 0
    assert "7 runs planned, 3 already done" in capsys.readouterr().out
    assert len(trained) == 4
    runs = json.loads((tmp_path / "study.json").read_text())["runs"]
    assert set(runs) == set(saved["runs"])
    for run_id in kept:
        assert runs[run_id] == kept[run_id]  # untouched


def test_table_statistics_match_numpy(finished):
    runs = json.loads((finished / "study.json").read_text())["runs"]
    rows = study_report.table(runs)
    assert len(rows) == 3  # hard sigmoid with each engine, sigmoid with the default one
    for row in rows:
        members = [r for r in runs.values() if not r["every"] and
                   (r["activation"], r["engine"]) == (row["activation"], row["engine"])]
        figures = [r["figures"]["blog_figure"] for r in members]
        assert row["n"] == len(members) == (1 if row["engine"] == "keras" else 2)
        assert row["mse"]["min"] == min(r["figures"]["sampled_mse"] for r in members)
        assert row["best_mse_over_blogs"] == pytest.approx(row["mse"]["min"] / study_report.BLOG_MSE)
        assert row["blog_figure"]["mean"] == pytest.approx(np.mean(figures))
        if len(figures) > 1:
            assert row["blog_figure"]["std"] == pytest.approx(np.std(figures, ddof=1))
        assert row["blog_figure"]["min"] == min(figures)
        exact = [100 * r["figures"]["exact_sum_accuracy"] for r in members]
        assert row["exact_sum_accuracy"]["mean"] == pytest.approx(np.mean(exact))
    markdown = (finished / "STUDY.md").read_text()
    assert "99.98892793562263%" in markdown and "## Verdict" in markdown
    assert f"{rows[0]['blog_figure']['mean']:.4f}%" in markdown


def test_plot_is_a_png(finished):
    png = (finished / "learning_curves.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000


def test_binomial_upper_bound_is_exact():
    # 0 successes in n: (1 - p)^n = 0.05 at the bound.
    for trials in (1, 5, 15):
        assert study_report.binomial_upper_bound(0, trials) == pytest.approx(1 - 0.05 ** (1 / trials))
    # 1 in 10: P(X <= 1) = 0.05 at the bound.
    bound = study_report.binomial_upper_bound(1, 10)
    assert (1 - bound) ** 10 + 10 * bound * (1 - bound) ** 9 == pytest.approx(0.05)
    assert study_report.binomial_upper_bound(3, 3) == 1.0


def evaluation(epoch, figure, chance, exact=0.99):
    return {"epoch": epoch, "blog_figure": figure, "exact_sum_accuracy": exact,
            "unseen_exact_sum_accuracy": exact,
            "sampling": {"p5": figure - 0.01, "p50": figure, "p95": figure + 0.01,
                         "probability_reaching_blog_figure": chance}}


def long_run(evaluations, stopped_by="the cap"):
    return {"epochs": 100, "every": 25, "activation": "keras2_hard_sigmoid", "seed": 1,
            "engine": "jax", "stopped_by": stopped_by, "evaluations": evaluations}


def test_verdict_says_when_the_long_schedule_reached_the_figure():
    run = long_run([evaluation(25, 99.0, 0.0), evaluation(50, study_report.BLOG_FIGURE + 0.001, 0.3),
                    evaluation(75, 99.99, 0.6, exact=1.0)], stopped_by="the stop rule")
    text = study_report.verdict([], [run])
    assert "reached the stop rule" in text and "at epoch 75" in text
    assert "fixed sample first showed the figure at epoch 50" in text
    assert "all sums were right from epoch 75" in text
    assert "1 of 1 long schedules of this code reached the figure" in text
    assert "the first after 75 epochs (evaluated every 25)" in text


def test_verdict_says_where_a_long_schedule_plateaus():
    run = long_run([evaluation(25, 99.9, 0.0), evaluation(50, 99.97, 0.02),
                    evaluation(75, 99.96, 0.01), evaluation(100, 99.95, 0.0)])
    text = study_report.verdict([], [run])
    assert ("did not reach the stop rule within 100 epochs: its best chance was 2.0% at epoch 50"
            in text)
    assert "over epochs 25-100 the typical figure stayed between 99.9000% and 99.9700%" in text
    assert "the fixed sample never showed it" in text and "never were all sums right" in text
    assert "not longer training within the epochs run here" in text
    assert "not steady" not in text  # its error grew from 0.03% to 0.05% at most: not a setback


def test_verdict_names_the_largest_setback_of_a_long_schedule():
    run = long_run([evaluation(25, 99.9, 0.0), evaluation(50, 99.99, 0.4),
                    evaluation(75, 99.5, 0.0), evaluation(100, 99.0, 0.0),
                    evaluation(125, 99.995, 0.6)], stopped_by="the stop rule")
    text = study_report.verdict([], [run])
    assert ("training was not steady: the typical test fell from 99.9900% (epoch 50) to "
            "99.0000% (epoch 100)") in text


def test_verdict_on_plain_runs_gives_the_bound_and_both_engines():
    def plain(engine, seed, mse):
        return {"activation": "keras2_hard_sigmoid", "engine": engine, "seed": seed,
                "epochs": 100, "every": 0,
                "figures": {"blog_figure": (1 - mse) * 100, "sampled_mse": mse,
                            "sampling": {"probability_reaching_blog_figure": 0.0}}}

    runs = {f"{engine}{seed}": plain(engine, seed, 0.01 * seed)
            for engine in ("jax", "keras") for seed in (1, 2, 3)}
    text = study_report.verdict(study_report.table(runs), [])
    assert "0 of 6 runs at the blog's 100 epochs" in text
    assert f"at most {100 * (1 - 0.05 ** (1 / 6)):.1f}%" in text
    assert f"{0.01 / study_report.BLOG_MSE:.0f} times the blog's" in text
    assert "the engine is not what separates these runs from the blog" in text
    assert "a lucky test sample cannot explain" in text


def test_a_stopped_study_continues_a_run_from_its_saved_state(tmp_path, monkeypatch, capsys):
    options = ["--seeds", "1", "--keras-seeds", "0", "--epochs", "2", "--bits", "4",
               "--data-size", "200", "--long-epochs", "6", "--long-seeds", "1", "--every", "2",
               "--activations", "keras2_hard_sigmoid", "--workers", "0"]
    assert study.main(options + ["--results", str(tmp_path / "whole")]) == 0
    real_figures = study.figures
    calls = []

    def stop_at_the_second_evaluation(*args):
        calls.append(1)
        if len(calls) == 2:  # the long run's epoch 2, then its epoch 4 (long schedules go first)
            raise KeyboardInterrupt
        return real_figures(*args)

    monkeypatch.setattr(study, "figures", stop_at_the_second_evaluation)
    assert study.main(options + ["--results", str(tmp_path / "stopped")]) == 130
    monkeypatch.setattr(study, "figures", real_figures)
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


def test_readme_section_is_rewritten_from_the_study(finished, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\nbefore, between `<!-- study -->` markers:\n<!-- study -->\n"
                      "old numbers\n<!-- /study -->\nafter 中文\n", encoding="utf-8")
    assert study.main(TINY_STUDY + ["--results", str(finished), "--report",
                                    "--readme", str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    before, rest = text.split("<!-- study -->\n")
    section, after = rest.split("<!-- /study -->")
    assert before == "# Title\n\nbefore, between `<!-- study -->` markers:\n"
    assert after == "\nafter 中文\n"
    assert "old numbers" not in section
    markdown = (finished / "STUDY.md").read_text()
    # The quote is STUDY.md's summary: its tables' rows and its verdict, word for word.
    verdict = markdown.split("## Verdict\n\n")[1]
    assert verdict.strip() in section
    rows = [line for line in markdown.splitlines() if line.startswith(("| keras2_hard_sigmoid |",
                                                                        "| sigmoid |"))]
    assert any("| 4 of 4 |" in row for row in rows)  # the long schedules' table
    for row in rows:
        assert row in section
    assert "### " not in section  # the epoch-by-epoch tables stay in STUDY.md


@pytest.mark.parametrize("content", ["no markers here\n", "<!-- /study -->\n<!-- study -->\n",
                                     "<!-- study -->\n<!-- study -->\n<!-- /study -->\n", None])
def test_a_readme_without_its_markers_is_refused_before_any_training(tmp_path, monkeypatch,
                                                                      capsys, content):
    readme = tmp_path / "README.md"
    if content is not None:
        readme.write_text(content)
    monkeypatch.setattr(study, "run_one", lambda *args: pytest.fail("trained"))
    assert study.main(TINY_STUDY + ["--results", str(tmp_path / "r"), "--readme",
                                    str(readme)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("study.py: error: cannot use --readme") and error.count("\n") == 1
    assert (readme.read_text() if content is not None else None) == content
