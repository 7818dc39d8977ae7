"""bench.py's arithmetic: the FLOP count its GFLOP/s figures divide by, and its speed-ups."""
import statistics

import bench


def test_an_epochs_flop_count_is_the_documented_formula():
    samples, steps, units = 10_000, 16, 256
    forward = steps * 2 * 4 * units * (1 + units) + 2 * units * 9  # LSTM gates, then Dense
    assert bench.epoch_flop(samples) == 3 * samples * forward  # backward is twice forward
    assert round(bench.epoch_flop(samples) / 1e9, 1) == 252.8  # the figure bench.py's text gives
    # 4-bit operands: 8 steps and 5 outputs
    assert bench.epoch_flop(samples, bits=4) == 3 * samples * (8 * 8 * units * (1 + units)
                                                                + 2 * units * 5)


def test_the_speed_ups_are_medians_of_per_round_ratios():
    blog, project = [3.0, 2.0, 9.0], [1.5, 2.0, 3.0]
    assert bench.paired_ratios(blog, project) == [2.0, 1.0, 3.0]
    # The median of the per-round ratios (2.0), not the ratio of the medians (3.0 / 2.0).
    assert statistics.median(bench.paired_ratios(blog, project)) == 2.0
    assert statistics.median(blog) / statistics.median(project) == 1.5
