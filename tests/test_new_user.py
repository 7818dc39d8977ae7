"""What a new user meets first: the documents' Python snippets run as shown, the messages of a
first try say what to do, and training and evaluation run where Linux-only calls are missing."""

import glob
import os
import re
import subprocess
import sys

import pytest

from lstm_adder import training
from lstm_adder.cli import command_line

from conftest import ROOT, TINY, run_script

DOCUMENTS = ["README.md", "README.zh-CN.md", *sorted(glob.glob(f"{ROOT}/docs/*.md"))]


def python_snippets():
    found = []
    for path in DOCUMENTS:
        with open(os.path.join(ROOT, path), encoding="utf-8") as file:
            for number, snippet in enumerate(
                re.findall(r"```python\n(.*?)```", file.read(), re.DOTALL), 1
            ):
                found.append(pytest.param(snippet, id=f"{os.path.basename(path)}-{number}"))
    return found


@pytest.mark.parametrize("snippet", python_snippets())
def test_every_python_snippet_runs_as_shown(snippet, tmp_path):
    if "dask_jobqueue" in snippet:
        pytest.skip("dask-jobqueue needs a Slurm or PBS cluster, and is not installed here")
    # From another folder, the snippet's placeholder for the repository is this checkout.
    code = snippet.replace("/path/to/lstm-adder", ROOT)
    folder = tmp_path if "sys.path.insert" in code else ROOT
    environment = {key: value for key, value in os.environ.items() if key != "KERAS_BACKEND"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=240,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # no TensorFlow start-up lines
    if "200" in snippet and "55" in snippet:
        assert result.stdout.strip() == "[255]"


def test_evaluating_a_model_that_is_not_there_says_what_to_do(tmp_path):
    result = run_script("evaluate.py", "--model", tmp_path / "LSTM_Operation.h5")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"no such file ({tmp_path / 'LSTM_Operation.h5'})" in result.stderr
    # The project's own Python and training command, ready to copy: not a bare `python`, nor a
    # make target the README never names.
    assert f"train one first ({command_line('train_lstm_adder.py')})" in result.stderr
    assert "make train" not in result.stderr and "models/LSTM_Operation.h5" in result.stderr


def test_evaluating_the_run_record_names_its_model():
    result = run_script("evaluate.py", "--model", "models/LSTM_Operation.json")
    assert result.returncode == 2
    assert result.stderr == (
        "evaluate.py: error: models/LSTM_Operation.json: is a run record "
        "(JSON), not a model file: it belongs to models/LSTM_Operation.h5\n"
    )


def test_one_addition_names_the_model_that_answered():
    result = run_script("evaluate.py", "--add", 200, 55)
    assert result.returncode == 0
    assert result.stdout.startswith("Model    models/LSTM_Operation.h5  (8-bit operands)\n")


def test_training_prints_the_evaluate_command_with_its_own_python(tmp_path):
    output = tmp_path / "tiny.h5"
    result = run_script("train_lstm_adder.py", *TINY, "--output", output)
    assert result.returncode == 0, result.stderr
    evaluate_it = command_line("evaluate.py", "--model", output)
    assert f"evaluate it with: {evaluate_it}" in result.stdout
    assert evaluate_it.split()[0] in (
        sys.executable,
        os.path.relpath(sys.executable, ROOT),
    )


def test_ctrl_c_before_anything_was_saved_leaves_no_folder_and_says_how_to_keep_a_run(
    tmp_path, monkeypatch
):
    def interrupted(*args, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "train_network", interrupted)
    output = tmp_path / "new" / "deeper" / "fresh.h5"
    result = run_script("train_lstm_adder.py", *TINY, "--output", output)
    assert result.returncode == 130
    line = result.stderr.strip()
    assert line == (
        f"train_lstm_adder.py: interrupted (SIGINT); nothing was saved (there is no "
        f"{output}); --checkpoint-every K saves the training state every K epochs, "
        "and --resume goes on from it"
    )
    assert os.listdir(tmp_path) == []  # the folders made for the output are gone again


def test_training_and_evaluation_run_without_the_linux_only_calls(tmp_path):
    # Elsewhere (Windows, macOS) there is no sched_*affinity, no pthread_sigmask and no
    # SIGPIPE; the study's process pinning and death signal are Linux-only too.
    code = f"""
import os, signal, sys
for module, names in ((os, ("sched_getaffinity", "sched_setaffinity")),
                      (signal, ("pthread_sigmask", "sigpending", "sigtimedwait", "SIGPIPE"))):
    for name in names:
        if hasattr(module, name):
            delattr(module, name)
sys.path.insert(0, {ROOT!r})
import evaluate, study, train_lstm_adder
output = {str(tmp_path / "tiny.h5")!r}
assert train_lstm_adder.main({[str(option) for option in TINY]!r} + ["--output", output]) == 0
assert evaluate.main(["--model", output, "--exhaustive"]) == 0
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stderr
    assert "Saved" in result.stdout and "exact-sum accuracy" in result.stdout


def test_plot_says_it_evaluates_every_pair(tiny_model, tmp_path):
    result = run_script("evaluate.py", "--model", tiny_model, "--plot", tmp_path / "sums.png")
    assert result.returncode == 0, result.stderr
    assert "Pairs    all 256 pairs of 4-bit operands (--plot draws every pair)" in result.stdout
    # Without --plot, --exhaustive says nothing of a picture.
    result = run_script("evaluate.py", "--model", tiny_model, "--exhaustive")
    assert "Pairs    all 256 pairs of 4-bit operands\n" in result.stdout


def test_the_report_lists_as_many_worst_sums_as_it_says(tiny_model):
    lines = run_script("evaluate.py", "--model", tiny_model, "--exhaustive").stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("Wrong sums by"))
    listed = re.search(r"the (\d+) worst of them:$", lines[index])
    assert listed, lines[index]
    assert len(lines[index + 1].split("wrong), ")) == int(listed.group(1))


def test_json_says_its_units_and_what_was_evaluated(tiny_model):
    import json

    sampled = json.loads(run_script("evaluate.py", "--model", tiny_model, "--json").stdout)
    assert (sampled["every_pair"], sampled["seed"]) == (False, 0)
    every = json.loads(
        run_script("evaluate.py", "--model", tiny_model, "--exhaustive", "--json").stdout
    )
    assert (every["every_pair"], every["seed"]) == (True, None)
    units = every["units"]
    assert units["blog_figure"].startswith("percent") and "fraction" in units["exact_sum_accuracy"]
    # The figures are in the units said: a fraction, and the blog's percentage.
    assert 0 <= every["exact_sum_accuracy"] <= 1 and 50 < every["blog_figure"] <= 100


# Machado, Oliveira and Fernandes (2009): how a deuteranope (no green cones, the commonest
# red-green colour blindness) sees a colour, as a matrix on linear RGB, at full severity.
DEUTERANOPIA = [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.011820, 0.042940, 0.968881],
]


def as_a_deuteranope_sees(colour):
    import numpy as np
    from matplotlib.colors import to_rgb

    srgb = np.array(to_rgb(colour))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(np.array(DEUTERANOPIA) @ linear, 0, 1)
    return np.where(seen <= 0.0031308, 12.92 * seen, 1.055 * seen ** (1 / 2.4) - 0.055)


def test_a_red_green_colour_blind_reader_tells_right_from_wrong_in_the_picture():
    import itertools

    import numpy as np

    from lstm_adder import plots

    seen = [as_a_deuteranope_sees(colour) for colour in plots.CLASS_COLOURS]
    # Every two classes stay at least a third of the RGB cube's side apart, as simulated.
    for a, b in itertools.combinations(range(4), 2):
        assert np.linalg.norm(seen[a] - seen[b]) > 0.35, (
            plots.CLASS_NAMES[a],
            plots.CLASS_NAMES[b],
        )
    # The check can fail: green and red, the old palette, do not stay apart.
    assert (
        np.linalg.norm(as_a_deuteranope_sees("#1a9850") - as_a_deuteranope_sees("#d73027")) < 0.35
    )


def test_the_per_bit_axis_shows_the_differences_and_the_legend_only_what_is_drawn(tmp_path):
    from lstm_adder import plots

    assert plots.bit_axis_bottom([99.8, 93.1, 100.0]) == 85
    assert plots.bit_axis_bottom([3.0, 50.0]) == 0
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    figure, axis = plt.subplots()
    grid = np.array([[0, 1], [2, 3]])
    plots.draw_sum_map(axis, grid, {"seen": {}}, None)
    labels = [text.get_text() for text in axis.get_legend().get_texts()]
    plt.close(figure)
    assert [label.split(":")[0] for label in labels] == list(plots.CLASS_NAMES)


def test_the_picture_tells_its_two_kinds_of_failure_apart():
    from matplotlib.colors import to_rgb

    from lstm_adder import plots

    def lightness(colour):
        return sum(to_rgb(colour)) / 3

    wrong_seen = plots.CLASS_COLOURS[plots.WRONG_SEEN]
    wrong_never_seen = plots.CLASS_COLOURS[plots.WRONG_NEVER_SEEN]
    assert abs(lightness(wrong_seen) - lightness(wrong_never_seen)) > 0.2
    title = plots.picture_title(
        {"exact_sum_accuracy": 0.5, "pairs": 256, "blog_figure": 90.0}, "m.h5", 99.99
    )
    first_line, blogs = title.splitlines()[0], title.splitlines()[-1]
    assert first_line == "m.h5: 50.00% of all 256 sums exactly right (every output bit)"
    assert (
        "(1 - MSE) x 100" in blogs and "the blog reported 99.9900% on 1,000 random pairs" in blogs
    )
