"""Evaluate a trained LSTM adder: the blog's figure the blog's way, and what it hides.

The blog draws 1,000 fresh pairs, calls `model.evaluate`, which returns the mean squared error,
and prints `(1 - MSE) * 100` as "accuracy" (it reports 99.98892793562263%). That number is not
the share of sums the network gets right. This script prints the blog's figure computed
exactly that way, then the accuracies a reader means, on the same samples:

  exact-sum accuracy  every output bit, read as 1 when the output is >= 0.5, is right
  per-bit accuracy    the share of single output bits that are right

    python evaluate.py                      # the shipped models/LSTM_Operation.h5, 1,000 samples
    python evaluate.py --model LSTM_Operation.h5    # what train_lstm_adder.py just saved
    python evaluate.py --exhaustive         # all 65,536 pairs, seen vs never seen in training
    python evaluate.py --add 200 55         # one sum, bit by bit
    python evaluate.py --exhaustive --json  # every figure as JSON, for scripts
    python evaluate.py --plot sums.png      # every sum as a picture (implies --exhaustive)

The model file (.h5 or .keras) is read by model_file.read into its arrays, which never runs
code stored in a file, and is evaluated in numpy: neither Keras nor TensorFlow is imported.
With --exhaustive it also prints how the blog's figure varies over the blog's kind of test
(1,000 random pairs), from the network's error on every pair.
"""

import argparse
import json
import os
import signal
import sys

import numpy as np

from lstm_adder import data, model_file, prefix_tree
from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE, BLOG_SAMPLES
from lstm_adder.cli import (
    HelpFormatter,
    command_line,
    positive_int,
    refuse_if_too_big,
    whole_number,
    writable_output,
)
from lstm_adder.config import BLOG
from lstm_adder.files import WriteError
from lstm_adder.record import TrainingPairsUnknown, training_pairs
from lstm_adder.scoring import EXHAUSTIVE_MAX_BITS, TEST_SEED, add_one, evaluate
from lstm_adder.wording import listed, percent

SHIPPED_MODEL = os.path.relpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "models", "LSTM_Operation.h5")
)


# ----------------------------------------------------------------------------------------------
# Options.


def make_parser():
    parser = argparse.ArgumentParser(
        description="Evaluate an LSTM adder: the blog's (1 - MSE) figure and the real accuracies.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--model",
        default=SHIPPED_MODEL,
        help="the model file (.h5 or .keras); by default the one the repository "
        "ships, from any folder",
    )
    # No default here, so that --exhaustive can tell them given from not (run() fills them in).
    parser.add_argument(
        "--samples",
        type=positive_int,
        default=argparse.SUPPRESS,
        help="fresh pairs drawn the blog's way (default: 1000, the blog's)",
    )
    parser.add_argument(
        "--seed",
        type=whole_number,
        default=argparse.SUPPRESS,
        help=f"seed of the fresh pairs (default: {TEST_SEED}; training's default seed is "
        f"{BLOG.seed})",
    )
    parser.add_argument(
        "--exhaustive",
        action="store_true",
        help=f"evaluate every pair of operands (up to {EXHAUSTIVE_MAX_BITS} bits)",
    )
    parser.add_argument(
        "--add",
        nargs=2,
        type=whole_number,
        metavar=("A", "B"),
        help="show how the network adds A and B, bit by bit",
    )
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        help="also draw every sum as a map, with the per-bit and carry-chain "
        "accuracies, into this PNG: it evaluates every pair, as --exhaustive does, and prints "
        "that report",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print every figure as one JSON object on stdout, and nothing else",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=prefix_tree.CHUNK_PAIRS,
        help="distinct pairs per forward pass (the figures do not depend on it)",
    )
    return parser


# ----------------------------------------------------------------------------------------------
# Printing for people.


def print_examples(result):
    width = max(len(str(e["true_sum"])) for e in result["examples"]) if result["examples"] else 1
    for example in result["examples"]:
        mark = "✓" if example["right"] else f"✗ the true sum is {example['true_sum']}"
        print(
            f"  {example['first_operand']:>{width}} + {example['second_operand']:>{width}} = "
            f"{example['network_sum']:>{width}}  {mark}"
        )


def print_report(info, model_path, description, result, split_note):
    print_pairs(info, model_path, description, result, split_note)
    print_figures(info, result)
    if "sampling" in result:
        print_sampling(result["sampling"])
    print()
    print_breakdown(info, result)


def print_pairs(info, model_path, description, result, split_note):
    """What was evaluated: the model and the pairs, seen in training or not."""
    print(
        f"Model    {model_path}  ({info['bits']}-bit operands, written by Keras "
        f"{info['keras_version']}, recurrent activation {info['recurrent_activation']}, "
        f"output activation {info['output_activation']})"
    )
    print(f"Pairs    {description}")
    if "seen" in result:
        print(
            f"         {result['seen']['pairs']:,} of them were seen in training, "
            f"{result['unseen']['pairs']:,} never seen"
        )
    else:
        print(f"         seen/unseen split not available: {split_note}")
    print(f"         forward pass: {result['predict_seconds']:.2f} s")
    print()


def print_figures(info, result):
    """1 to 3: the blog's figure the blog's way, what the network gets right, the verdict."""
    print("1. The blog's figure, computed the blog's way: (1 - MSE) * 100")
    print(f"   this model  {result['blog_figure']:.14f}%   (MSE {result['mse']:.6g})")
    print(f"   the blog    {BLOG_FIGURE:.14f}%   (MSE {BLOG_MSE:.6g})")
    print(f"   difference  {result['blog_figure'] - BLOG_FIGURE:+.6f} percentage points")
    print()
    print("2. That figure is not an accuracy: an output of 0.5 for every bit would score 75%.")
    print("   What the network gets right on the same pairs (a bit is 1 when its output >= 0.5):")
    print(
        f"   exact-sum accuracy  {percent(result['exact_sum_accuracy'], 2):>8}   "
        f"({result['sums_right']:,} of {result['pairs']:,} sums right, every bit)"
    )
    print(
        f"   per-bit accuracy    {percent(result['per_bit_accuracy'], 2):>8}   "
        f"({result['bits_right']:,} of {result['pairs'] * (info['bits'] + 1):,} bits)"
    )
    for group in ("seen", "unseen"):
        if group in result and result[group]["pairs"]:
            part = result[group]
            label = "seen in training" if group == "seen" else "never seen"
            print(
                f"   {label:<17}   {percent(part['exact_sum_accuracy'], 2):>8}   "
                f"({part['sums_right']:,} of {part['pairs']:,} sums right; blog's figure "
                f"{part['blog_figure']:.6f}%)"
            )
    print()
    reached = result["blog_figure"] >= BLOG_FIGURE
    print(
        f"3. Verdict: the blog's figure was {'' if reached else 'not '}reached "
        f"({result['blog_figure']:.6f}% {'>=' if reached else '<'} {BLOG_FIGURE}%); "
        f"{result['sums_right']:,} of {result['pairs']:,} sums are right "
        f"({percent(result['exact_sum_accuracy'], 2)})."
    )


def print_sampling(sampling):
    """4: how the blog's figure varies over tests like the blog's."""
    print()
    print(
        f"4. Luck of the test sample: the blog's figure over its own kind of test, "
        f"{sampling['samples']:,} random pairs"
    )
    print(
        f"   ({sampling['method']}, seed {sampling['seed']}, from this network's error "
        "on every pair)"
    )
    print(
        f"   5th / 50th / 95th percentile   {sampling['p5']:.4f}% / {sampling['p50']:.4f}% / "
        f"{sampling['p95']:.4f}%"
    )
    print(
        f"   chance that one such test shows at least {BLOG_FIGURE}%:  "
        f"{100 * sampling['probability_reaching_blog_figure']:.3f}%  "
        f"({sampling['draws_reaching_blog_figure']:,} of {sampling['draws']:,} draws)"
    )


def print_breakdown(info, result):
    """Where the failures are: by output bit, by carry chain, by the sum's value."""
    print(
        f"Each output bit, from the final carry (place value {2 ** info['bits']}) down to the 1s:"
    )
    print("   place value " + " ".join(f"{p['place_value']:>7}" for p in result["per_position"]))
    print(
        "   right       "
        + " ".join(f"{percent(p['accuracy'], 2):>7}" for p in result["per_position"])
    )
    print("Exact sums by the longest chain of carries in the addition:")
    for group in result["by_carry_chain"]:
        print(
            f"   chain {group['longest_carry_chain']:>2}   {group['pairs']:>6,} pairs   "
            f"{percent(group['exact_sum_accuracy'], 2):>8} right"
        )
    spread = result["failures_by_sum"]
    if spread["worst"]:
        print(
            f"Wrong sums by their true value: {spread['sum_values_with_failures']} of "
            f"{spread['sum_values']} values have any; the {len(spread['worst'])} worst hold "
            f"{percent(spread['share_on_worst'], 2)} of the "
            f"{result['pairs'] - result['sums_right']:,} failures; the "
            f"{min(5, len(spread['worst']))} worst of them:"
        )
        print(
            "   "
            + ", ".join(
                f"{w['sum']} ({w['wrong']} of {w['pairs']} wrong)" for w in spread["worst"][:5]
            )
        )
    print("Examples, the network's sums (failures first):")
    print_examples(result)


def print_addition(one):
    print(f"{one['first_operand']} + {one['second_operand']}")
    half = len(one["input_bits"]) // 2
    print(
        f"  input bits     {''.join(map(str, one['input_bits'][:half]))} "
        f"{''.join(map(str, one['input_bits'][half:]))}   (one per time step, MSB first)"
    )
    print("  raw outputs    " + " ".join(f"{value:.3f}" for value in one["raw_outputs"]))
    print(f"  network bits   {''.join(map(str, one['network_bits']))}   (output >= 0.5 is 1)")
    print(f"  true bits      {''.join(map(str, one['true_bits']))}")
    mark = "✓ right" if one["right"] else f"✗ wrong, the sum is {one['true_sum']}"
    print(f"  network sum    {one['network_sum']}   {mark}")


# ----------------------------------------------------------------------------------------------


def main(argv=None):
    if hasattr(signal, "SIGPIPE"):  # `python evaluate.py | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # SIGTERM ends the process at once by default; Ctrl-C too, with one line and no traceback
    # (an evaluation writes nothing, so there is nothing to keep).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run(argv)
    except KeyboardInterrupt:
        print("\nevaluate.py: interrupted (SIGINT); nothing was written", file=sys.stderr)
        return 128 + signal.SIGINT


def run(argv):
    parser, args = parse_args(argv)
    try:
        network, info = model_file.read(args.model)
    except model_file.ModelFileError as error:
        print(
            f"evaluate.py: error: {args.model}: {error}{missing_hint(args.model)}", file=sys.stderr
        )
        return 2
    if args.add is not None:
        return print_one_addition(parser, args, network, info["bits"])
    first_operand, second_operand, description = pairs_to_evaluate(parser, args, info["bits"])
    try:
        seen_codes, split_note = training_pairs(args.model), None
    except TrainingPairsUnknown as why:
        seen_codes, split_note = None, str(why)
    result, right, seen = evaluate(
        network,
        info["bits"],
        first_operand,
        second_operand,
        seen_codes,
        args.batch_size,
        exhaustive=args.exhaustive,
    )
    if args.plot is not None:
        from lstm_adder import plots

        seen = np.zeros(len(right), dtype=bool) if seen is None else seen
        grid = plots.sum_grid(right, seen, first_operand, second_operand, info["bits"])
        try:
            plots.draw_evaluation(args.plot, grid, result, args.model, split_note, BLOG_FIGURE)
        except WriteError as error:
            print(f"evaluate.py: error: {error}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(json_report(args, info, description, result, split_note)))
        return 0
    print_report(info, args.model, description, result, split_note)
    if args.plot is not None:
        print(
            f"Picture  {args.plot}  (every sum as a map, with the per-bit and carry-chain "
            "accuracies)"
        )
    return 0


def parse_args(argv):
    """The parser and the options, checked against each other (exit 2 with one line)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.add is not None:
        ignored = [
            option
            for option, given in (
                ("--plot", args.plot is not None),
                ("--exhaustive", args.exhaustive),
                ("--samples", hasattr(args, "samples")),
                ("--seed", hasattr(args, "seed")),
            )
            if given
        ]
        if ignored:
            parser.error(
                f"--add shows one sum and evaluates no set of pairs, so {listed(ignored)} "
                f"{'has' if len(ignored) == 1 else 'have'} nothing to do: use --add alone "
                "(with --model or --json), or drop it"
            )
    if args.plot is not None:
        if not args.plot.endswith(".png"):
            parser.error(f"--plot {args.plot!r}: the picture's file name must end in .png")
        writable_output(parser, "--plot", args.plot)
    # --plot draws every pair: where only the picture was asked for, the report says so.
    args.every_pair_for_plot = args.plot is not None and not args.exhaustive
    args.exhaustive = args.exhaustive or args.plot is not None
    if args.exhaustive and (hasattr(args, "samples") or hasattr(args, "seed")):
        parser.error(
            "--samples and --seed choose random pairs; --exhaustive (and --plot) "
            "evaluates every pair instead: use one or the other"
        )
    args.samples = getattr(args, "samples", BLOG_SAMPLES)
    args.seed = getattr(args, "seed", TEST_SEED)
    return parser, args


def missing_hint(model_path):
    """What to do about a model file that is not there: train one, or use the shipped one."""
    if os.path.exists(model_path):
        return ""
    return (
        f"; train one first ({command_line('train_lstm_adder.py')}), or evaluate the model "
        f"the repository ships, {SHIPPED_MODEL} (no --model)"
    )


def print_one_addition(parser, args, network, bits):
    """--add A B: how the network adds one pair, bit by bit."""
    for operand in args.add:
        if not 0 <= operand < 2**bits:
            parser.error(
                f"--add: {operand} does not fit in the model's {bits} bits (0..{2**bits - 1})"
            )
    one = add_one(network, bits, *args.add)
    if args.json:
        print(json.dumps({"model": args.model, "bits": bits, "addition": one}))
    else:
        print(f"Model    {args.model}  ({bits}-bit operands)")
        print_addition(one)
    return 0


def pairs_to_evaluate(parser, args, bits):
    """Every pair (--exhaustive), or --samples fresh pairs drawn the blog's way: the operands and
    how the report names them."""
    if args.exhaustive:
        if bits > EXHAUSTIVE_MAX_BITS:
            parser.error(
                f"--exhaustive covers every pair only up to {EXHAUSTIVE_MAX_BITS}-bit "
                f"operands ({4**EXHAUSTIVE_MAX_BITS:,} pairs); this model has {bits} "
                f"bits ({4**bits:,} pairs). Use --samples instead."
            )
        drawn = " (--plot draws every pair)" if args.every_pair_for_plot else ""
        return (*data.all_pairs(bits), f"all {4**bits:,} pairs of {bits}-bit operands{drawn}")
    # Measured here: about 430 bytes a sample at 8 bits, all figures included; rounded up.
    refuse_if_too_big(parser, "--samples", args.samples, data.bytes_per_pair(bits, 500))
    first_operand, second_operand = data.draw_pairs(
        args.samples, bits, np.random.RandomState(args.seed)
    )
    description = f"{args.samples:,} fresh pairs drawn the blog's way (seed {args.seed})"
    return first_operand, second_operand, description


# --json's units, for the figures whose unit is not a count: fractions of 1 for accuracies,
# percent for the blog's own figure, as the blog prints it.
JSON_UNITS = {
    "blog_figure": "percent: (1 - mse) * 100, as the blog prints it",
    "blog_figure_reported": "percent",
    "mse": "mean squared error of the outputs",
    "exact_sum_accuracy": "fraction of pairs (0 to 1) with every output bit right",
    "per_bit_accuracy": "fraction of output bits (0 to 1) right",
    "seen": "the same figures over the pairs seen in training",
    "unseen": "the same figures over the pairs never seen in training",
    "sampling": "percent (p5, p50, p95) and a fraction (probability_reaching_blog_figure)",
    "predict_seconds": "seconds",
}


def json_report(args, info, description, result, split_note):
    """--json: every figure, with what was evaluated (pairs_evaluated in words, and as data
    in every_pair and seed) and the figures' units."""
    return {
        "units": JSON_UNITS,
        "every_pair": bool(args.exhaustive),
        "seed": None if args.exhaustive else args.seed,
        "model": args.model,
        "bits": info["bits"],
        "keras_version": info["keras_version"],
        "recurrent_activation": info["recurrent_activation"],
        "output_activation": info["output_activation"],
        "pairs_evaluated": description,
        "blog_figure_reported": BLOG_FIGURE,
        "blog_figure_reached": result["blog_figure"] >= BLOG_FIGURE,
        "split_note": split_note,
        "plot": args.plot,
        **result,
    }


if __name__ == "__main__":
    sys.exit(main())
