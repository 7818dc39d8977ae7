"""One change to the blog's script: the output-activation option, a tiny variant study, and the
report's section from made-up runs."""

import json

import numpy as np
import pytest

from lstm_adder import data, findings, report_answer, report_markdown, variants
from lstm_adder.blog import BLOG_FIGURE
from lstm_adder.statistics import binomial_interval

import study
from conftest import TINY, run_script, tiny_study

pytestmark = pytest.mark.xdist_group("study")


def test_a_sigmoid_output_trains_saves_and_evaluates_as_keras_predicts(tmp_path):
    from lstm_adder.model import read_model_file

    path = tmp_path / "sigmoid.h5"
    result = run_script(
        "train_lstm_adder.py", *TINY, "--output-activation", "sigmoid", "--output", path
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(path.with_suffix(".json").read_text())
    assert record["config"]["output_activation"] == "sigmoid"
    result = run_script("evaluate.py", "--model", path, "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["output_activation"] == "sigmoid"
    # The same 1,000 pairs through Keras's own network, built from the file: the same figures.
    net, _ = read_model_file(str(path))
    assert net.layers[2].activation.__name__ == "sigmoid"
    first, second = data.draw_pairs(1000, 4, np.random.RandomState(0))
    X, Y = data.encode_pairs(first, second, 4)
    outputs = np.asarray(net.predict(X, verbose=0))
    assert 0 < outputs.min() and outputs.max() < 1  # a sigmoid's, not a relu's
    mse = float(np.mean((outputs - Y) ** 2))
    assert printed["blog_figure"] == pytest.approx((1 - mse) * 100, abs=1e-4)
    right = (data.outputs_to_bits(outputs) == Y).all(axis=1)
    assert printed["sums_right"] == int(right.sum())
    text = run_script("evaluate.py", "--model", path).stdout
    assert "output activation sigmoid)" in text.splitlines()[0]


def test_a_tiny_variant_plan_runs_end_to_end(tmp_path):
    names = ["sigmoid-output", "batch-size-32"]
    options = tiny_study(variant_seeds=2, variants=" ".join(names), results=tmp_path)
    assert study.main(options) == 0
    runs = json.loads((tmp_path / "study.json").read_text())["runs"]
    assert len(runs) == 1 + 2 * 2  # the blog's plain run, and two seeds of each variant
    for name in names:
        for seed in (1, 2):
            run = runs[f"variant-{name}-seed{seed}-2ep"]
            assert run["variant"] == name and run["seed"] == seed
            change = variants.BY_NAME[name].change
            assert {key: run["config"][key] for key in change} == change
            assert run["config"]["epochs"] == 2 and run["config"]["bits"] == 4
            assert len(run["loss_per_epoch"]) == 2
            assert "exact_sum_accuracy" in run["figures"] and "sampling" in run["figures"]
    report = (tmp_path / "STUDY.md").read_text()
    assert "## One change to the blog's script" in report
    for name in names:
        assert f"| {variants.BY_NAME[name].label} | 2 | " in report
    assert (tmp_path / "variants.png").read_bytes()[:4] == b"\x89PNG"


def made_up_run(figure, chance, exact, minutes, variant=None, seed=1):
    run = {
        "activation": "keras2_hard_sigmoid",
        "engine": "jax",
        "seed": seed,
        "epochs": 100,
        "every": 0,
        "bits": 8,
        "train_seconds": 60 * minutes,
        "figures": {
            "blog_figure": figure,
            "sampled_mse": 1 - figure / 100,
            "exhaustive_mse": 1 - figure / 100,
            "exact_sum_accuracy": exact,
            "unseen_exact_sum_accuracy": exact - 0.01,
            "sampling": {"probability_reaching_blog_figure": chance},
        },
    }
    return {**run, "variant": variant} if variant else run


def made_up_study(chances):
    """Four plain runs of the blog's script, and four runs of the learning-rate variant whose
    chances of a blog-style test are `chances` (the first two reach the figure)."""
    runs = {f"plain{seed}": made_up_run(99.0, 0.0, 0.9, 2.0, seed=seed) for seed in range(4)}
    for seed, chance in enumerate(chances):
        figure = BLOG_FIGURE + 0.001 if seed < 2 else 99.9
        runs[f"lr{seed}"] = made_up_run(
            figure, chance, 0.99 - seed / 100, 3.0 + seed, "learning-rate-0.003", seed
        )
    return findings.findings(runs, [], "study.py --report")


def test_the_variants_section_from_made_up_runs():
    found = made_up_study([0.4, 0.3, 0.1, 0.0])
    blogs, row = found.variants
    assert blogs["name"] is None and blogs["n"] == 4 and blogs["reached"] == 0
    assert row["name"] == "learning-rate-0.003" and (row["n"], row["reached"]) == (4, 2)
    assert (row["low"], row["high"]) == pytest.approx(binomial_interval(2, 4))
    assert row["mean_chance"] == pytest.approx(0.2)
    assert row["exact"] == pytest.approx(100 * np.median([0.99, 0.98, 0.97, 0.96]))
    assert row["minutes"] == pytest.approx(4.5)
    assert found.nearest is row
    section = "\n".join(report_markdown.variants_section(found))
    assert f"| {row['label']} | 4 | 2 | " in section and "| 20.00% |" in section
    assert "No single change here makes the figure likely at 100 epochs" in section
    answer = report_answer.answer(found)
    # The README's line: the figures of the nearest variant, in both languages.
    for language in ("en", "zh-CN"):
        line = report_answer.answer(found, language).splitlines()[-1]
        assert "20.00%" in line and "4" in line and "2" in line
    assert "none of the 1 single changes" in answer and "learning rate 0.003" in answer
    likely = made_up_study([0.9, 0.8, 0.6, 0.5])
    assert likely.nearest["mean_chance"] == pytest.approx(0.7)
    assert "makes the figure likely at 100 epochs" in report_answer.answer(likely)
    assert "学习率 0.003，就能让" in report_answer.answer(likely, "zh-CN")
