"""Evaluation beyond the blog: known answers, a plain numpy forward pass, every pair, --json."""

import json

import numpy as np
import pytest

from lstm_adder import blog, data, model, model_file, scoring

from conftest import run_script


def numpy_forward(weights, X, recurrent_activation):
    """The LSTM -> Dense(relu) forward pass in plain numpy (Keras's gate order: i, f, c, o)."""
    kernel, recurrent, bias, dense_kernel, dense_bias = (w.astype(np.float64) for w in weights)
    units = recurrent.shape[0]
    h = np.zeros((len(X), units))
    c = np.zeros((len(X), units))
    for step in range(X.shape[1]):
        z = X[:, step, :] @ kernel + h @ recurrent + bias
        i, f, g, o = (z[:, k * units : (k + 1) * units] for k in range(4))
        i, f, o = (recurrent_activation(v) for v in (i, f, o))
        c = f * c + i * np.tanh(g)
        h = o * np.tanh(c)
    return np.maximum(h @ dense_kernel + dense_bias, 0)


def keras2_hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0, 1)


def test_predictions_equal_a_numpy_forward_pass(tiny_model):
    network, info = model_file.read(str(tiny_model))
    first, second = data.all_pairs(4)
    X, _ = data.encode_pairs(first, second, 4)
    expected = numpy_forward(network.weights, X.astype(np.float64), keras2_hard_sigmoid)
    outputs = scoring.predict(network, first, second, 4)
    assert np.abs(outputs - expected).max() < 1e-5
    ours, reference = (scoring.score(o, first, second, 4) for o in (outputs, expected))
    assert ours["sums_right"] == reference["sums_right"]
    assert ours["bits_right"] == reference["bits_right"]
    assert ours["mse"] == pytest.approx(reference["mse"], abs=1e-7)


def test_known_answers_of_a_hand_set_model():
    # Dense kernel 0 and bias 0: every output is 0, so the network answers 0 for every pair.
    bits = 4
    net = model.build_model(bits)
    weights = net.get_weights()
    net.set_weights(weights[:3] + [np.zeros_like(weights[3]), np.zeros_like(weights[4])])
    first, second = data.all_pairs(bits)
    result, _, _ = scoring.evaluate(model.network_of(net), bits, first, second, seen_codes={0, 17})
    _, targets = data.encode_pairs(first, second, bits)
    assert result["sums_right"] == 1  # only 0 + 0
    assert result["exact_sum_accuracy"] == 1 / 256
    assert result["bits_right"] == int((targets == 0).sum())
    assert result["mse"] == pytest.approx(targets.mean(), abs=1e-12)
    assert result["blog_figure"] == pytest.approx((1 - targets.mean()) * 100)
    assert result["seen"]["pairs"] == 2 and result["seen"]["sums_right"] == 1
    assert result["unseen"]["pairs"] == 254 and result["unseen"]["sums_right"] == 0
    # Every true sum but 0 is answered wrong: 30 of the 31 values, the most common worst.
    spread = result["failures_by_sum"]
    assert spread["sum_values"] == 31 and spread["sum_values_with_failures"] == 30
    assert spread["worst"][0] == {"sum": 15, "wrong": 16, "pairs": 16}
    assert spread["share_on_worst"] == pytest.approx(sum(w["wrong"] for w in spread["worst"]) / 255)
    chains = {group["longest_carry_chain"]: group for group in result["by_carry_chain"]}
    assert sum(group["pairs"] for group in chains.values()) == 256
    assert chains[0]["exact_sum_accuracy"] == 1 / chains[0]["pairs"]
    # The top output (the final carry) is right whenever a + b < 16.
    assert result["per_position"][0] == {
        "place_value": 16,
        "accuracy": float(((first + second) < 16).mean()),
    }
    assert [e["right"] for e in result["examples"]][:2] == [False, False]


def test_figures_do_not_depend_on_batch_size_or_order(tiny_model):
    network, _ = model_file.read(str(tiny_model))
    first, second = data.all_pairs(4)
    whole = scoring.score(
        scoring.predict(network, first, second, 4, batch_size=4096), first, second, 4
    )
    order = np.random.RandomState(0).permutation(len(first))
    shuffled = scoring.score(
        scoring.predict(network, first[order], second[order], 4, batch_size=7),
        first[order],
        second[order],
        4,
    )
    for key in ("pairs", "sums_right", "bits_right"):
        assert shuffled[key] == whole[key]
    assert shuffled["mse"] == pytest.approx(whole["mse"], abs=1e-7)  # float32 rounding only


def test_exhaustive_json_with_seen_and_unseen(tiny_model):
    result = run_script("evaluate.py", "--model", tiny_model, "--exhaustive", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)  # stdout is the JSON object and nothing else
    assert figures["pairs"] == 256
    record = json.loads(tiny_model.with_suffix(".json").read_text())
    distinct = set(zip(record["data"]["first_operand"], record["data"]["second_operand"]))
    assert figures["seen"]["pairs"] == len(distinct)
    assert figures["seen"]["pairs"] + figures["unseen"]["pairs"] == 256
    assert figures["seen"]["sums_right"] + figures["unseen"]["sums_right"] == figures["sums_right"]
    assert len(figures["per_position"]) == 5
    assert figures["blog_figure_reported"] == 99.98892793562263
    assert figures["blog_figure"] == pytest.approx((1 - figures["mse"]) * 100)


def test_exhaustive_report_for_people(tiny_model):
    result = run_script("evaluate.py", "--model", tiny_model, "--exhaustive")
    assert result.returncode == 0, result.stderr
    assert "all 256 pairs" in result.stdout and "never seen" in result.stdout
    assert "longest chain of carries" in result.stdout
    assert "✓" in result.stdout or "✗" in result.stdout


def test_without_a_record_the_split_is_explained(tmp_path, tiny_model):
    lone = tmp_path / "lone.h5"
    lone.write_bytes(tiny_model.read_bytes())
    result = run_script("evaluate.py", "--model", lone, "--exhaustive")
    assert result.returncode == 0, result.stderr
    assert "seen/unseen split not available: no run record" in result.stdout


def test_a_record_of_another_model_is_not_believed(tmp_path, tiny_model):
    other = tmp_path / "other.h5"
    other.write_bytes(tiny_model.read_bytes() + b"")
    model.build_model(4).save(other)
    other.with_suffix(".json").write_bytes(tiny_model.with_suffix(".json").read_bytes())
    result = run_script("evaluate.py", "--model", other, "--json")
    assert "belongs to another model file" in json.loads(result.stdout)["split_note"]


def test_add_shows_the_bits(tiny_model):
    result = run_script("evaluate.py", "--model", tiny_model, "--add", 7, 9)
    assert result.returncode == 0, result.stderr
    assert "input bits     0111 1001" in result.stdout
    assert "true bits      10000" in result.stdout
    assert "network sum" in result.stdout
    one = json.loads(
        run_script("evaluate.py", "--model", tiny_model, "--add", 7, 9, "--json").stdout
    )["addition"]
    assert one["true_sum"] == 16 and len(one["raw_outputs"]) == 5
    assert one["right"] == (one["network_sum"] == 16)


def test_exhaustive_refuses_more_than_8_bits(tmp_path):
    path = tmp_path / "nine.h5"
    model.build_model(9).save(path)
    result = run_script("evaluate.py", "--model", path, "--exhaustive")
    assert result.returncode == 2
    assert "up to 8-bit operands" in result.stderr and "Traceback" not in result.stderr
    sampled = run_script("evaluate.py", "--model", path, "--samples", 20)
    assert sampled.returncode == 0, sampled.stderr
    assert "9-bit operands" in sampled.stdout


def test_sampling_distribution_of_known_errors():
    # Every pair equally wrong: every draw reports the same figure.
    same = scoring.sampling_distribution(np.full(256, 0.01), draws=1000)
    assert same["p5"] == pytest.approx(99.0) and same["p95"] == pytest.approx(99.0)
    assert same["probability_reaching_blog_figure"] == 0.0
    # Half the pairs perfect, half at twice the blog's MSE: the mean of a draw is the blog's MSE
    # on average, so about half of the draws reach its figure, and the median is its figure.
    split = np.repeat([0.0, 2 * blog.BLOG_MSE], 32768)
    spread = scoring.sampling_distribution(split)
    assert spread["draws"] == 100_000 and spread["samples"] == 1000
    assert 0.45 < spread["probability_reaching_blog_figure"] < 0.55
    assert spread["p50"] == pytest.approx(blog.BLOG_FIGURE, abs=1e-4)
    # The binomial spread of that mean: sd = 2*MSE * sqrt(0.25 / 1000), 1.645 sd to the 5th.
    sd = 100 * 2 * blog.BLOG_MSE * np.sqrt(0.25 / 1000)
    assert spread["p95"] - spread["p5"] == pytest.approx(2 * 1.645 * sd, rel=0.05)
    assert spread == scoring.sampling_distribution(split)  # a fixed seed: the same numbers


def test_exhaustive_prints_the_sampling_distribution(tiny_model):
    result = run_script("evaluate.py", "--model", tiny_model, "--exhaustive", "--json")
    sampling = json.loads(result.stdout)["sampling"]
    assert sampling["draws"] == 100_000 and sampling["p5"] <= sampling["p50"] <= sampling["p95"]
    text = run_script("evaluate.py", "--model", tiny_model, "--exhaustive").stdout
    assert "4. Luck of the test sample" in text and f"{sampling['p50']:.4f}%" in text
    assert "100,000 draws" in text
    plain = run_script("evaluate.py", "--model", tiny_model, "--json").stdout
    assert "sampling" not in json.loads(plain)  # a sample alone cannot give it
