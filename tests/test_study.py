"""The study's bookkeeping on a tiny configuration: resume, statistics, the plot."""
import json

import numpy as np
import pytest

import study

TINY_STUDY = ["--seeds", "2", "--epochs", "2", "--bits", "4", "--data-size", "200",
              "--long-epochs", "4", "--every", "2"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    results = tmp_path_factory.mktemp("study")
    assert study.main(TINY_STUDY + ["--results", str(results)]) == 0
    return results


def test_every_planned_run_is_recorded(finished):
    runs = json.loads((finished / "study.json").read_text())["runs"]
    assert len(runs) == 2 * 2 + 2  # 2 seeds x 2 activations, and a long schedule for each
    long_run = runs["keras2_hard_sigmoid-long-4ep-every2"]
    assert [c["epoch"] for c in long_run["checkpoints"]] == [2, 4]
    for run in runs.values():
        assert len(run["loss_per_epoch"]) == run["epochs"]
        assert 0 <= run["figures"]["exact_sum_accuracy"] <= 1
        assert "blog_figure" in run["figures"]


def test_resume_skips_finished_runs(finished, tmp_path, capsys, monkeypatch):
    # Keep 3 of the 6 runs, as if the study had been stopped; started again it runs only the rest.
    saved = json.loads((finished / "study.json").read_text())
    kept = dict(list(saved["runs"].items())[:3])
    (tmp_path / "study.json").write_text(json.dumps({"command": "x", "runs": kept}))
    trained = []
    real_run_one = study.run_one
    monkeypatch.setattr(study, "run_one", lambda *args: trained.append(args[5]) or
                        real_run_one(*args))
    assert study.main(TINY_STUDY + ["--results", str(tmp_path)]) == 0
    assert "6 runs planned, 3 already done" in capsys.readouterr().out
    assert len(trained) == 3
    runs = json.loads((tmp_path / "study.json").read_text())["runs"]
    assert set(runs) == set(saved["runs"])
    for run_id in kept:
        assert runs[run_id] == kept[run_id]  # untouched


def test_table_statistics_match_numpy(finished):
    runs = json.loads((finished / "study.json").read_text())["runs"]
    rows = study.table(runs)
    assert len(rows) == 2
    for row in rows:
        members = [r for r in runs.values()
                   if r["activation"] == row["activation"] and not r["every"]]
        figures = [r["figures"]["blog_figure"] for r in members]
        assert row["n"] == len(members) == 2
        assert row["blog_figure"]["mean"] == pytest.approx(np.mean(figures))
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


def test_verdict_says_when_the_long_schedule_reached_the_figure_or_its_best():
    def long_run(figures):
        return {"epochs": 75, "every": 25, "activation": "sigmoid", "seed": 1,
                "checkpoints": [{"epoch": 25 * (k + 1), "blog_figure": figure,
                                 "exact_sum_accuracy": 0.5} for k, figure in enumerate(figures)]}

    reached = study.verdict([], [long_run([99.0, study.BLOG_FIGURE + 0.001, 99.5])])
    assert "first reached the blog's figure at epoch 50" in reached
    missed = study.verdict([], [long_run([99.0, 99.97, 99.9])])
    assert "its best was 99.9700% at epoch 50" in missed
    assert "at epoch 75 its figure was 99.9000% with 50.00% of all sums exactly right" in missed
