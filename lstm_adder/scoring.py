"""Scoring a network's outputs: the blog's figure and the accuracies a reader means.

One rule everywhere: an output is bit 1 when it is >= 0.5, and a sum is right when all its bits
are. evaluate.py prints these figures; the study records them at every evaluation. Nothing here
imports Keras: the outputs come from prefix_tree.py's numpy forward pass.
"""

import time
from typing import TypedDict

import numpy as np

from lstm_adder import data, prefix_tree
from lstm_adder.blog import BLOG_FIGURE, BLOG_SAMPLES
from lstm_adder.model_file import Network

EXHAUSTIVE_MAX_BITS = 8  # 2**16 pairs; 9 bits would already be 262,144
# How the blog's figure varies from one 1,000-pair test to the next is estimated by repeating
# that draw this many times, with this seed (sampling_distribution).
SAMPLING_DRAWS, SAMPLING_SEED = 100_000, 0
TEST_SEED = 0  # of the fresh pairs evaluate.py draws by default: the study's fixed sample


def predict(
    network: Network,
    first_operand: np.ndarray,
    second_operand: np.ndarray,
    bits: int,
    batch_size: int = prefix_tree.CHUNK_PAIRS,
) -> np.ndarray:
    """The raw outputs of `network` (model_file.Network: what a model file holds, or
    model.network_of a Keras network) for these pairs, shape (N, bits+1), float64.

    Computed over the tree of the pairs' distinct prefixes (prefix_tree.py): every state the
    LSTM passes through is computed once, however many pairs share it, so all 65,536 pairs
    cost an eighth of a plain pass, and a sample of any size no more than its distinct pairs.
    The outputs equal the model's own to float rounding.
    """
    return prefix_tree.outputs(network, first_operand, second_operand, bits, batch_size)


def score(
    outputs: np.ndarray, first_operand: np.ndarray, second_operand: np.ndarray, bits: int
) -> dict:
    """The blog's figure and the real accuracies of these outputs for these pairs."""
    _, targets = data.encode_pairs(first_operand, second_operand, bits)
    return scored(outputs, targets, data.outputs_to_bits(outputs) == targets)


def scored(outputs: np.ndarray, targets: np.ndarray, bits_right: np.ndarray) -> dict:
    """score() from the pairs' target bits and which output bits are right."""
    sums_right = bits_right.all(axis=1)
    # The blog's `model.evaluate` is Keras's mean of the per-sample MSE: the mean over all
    # outputs. Here it is taken in float64 over the float32 outputs.
    mse = float(np.mean((outputs - targets) ** 2)) if len(outputs) else float("nan")
    return {
        "pairs": int(len(outputs)),
        "mse": mse,
        "blog_figure": (1 - mse) * 100,
        "sums_right": int(sums_right.sum()),
        "exact_sum_accuracy": float(sums_right.mean()) if len(outputs) else float("nan"),
        "bits_right": int(bits_right.sum()),
        "per_bit_accuracy": float(bits_right.mean()) if len(outputs) else float("nan"),
    }


def per_position(bits_right: np.ndarray, bits: int) -> list[dict]:
    """Accuracy of each output bit, most significant (the final carry) first."""
    return [
        {"place_value": 2 ** (bits - index), "accuracy": float(bits_right[:, index].mean())}
        for index in range(bits + 1)
    ]


def network_sums(outputs: np.ndarray) -> np.ndarray:
    """The sums the network answers: its outputs read as bits (>= 0.5), decoded."""
    return data.bits_to_ints(data.outputs_to_bits(outputs))


def seen_in_training(
    first_operand: np.ndarray, second_operand: np.ndarray, bits: int, seen_codes: set[int]
) -> np.ndarray:
    """For each pair, whether the run record lists it among the training pairs."""
    codes = data.pair_codes(first_operand, second_operand, bits)
    return np.isin(codes, np.fromiter(seen_codes, dtype=np.int64))


def by_carry_chain(
    right: np.ndarray, first_operand: np.ndarray, second_operand: np.ndarray, bits: int
) -> list[dict]:
    """Exact-sum accuracy grouped by the longest run of carries in each addition (`right`: for
    each pair, whether its sum is right)."""
    chains = data.longest_carry_chain(first_operand, second_operand, bits)
    return [
        {
            "longest_carry_chain": int(length),
            "pairs": int((chains == length).sum()),
            "exact_sum_accuracy": float(right[chains == length].mean()),
        }
        for length in np.unique(chains)
    ]


def failures_by_sum(
    right: np.ndarray, first_operand: np.ndarray, second_operand: np.ndarray, worst: int = 20
) -> dict:
    """Where the wrong answers fall by the true sum: how many sum values have any, and the share
    of all failures on the `worst` values with most (the map's diagonal stripes)."""
    true_sums = np.asarray(first_operand) + np.asarray(second_operand)
    wrong = ~right
    failures = np.bincount(true_sums[wrong], minlength=int(true_sums.max()) + 1)
    pairs = np.bincount(true_sums, minlength=len(failures))
    order = np.argsort(-failures, kind="stable")[:worst]
    order = order[failures[order] > 0]
    return {
        "sum_values": int(np.count_nonzero(pairs)),
        "sum_values_with_failures": int(np.count_nonzero(failures)),
        "worst": [
            {"sum": int(value), "wrong": int(failures[value]), "pairs": int(pairs[value])}
            for value in order
        ],
        "share_on_worst": float(failures[order].sum() / max(1, wrong.sum())),
    }


def examples(
    outputs: np.ndarray,
    right: np.ndarray,
    first_operand: np.ndarray,
    second_operand: np.ndarray,
    count: int = 8,
) -> list[dict]:
    """A few sums as a reader checks them, failures first, spread over the evaluated pairs."""
    answers = network_sums(outputs)
    wrong_indices = np.flatnonzero(~right)
    right_indices = np.flatnonzero(right)
    chosen: list[int] = []
    for indices, room in ((wrong_indices, count // 2), (right_indices, count)):
        room = min(room, count - len(chosen), len(indices))
        if room > 0:
            chosen += indices[np.linspace(0, len(indices) - 1, room).round().astype(int)].tolist()
    return [
        {
            "first_operand": int(first_operand[i]),
            "second_operand": int(second_operand[i]),
            "network_sum": int(answers[i]),
            "true_sum": int(first_operand[i] + second_operand[i]),
            "right": bool(right[i]),
        }
        for i in chosen
    ]


class Sampling(TypedDict):
    """How the blog's figure varies over random blog-style tests (sampling_distribution)."""

    samples: int  # pairs a test draws
    draws: int  # tests drawn
    seed: int
    method: str
    p5: float  # percentiles of the blog's figure over the tests, in percent
    p50: float
    p95: float
    draws_reaching_blog_figure: int
    probability_reaching_blog_figure: float  # a fraction of 1


def sampling_distribution(
    squared_errors: np.ndarray,
    samples: int = BLOG_SAMPLES,
    draws: int = SAMPLING_DRAWS,
    seed: int = SAMPLING_SEED,
) -> Sampling:
    """How the blog's figure varies with the blog's random test pairs, for one network.

    `squared_errors` holds every possible pair's squared error averaged over its output bits
    (its share of the blog's MSE). The blog draws `samples` pairs uniformly with replacement
    and reports (1 - their mean) * 100; this repeats that draw `draws` times (Monte Carlo, a
    fixed seed) and returns the 5th, 50th and 95th percentiles of the figure and the share of
    draws reaching the blog's.
    """
    squared_errors = np.asarray(squared_errors, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = np.empty(draws)
    chunk = max(1, 2_000_000 // samples)  # about 16 MB of indices at a time
    for start in range(0, draws, chunk):
        count = min(chunk, draws - start)
        picks = rng.integers(0, len(squared_errors), size=(count, samples))
        means[start : start + count] = squared_errors[picks].mean(axis=1)
    figures = (1 - means) * 100
    p5, p50, p95 = np.percentile(figures, [5, 50, 95])
    reaching = int(np.count_nonzero(figures >= BLOG_FIGURE))
    return {
        "samples": samples,
        "draws": draws,
        "seed": seed,
        "method": f"Monte Carlo: {draws:,} draws of {samples:,} pairs with replacement",
        "p5": float(p5),
        "p50": float(p50),
        "p95": float(p95),
        "draws_reaching_blog_figure": reaching,
        "probability_reaching_blog_figure": reaching / draws,
    }


def evaluate(
    network: Network,
    bits: int,
    first_operand: np.ndarray,
    second_operand: np.ndarray,
    seen_codes: set[int] | None,
    batch_size: int = prefix_tree.CHUNK_PAIRS,
    exhaustive: bool = False,
    draws: int = SAMPLING_DRAWS,
) -> tuple[dict, np.ndarray, np.ndarray | None]:
    """Every figure for these pairs, as one dict (what --json prints); for each pair, whether
    its sum is right, and whether it was seen in training (None if unknown), for the picture.
    `exhaustive`: the pairs are every pair, so the spread of the blog's figure over its random
    draws (`draws` of them) can be computed. The outputs are read against their targets once,
    here."""
    started = time.perf_counter()
    outputs = predict(network, first_operand, second_operand, bits, batch_size)
    seconds = time.perf_counter() - started
    _, targets = data.encode_pairs(first_operand, second_operand, bits)
    bits_right = data.outputs_to_bits(outputs) == targets
    right = bits_right.all(axis=1)
    result = scored(outputs, targets, bits_right)
    result["predict_seconds"] = seconds
    if exhaustive:
        result["sampling"] = sampling_distribution(
            np.mean((outputs - targets) ** 2, axis=1), draws=draws
        )
    seen = None
    if seen_codes is not None:
        seen = seen_in_training(first_operand, second_operand, bits, seen_codes)
        result["seen"] = scored(outputs[seen], targets[seen], bits_right[seen])
        result["unseen"] = scored(outputs[~seen], targets[~seen], bits_right[~seen])
    result["per_position"] = per_position(bits_right, bits)
    result["by_carry_chain"] = by_carry_chain(right, first_operand, second_operand, bits)
    result["failures_by_sum"] = failures_by_sum(right, first_operand, second_operand)
    result["examples"] = examples(outputs, right, first_operand, second_operand)
    return result, right, seen


def add_one(network: Network, bits: int, first: int, second: int) -> dict:
    """How the network adds one pair: its input bits, raw outputs, bits and decoded sum."""
    operands = np.array([first]), np.array([second])
    X, Y = data.encode_pairs(*operands, bits)
    outputs = predict(network, *operands, bits)[0]
    answer_bits = data.outputs_to_bits(outputs[None])[0]
    answer = int(data.bits_to_ints(answer_bits[None])[0])
    return {
        "first_operand": first,
        "second_operand": second,
        "input_bits": X[0, :, 0].astype(int).tolist(),
        "raw_outputs": outputs.tolist(),
        "network_bits": answer_bits.tolist(),
        "true_bits": Y[0].astype(int).tolist(),
        "network_sum": answer,
        "true_sum": first + second,
        "right": answer == first + second,
    }
