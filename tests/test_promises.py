"""Promises of the README and docs/ that only a broken build would break: the verdict when the
figure is reached, the printed report against --json, a signal during the final renames, no
checkpoint of a state whose loss is not a number, and the study's defaults."""

import json
import os
import signal

import numpy as np
import pytest

from lstm_adder import blog, data, files, record, scoring
from lstm_adder.study import run as one_run
from lstm_adder.study.plan import planned_runs, run_config
from lstm_adder.study.runs import StopReason

import study
from conftest import TINY, run_script, tiny_study


def test_a_network_that_adds_perfectly_reaches_the_blogs_figure(monkeypatch):
    # Outputs equal to the true bits: MSE 0, the blog's figure 100%.
    monkeypatch.setattr(
        scoring,
        "predict",
        lambda network, first, second, bits, *rest: data.encode_pairs(first, second, bits)[
            1
        ].astype(np.float64),
    )
    result = run_script("evaluate.py", "--json")
    figures = json.loads(result.stdout)
    assert figures["blog_figure"] == 100.0 and figures["blog_figure_reached"] is True
    text = run_script("evaluate.py").stdout
    assert (
        "3. Verdict: the blog's figure was reached (100.000000% >= 99.98892793562263%); "
        "1,000 of 1,000 sums are right (100.00%)."
    ) in text


def test_the_printed_report_says_what_json_says():
    text = run_script("evaluate.py").stdout
    figures = json.loads(run_script("evaluate.py", "--json").stdout)
    assert not figures["blog_figure_reached"]

    def share(fraction):  # as the report right-aligns it
        return f"{100 * fraction:.2f}%".rjust(8)

    for line in (
        f"   this model  {figures['blog_figure']:.14f}%   (MSE {figures['mse']:.6g})",
        f"   the blog    {blog.BLOG_FIGURE:.14f}%   (MSE {blog.BLOG_MSE:.6g})",
        f"   exact-sum accuracy  {share(figures['exact_sum_accuracy'])}   "
        f"({figures['sums_right']:,} of {figures['pairs']:,} sums right, every bit)",
        f"   per-bit accuracy    {share(figures['per_bit_accuracy'])}   "
        f"({figures['bits_right']:,} of {figures['pairs'] * 9:,} bits)",
        f"   seen in training    {share(figures['seen']['exact_sum_accuracy'])}   "
        f"({figures['seen']['sums_right']:,} of {figures['seen']['pairs']:,} sums right; "
        f"blog's figure {figures['seen']['blog_figure']:.6f}%)",
        f"   never seen          {share(figures['unseen']['exact_sum_accuracy'])}   "
        f"({figures['unseen']['sums_right']:,} of {figures['unseen']['pairs']:,} sums "
        f"right; blog's figure {figures['unseen']['blog_figure']:.6f}%)",
        f"3. Verdict: the blog's figure was not reached ({figures['blog_figure']:.6f}% < "
        f"{blog.BLOG_FIGURE}%); {figures['sums_right']:,} of {figures['pairs']:,} sums are "
        f"right ({100 * figures['exact_sum_accuracy']:.2f}%).",
    ):
        assert line in text.splitlines(), line


def test_a_signal_during_the_renames_finds_both_files_saved(tmp_path, monkeypatch):
    # SIGTERM arrives during the first of the two renames: it is held back until both are done,
    # then taken: the model and its record are saved, and the exit status says it came.
    real_replace = os.replace
    sent = []

    def replace_with_a_signal(source, target):
        if not sent and str(target).startswith(str(tmp_path)):  # not JAX's cache, say
            sent.append(target)
            os.kill(os.getpid(), signal.SIGTERM)
        real_replace(source, target)

    monkeypatch.setattr(files.os, "replace", replace_with_a_signal)
    output = tmp_path / "model.h5"
    output.write_bytes(b"the previous model")
    result = run_script("train_lstm_adder.py", *TINY, "--output", output)
    monkeypatch.undo()
    assert sent and result.returncode == 128 + signal.SIGTERM, result.stderr
    assert result.stderr.strip() == (
        "train_lstm_adder.py: interrupted (SIGTERM) while saving, "
        "after both files were complete: they are saved"
    )
    saved = json.loads(output.with_suffix(".json").read_text())
    assert saved["model_sha256"] == record.sha256_of(output)
    assert sorted(os.listdir(tmp_path)) == ["model.h5", "model.json"]


@pytest.mark.parametrize("engine", ["jax", "keras"])
def test_no_checkpoint_of_a_loss_that_is_not_a_number(tmp_path, engine):
    output = tmp_path / "run.h5"
    result = run_script(
        "train_lstm_adder.py",
        *TINY,
        "--learning-rate",
        1e30,
        "--engine",
        engine,
        "--checkpoint-every",
        1,
        "--output",
        output,
    )
    assert result.returncode == 1
    assert "training stopped in epoch 1: the loss became" in result.stderr
    assert "nothing was saved" in result.stderr
    assert os.listdir(tmp_path) == []  # no model, no record, no checkpoint of that state


def test_one_worker_per_core_as_memory_allows(monkeypatch):
    cores = len(os.sched_getaffinity(0))
    monkeypatch.setattr(study, "available_memory", lambda: 64 * 2**30)
    assert study.default_workers() == cores
    monkeypatch.setattr(study, "available_memory", lambda: 3 * 2**30)
    assert study.default_workers() == 1  # about 2 GiB a worker


def test_the_stop_rule_stops_a_long_schedule_and_not_an_observed_one(tmp_path, monkeypatch):
    real_figures = one_run.evaluate_network

    def shows_the_figure_from_epoch_4(*args):
        result = real_figures(*args)
        if len(calls) >= 1:  # each schedule's second evaluation on
            result["sampling"]["probability_reaching_blog_figure"] = 0.6
        calls.append(1)
        return result

    options = tiny_study(
        long_epochs=8, observed_epochs=8, observed_schedules=1, cores_per_run=1, results=tmp_path
    )
    for run_id in (
        "keras2_hard_sigmoid-long-8ep-every2-seed1",
        "keras2_hard_sigmoid-observed-8ep-every2-seed2",
    ):
        calls = []
        monkeypatch.setattr(one_run, "evaluate_network", shows_the_figure_from_epoch_4)
        settings, _ = study.parse_args(options)
        plan = next(p for p in planned_runs(settings) if p.id == run_id)
        run = one_run.run_one(run_config(settings, plan), plan, run_id)
        epochs = [evaluation["epoch"] for evaluation in run.evaluations]
        if plan.stop_rule:
            assert epochs == [2, 4] and run.stopped_by is StopReason.STOP_RULE
        else:
            assert epochs == [2, 4, 6, 8] and run.stopped_by is StopReason.CAP
        assert len(run.loss_per_epoch) == epochs[-1]
