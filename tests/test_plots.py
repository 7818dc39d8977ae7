"""evaluate.py --plot: the map holds the printed counts, and the PNG is a real picture."""

import json
import struct

import numpy as np

from lstm_adder import data, model_file, plots, scoring
from lstm_adder.record import training_pairs

from conftest import run_script


def png_size(path):
    content = path.read_bytes()
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def test_the_grid_holds_the_printed_counts(tiny_model):
    network, _ = model_file.read(str(tiny_model))
    first, second = data.all_pairs(4)
    seen_codes = training_pairs(str(tiny_model))
    result, right, seen = scoring.evaluate(network, 4, first, second, seen_codes, exhaustive=True)
    outputs = scoring.predict(network, first, second, 4)
    assert np.array_equal(right, scoring.network_sums(outputs) == first + second)
    assert np.array_equal(seen, scoring.seen_in_training(first, second, 4, seen_codes))
    grid = plots.sum_grid(right, seen, first, second, 4)
    assert grid.shape == (16, 16) and grid.min() >= 0
    counts = np.bincount(grid.ravel(), minlength=4)
    assert counts[plots.RIGHT_SEEN] == result["seen"]["sums_right"]
    assert counts[plots.RIGHT_NEVER_SEEN] == result["unseen"]["sums_right"]
    assert counts[plots.RIGHT_SEEN] + counts[plots.WRONG_SEEN] == result["seen"]["pairs"]
    assert (
        counts[plots.RIGHT_NEVER_SEEN] + counts[plots.WRONG_NEVER_SEEN] == result["unseen"]["pairs"]
    )
    assert counts[plots.RIGHT_SEEN] + counts[plots.RIGHT_NEVER_SEEN] == result["sums_right"]
    # Row = second operand, column = first: the cell of 3 + 5 is the class of that pair.
    index = int(np.flatnonzero((first == 3) & (second == 5))[0])
    sum_of = data.bits_to_ints(data.outputs_to_bits(outputs[index : index + 1]))[0]
    assert (grid[5, 3] % 2 == 0) == (sum_of == 8)


def test_plot_implies_exhaustive_and_draws_a_png(tiny_model, tmp_path):
    picture = tmp_path / "sums.png"
    result = run_script("evaluate.py", "--model", tiny_model, "--plot", picture, "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["pairs"] == 256 and figures["plot"] == str(picture)
    assert png_size(picture) == (1400, 800)
    assert picture.stat().st_size > 20000


def test_shipped_model_picture_and_text(tmp_path):
    picture = tmp_path / "shipped.png"
    result = run_script("evaluate.py", "--plot", picture)
    assert result.returncode == 0, result.stderr
    assert "all 65,536 pairs" in result.stdout and f"Picture  {picture}" in result.stdout
    assert png_size(picture) == (1400, 800)


def test_without_a_record_right_and_wrong_only(tiny_model, tmp_path):
    alone = tmp_path / "alone.h5"
    alone.write_bytes(tiny_model.read_bytes())
    network, _ = model_file.read(str(alone))
    first, second = data.all_pairs(4)
    result, right, seen = scoring.evaluate(network, 4, first, second, None, exhaustive=True)
    assert seen is None
    grid = plots.sum_grid(right, np.zeros(len(first), dtype=bool), first, second, 4)
    assert set(np.unique(grid)) <= {plots.RIGHT_NEVER_SEEN, plots.WRONG_NEVER_SEEN}
    assert (grid == plots.RIGHT_NEVER_SEEN).sum() == result["sums_right"]
    run = run_script("evaluate.py", "--model", alone, "--plot", tmp_path / "alone.png")
    assert run.returncode == 0 and png_size(tmp_path / "alone.png") == (1400, 800)


def test_an_unwritable_plot_path_is_refused_before_evaluating(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    for path, message in (
        (blocker / "x.png", "cannot write there"),
        (tmp_path / "x.jpg", "must end in .png"),
        (tmp_path, "must end in .png"),
    ):
        result = run_script("evaluate.py", "--plot", path)
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr
        assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]
