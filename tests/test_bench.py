"""bench.py's arithmetic: the FLOP count its GFLOP/s figures divide by, and its speed-ups."""

import json
import pathlib
import statistics

import bench

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_an_epochs_flop_count_is_the_documented_formula():
    samples, steps, units = 10_000, 16, 256
    forward = steps * 2 * 4 * units * (1 + units) + 2 * units * 9  # LSTM gates, then Dense
    assert bench.epoch_flop(samples) == 3 * samples * forward  # backward is twice forward
    assert round(bench.epoch_flop(samples) / 1e9, 1) == 252.8  # the figure bench.py's text gives
    # 4-bit operands: 8 steps and 5 outputs
    assert bench.epoch_flop(samples, bits=4) == 3 * samples * (
        8 * 8 * units * (1 + units) + 2 * units * 5
    )


def test_the_speed_ups_are_medians_of_per_round_ratios():
    blog, project = [3.0, 2.0, 9.0], [1.5, 2.0, 3.0]
    assert bench.paired_ratios(blog, project) == [2.0, 1.0, 3.0]
    # The median of the per-round ratios (2.0), not the ratio of the medians (3.0 / 2.0).
    assert statistics.median(bench.paired_ratios(blog, project)) == 2.0
    assert statistics.median(blog) / statistics.median(project) == 1.5


def test_bench_json_holds_what_was_measured(tmp_path, monkeypatch, capsys):
    # Every measured process replaced by one that reports set times, so that each figure of
    # bench.json can be checked by hand; the shape is the committed results/bench.json's.
    per_epoch = {"blog": [4.0, 8.0], "project": [2.0, 1.0], "project --engine keras": [5.0, 5.0]}
    rounds = {name: 0 for name in per_epoch}
    studies = []
    # On one core, Keras 2.2.4 beside the project's engine.
    one_core = {"project": [2.0, 2.0], "project --engine keras2.2.4": [6.0, 5.0]}
    one_core_rounds = {name: 0 for name in one_core}

    def fake_child(arguments, cores=None):
        if cores is not None:
            assert len(cores) == 1 and arguments[:2] == ["bench.py", "--child"]
            name = arguments[2]
            seconds = one_core[name][one_core_rounds[name]]
            one_core_rounds[name] += 1
            return 0.0, 0, json.dumps({"epoch_seconds": [99.0] + [seconds] * 2})
        if arguments[:2] == ["bench.py", "--child"] and arguments[2] in per_epoch:
            if "--save" in arguments:  # the blog's whole script: 3 epochs of 2 s
                return 10.0, 0, json.dumps({"epoch_seconds": [2.0, 2.0, 2.0]})
            name = arguments[2]
            seconds = per_epoch[name][rounds[name]]
            rounds[name] += 1
            return (
                0.0,
                2**20 * (100 + rounds[name]),
                json.dumps({"epoch_seconds": [99.0] + [seconds] * (int(arguments[-1]) - 1)}),
            )
        if arguments[0] == "train_lstm_adder.py":  # its record gives its training time
            folder = pathlib.Path(arguments[arguments.index("--output") + 1]).parent
            (folder / "project.json").write_text(json.dumps({"wall_seconds": 4.0}))
            return 5.0, 0, ""
        if arguments[:3] == ["bench.py", "--child", "gemm"]:
            return 0.0, 0, json.dumps({"numpy": 200.0, "jax": 100.0})
        if arguments == ["evaluate.py", "--exhaustive", "--json"]:
            return 3.0, 0, json.dumps({"predict_seconds": 1.5})
        if arguments[0] == "evaluate.py":
            return 0.5, 0, ""
        if arguments[0] == "study.py":
            workers = int(arguments[arguments.index("--workers") + 1])
            studies.append(workers)
            return 36.0 / workers, 0, ""
        raise AssertionError(f"bench.py ran something unexpected: {arguments}")

    monkeypatch.setattr(bench, "timed_child", fake_child)
    written = tmp_path / "bench.json"
    options = [
        "--runs",
        "2",
        "--epochs",
        "2",
        "--whole-epochs",
        "3",
        "--study-epochs",
        "1",
        "--json",
        str(written),
    ]
    assert bench.main(options) == 0
    report = json.loads(written.read_text())
    shipped = json.loads((ROOT / "results" / "bench.json").read_text())
    assert report.keys() == shipped.keys()
    assert report["command"] == "bench.py " + " ".join(options)

    blog, project = report["paths"]["blog"], report["paths"]["project"]
    assert blog.keys() == shipped["paths"]["blog"].keys()
    assert blog["epoch_seconds"] == [4.0, 4.0, 8.0, 8.0]  # the warm-up epoch left out
    assert blog["run_medians"] == [4.0, 8.0] and blog["median_epoch_seconds"] == 6.0
    assert blog["peak_rss_bytes"] == [101 * 2**20, 102 * 2**20]
    assert blog["samples_per_second"] == 10_000 / 6.0
    assert blog["gflop_per_second"] == bench.epoch_flop(10_000) / 6.0 / 1e9
    # The speed-up is the median of the rounds' ratios (2 and 8), not the medians' ratio (4).
    assert report["ratios"] == [2.0, 8.0] and report["speedup_median"] == 5.0
    assert project["median_epoch_seconds"] == 1.5
    assert report["whole_command_seconds"] == {"blog": [10.0, 10.0], "project": [5.0, 5.0]}
    assert report["whole_command_speedup_median"] == 2.0
    assert report["whole_command_seconds_not_training"] == {
        "blog": [4.0, 4.0],
        "project": [1.0, 1.0],
    }
    assert report["exhaustive_forward_seconds"] == 1.5
    assert report["evaluate_whole_command_seconds"]["--add 200 55"] == [0.5, 0.5]
    assert studies == [1, 2, 1, 2]  # alternating
    assert report["study_runs_an_hour"] == {"1": [200.0, 200.0], "2": [400.0, 400.0]}
    assert report["study_two_workers_over_one"] == [2.0, 2.0]
    keras224 = report["keras224"]
    assert keras224.keys() == shipped["keras224"].keys() and keras224["cores"] == 1
    assert (
        keras224["paths"]["project --engine keras2.2.4"]["epoch_seconds"] == [6.0] * 2 + [5.0] * 2
    )
    assert keras224["ratios"] == [3.0, 2.5] and keras224["keras224_over_project_median"] == 2.75
    # The summary printed is read from the same figures.
    printed = capsys.readouterr().out
    assert "per epoch, blog / project: 5.00x (median of per-run ratios 2.00, 8.00)" in printed
    assert "| project | 1.500 | 6,667 | 168.5 |" in printed


def test_bench_keras224_alone_rewrites_only_its_part_of_the_json(tmp_path, monkeypatch):
    def fake_child(arguments, cores=None):
        seconds = 4.0 if arguments[2].endswith("keras2.2.4") else 2.0
        return 0.0, 0, json.dumps({"epoch_seconds": [99.0, seconds, seconds]})

    monkeypatch.setattr(bench, "timed_child", fake_child)
    written = tmp_path / "bench.json"
    written.write_text(json.dumps({"paths": "the whole benchmark's", "keras224": "old"}))
    options = ["--keras224", "--runs", "1", "--epochs", "2", "--json", str(written)]
    assert bench.main(options) == 0
    report = json.loads(written.read_text())
    assert report["paths"] == "the whole benchmark's"
    assert report["keras224"]["keras224_over_project_median"] == 2.0
    assert report["keras224"]["command"] == "bench.py " + " ".join(options)
