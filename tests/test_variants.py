"""One change to the blog's script: the output-activation option, a tiny variant study, and the
report's section from made-up runs."""

import dataclasses
import json
import re

import fakes
import numpy as np
import pytest
from fakes import figures_of

from lstm_adder import data, variants
from lstm_adder.blog import BLOG_FIGURE
from lstm_adder.report import answer as report_answer
from lstm_adder.report import findings, markdown_variants, one_change, phrases
from lstm_adder.study.ledger import load_done
from lstm_adder.study.plan import Kind, Plan

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
    runs = load_done(str(tmp_path / "study.json"))
    assert len(runs) == 1 + 2 * 2  # the blog's plain run, and two seeds of each variant
    for name in names:
        for seed in (1, 2):
            run = runs[f"variant-{name}-seed{seed}-2ep"]
            assert run.plan.kind is Kind.VARIANT
            assert run.plan.variant == name and run.plan.seed == seed == run.config.seed
            change = variants.BY_NAME[name].change
            assert {key: getattr(run.config, key) for key in change} == change
            assert run.config.epochs == 2 and run.config.bits == 4
            assert len(run.loss_per_epoch) == 2
            assert "exact_sum_accuracy" in run.figures and "sampling" in run.figures
    report = (tmp_path / "STUDY.md").read_text()
    assert "## One change to the blog's script" in report
    for name in names:
        label = re.escape(variants.BY_NAME[name].label)
        assert re.search(rf"\| {label} \| [\d,]+ \| \d+% \| 2 \| ", report)  # steps, seen, runs
    assert (tmp_path / "variants.png").read_bytes()[:4] == b"\x89PNG"


def made_up_run(figure, chance, exact, minutes, variant=None, seed=1, data_size=10_000, batch=None):
    figures = figures_of(
        1 - figure / 100,
        exhaustive_mse=1 - figure / 100,
        exact_sum_accuracy=exact,
        unseen_exact_sum_accuracy=exact - 0.01,
        seen_pairs=round(0.14 * 65_536) if data_size == 10_000 else round(0.63 * 65_536),
        sampling={"probability_reaching_blog_figure": chance},
    )
    config = {"data_size": data_size, **({"batch_size": batch} if batch else {})}
    run = fakes.made_up_run(
        seed, figures=figures, variant=variant, config=config, train_seconds=60 * minutes
    )
    run.figures["blog_figure"] = figure  # as given, not from the MSE's rounding
    return run


def made_up_study(chances, planned=()):
    """Four plain runs of the blog's script, and runs of the learning-rate variant whose chances
    of a blog-style test are `chances` (the first two reach the figure)."""
    runs = {f"plain{seed}": made_up_run(99.0, 0.0, 0.9, 2.0, seed=seed) for seed in range(4)}
    for seed, chance in enumerate(chances):
        figure = BLOG_FIGURE + 0.001 if seed < 2 else 99.9
        runs[f"lr{seed}"] = made_up_run(
            figure, chance, 0.99 - seed / 100, 3.0 + seed, "learning-rate-0.003", seed
        )
    return findings.findings(runs, list(planned), "study.py --report")


def bootstrap_by_hand(values, resamples=20_000):
    """A percentile bootstrap of the mean written out with numpy, to check scipy's by."""
    draws = np.random.default_rng(1).choice(values, size=(resamples, len(values)))
    return np.percentile(draws.mean(axis=1), [2.5, 97.5])


def test_the_variants_figures_are_what_a_computation_by_hand_gives():
    found = made_up_study([0.4, 0.3, 0.1, 0.0])
    blogs, row = found.variants
    assert blogs.name is None and blogs.n == 4 and blogs.reached == 0
    assert row.name == "learning-rate-0.003" and (row.n, row.reached) == (4, 2)
    # Clopper-Pearson for 2 of 4: the beta quantiles B(0.025; 2, 3) and B(0.975; 3, 2).
    assert (row.low, row.high) == pytest.approx((0.0676, 0.9324), abs=1e-4)
    assert row.mean_chance == pytest.approx((0.4 + 0.3 + 0.1 + 0.0) / 4)
    low, high = bootstrap_by_hand([0.4, 0.3, 0.1, 0.0])
    assert row.chance_low == pytest.approx(low, abs=0.02)
    assert row.chance_high == pytest.approx(high, abs=0.02)
    assert row.exact == pytest.approx((98 + 97) / 2)  # median of 99, 98, 97 and 96
    assert row.unseen_exact == pytest.approx((97 + 96) / 2)
    # MSE = 1 - figure / 100: two runs just above the blog's figure, two at 99.9%.
    assert row.mse == pytest.approx((1 - (BLOG_FIGURE + 0.001) / 100 + 0.001) / 2)
    assert row.steps == 79 and row.seen_share == pytest.approx(0.14, abs=1e-4)
    assert row.minutes == pytest.approx(4.5)  # median of 3, 4, 5 and 6
    assert found.nearest is row
    section = "\n".join(markdown_variants.variants_section(found))
    interval = f"({100 * row.chance_low:.2f}% to {100 * row.chance_high:.2f}%)"
    assert (
        f"| {row.label} | 79 | 14% | 4 | 2 | 6.8% to 93.2% | 20.00% {interval} | 97.50% | "
        "96.50% | 0.00055 | 4.5 |"
    ) in section
    assert "No single change here makes the figure likely at 100 epochs" in section
    for language in ("en", "zh-CN"):
        line = report_answer.answer(found, language).splitlines()[-1]
        assert "20.00%" in line and "97.50%" in line and "0.00055" in line
    assert "the one single change tried so far does not make" in report_answer.answer(found)


def test_near_even_chances_with_a_wide_interval_are_not_called_likely():
    even = made_up_study([0.9, 0.1, 0.9, 0.1])
    assert even.nearest.mean_chance == pytest.approx(0.5)
    assert even.nearest.chance_low < 0.5 < even.nearest.chance_high
    assert not even.nearest.likely
    english, chinese = report_answer.answer(even), report_answer.answer(even, "zh-CN")
    assert "makes the figure likely" not in english and "does not make the figure likely" in english
    assert "不能让" in chinese and "就能让" not in chinese and "大概率" not in chinese
    assert "No single change here makes" in markdown_variants.variants_sentence(even)
    likely = made_up_study([0.9, 0.8, 0.6, 0.5])
    assert likely.nearest.chance_low > 0.5 and likely.nearest.likely
    assert "learning rate 0.003 makes the figure likely at 100 epochs" in report_answer.answer(
        likely
    )
    assert "学习率 0.003，就能让" in report_answer.answer(likely, "zh-CN")
    assert "**learning rate 0.003** makes the figure likely" in markdown_variants.variants_sentence(
        likely
    )


def test_an_unfinished_variant_shows_its_count_and_has_no_figures():
    planned = [
        Plan(f"{name}-{seed}", Kind.VARIANT, "keras2_hard_sigmoid", seed, 100, variant=name)
        for name in ("learning-rate-0.003", "data-size-100000")
        for seed in range(1, 11)
    ]
    found = made_up_study([0.4, 0.3, 0.1], planned)
    names = [row.name for row in found.variants]
    assert names == [None, "learning-rate-0.003", "data-size-100000"]
    section = "\n".join(markdown_variants.variants_section(found))
    assert "| learning rate 0.003 | 79 | 14% | 3 of 10 so far | 2 | " in section
    label = variants.BY_NAME["data-size-100000"].label
    assert f"| {label} | - | - | 0 of 10 so far | - | - | - | - | - | - | - |" in section


def cell(name, n, low, high):
    unrun = one_change.variant_row(None, [], None)
    return dataclasses.replace(unrun, name=name, n=n, chance_low=low, chance_high=high)


@pytest.mark.parametrize(
    "intervals, pointer",
    [
        # blog, more steps, more pairs, both: (low, high) of the mean chance
        ([(0, 0), (0.6, 0.9), (0, 0.1), (0.7, 0.95)], one_change.Pointer.STEPS),
        ([(0, 0), (0, 0.1), (0.6, 0.9), (0.7, 0.95)], one_change.Pointer.PAIRS),
        ([(0, 0), (0.2, 0.3), (0.2, 0.3), (0.7, 0.95)], one_change.Pointer.BOTH),
        ([(0, 0), (0, 0), (0, 0), (0.36, 0.9)], one_change.Pointer.TOGETHER),
        ([(0, 0.4), (0, 0.5), (0.1, 0.6), (0.3, 0.9)], one_change.Pointer.UNCLEAR),
    ],
)
def test_the_two_by_two_points_to_what_its_intervals_separate(intervals, pointer):
    names = list(variants.STEPS_AND_PAIRS.values())
    rows = [cell(name, 10, low, high) for name, (low, high) in zip(names, intervals, strict=True)]
    table = one_change.steps_and_pairs(rows)
    assert table.pointer is pointer
    assert table.cell(True, True).name == "data-size-65536"
    rows[2] = cell(names[2], 1, 0, 0)  # one finished run in a cell: too few to say
    assert one_change.steps_and_pairs(rows).pointer is one_change.Pointer.INCOMPLETE
    assert one_change.steps_and_pairs(rows[:3]).pointer is one_change.Pointer.INCOMPLETE


def test_the_two_by_two_table_and_its_sentence_from_made_up_runs():
    runs = {f"plain{seed}": made_up_run(99.0, 0.0, 0.88, 2.0, seed=seed) for seed in range(3)}
    cells = {
        "batch-size-20": dict(chance=0.0, exact=0.99, batch=20),
        "data-size-65536-batch-size-830": dict(chance=0.0, exact=0.94, data_size=65_536, batch=830),
        "data-size-65536": dict(chance=0.65, exact=0.9999, data_size=65_536),
    }
    for name, made in cells.items():
        for seed in range(3):
            chance = made["chance"] + seed / 100
            figure = BLOG_FIGURE + 0.001 if chance else 99.0
            runs[f"{name}{seed}"] = made_up_run(
                figure,
                chance,
                made["exact"],
                10.0,
                name,
                seed,
                made.get("data_size", 10_000),
                made.get("batch"),
            )
    found = findings.findings(runs, [], "study.py --report")
    table = found.steps_and_pairs
    assert table.pointer is one_change.Pointer.TOGETHER
    assert [table.cell(*key).steps for key in variants.STEPS_AND_PAIRS] == [79, 500, 79, 512]
    both = table.cell(True, True)
    assert both.mean_chance == pytest.approx(0.66) and both.reached == 3
    section = "\n".join(markdown_variants.steps_and_pairs_section(found))
    assert "| **more steps an epoch** | **batch size 20" in section
    assert "mean chance: 66.00% (65.00% to 67.00%)" in section
    english = phrases.steps_and_pairs_sentence(table)
    assert english.startswith("Steps an epoch or pairs seen? Neither alone")
    assert "512 steps an epoch over 63% of the pairs, a mean chance of 66.00%" in english
    assert "99.99% of sums right over 3 runs" in english
    chinese = phrases.steps_and_pairs_sentence(table, "zh-CN")
    assert "单靠哪一个都不够" in chinese and "每轮 500 步" in chinese and "99.00%" in chinese
