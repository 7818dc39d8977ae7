"""Benchmark: the blog's training code against this project's, each in a process of its own.

    .venv/bin/python bench.py --json results/bench.json     # make bench: about 20 minutes
    .venv/bin/python bench.py --runs 1 --epochs 1 --whole-epochs 1    # a quick look

Paths, each run in a fresh Python process so that no two share TensorFlow's or XLA's thread
pools, and each with its own peak memory (the child's maximum resident set, from wait4):
  blog                    the blog's code as the blog wrote it, on today's stack: Sequential,
                          LSTM(256) (so Keras 3's default sigmoid gates), Dropout(0.2),
                          Dense(9, relu), 'adam', MSE, model.fit, batch 128;
  project                 train_lstm_adder.py's default training path (the JAX engine);
  project --engine keras  the project's network (Keras 2's hard sigmoid) through model.fit;
  project --engine keras2.2.4  the blog's own Keras 2.2.4, which trains on one thread: it is
                          timed beside the project's engine on one core each (`--keras224`
                          alone, or as the last part of the whole benchmark).
Per epoch: `--runs` rounds, the paths alternating, each a warm-up epoch and `--epochs` timed
ones; the median seconds per epoch, samples per second, achieved GFLOP/s (exact FLOP count
below) against the machine's float32 GEMM peak (measured in a child too), and the ratio blog /
project as the median of the per-round ratios.
Whole command, what a user waits for: `--runs` alternating pairs of the blog's whole script
(draw its data with its own loop, build, fit `--whole-epochs` epochs, save) and
`train_lstm_adder.py --epochs N`, start-up and saving included.
From each whole command, the seconds that are not training (starting Python, the imports, the
data, compiling, saving). It also times `evaluate.py --exhaustive`'s forward pass over every
pair, evaluate.py's whole commands (default, `--add`, `--exhaustive`), and the study's
throughput: runs an hour with 1 worker and with 2 (`study.py --workers`), 2 short runs a study,
alternating, which is what sets study.py's default of one worker per core.

FLOP count of one training epoch, N samples, T = 16 steps, u = 256 units, one input, 9 outputs
(a multiply-add counts 2), for a plain pass; the project's engine does less (its first steps
run on distinct prefixes only), so its GFLOP/s is the work the blog's code would do, per second:
  forward   per sample  T * 2 * 4u * (1 + u)  +  2 * u * 9     (LSTM gates, then Dense)
  backward  per sample  2 x forward            (gradients of the inputs and of the weights)
  epoch     3 * N * (T * 8u * (1 + u) + 18u)  = 252.8 GFLOP for N = 10,000.
"""

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from lstm_adder.blog import UNITS
from lstm_adder.cli import REPOSITORY, HelpFormatter, positive_int, writable_output
from lstm_adder.config import BLOG, KERAS_224, TrainingConfig
from lstm_adder.files import WriteError, write_atomically
from lstm_adder.keras224 import VERSION
from lstm_adder.record import machine, usable_cores
from lstm_adder.variants import BY_NAME as VARIANTS_BY_NAME

PATHS = ("blog", "project", "project --engine keras")
KERAS_224_PATHS = ("project", f"project --engine {KERAS_224}")  # one core each
# evaluate.py as a user runs it, whole commands (on the shipped model).
EVALUATE_COMMANDS = ((), ("--add", "200", "55"), ("--exhaustive",))


def epoch_flop(samples, bits=BLOG.bits, units=UNITS):
    steps, outputs = 2 * bits, bits + 1
    forward = steps * 2 * 4 * units * (1 + units) + 2 * units * outputs
    return 3 * samples * forward


# ----------------------------------------------------------------------------------------------
# What a child process runs.


def blog_script():
    """The blog's code, top to bottom, on Keras 3, up to its model.fit: the model and its data."""
    import keras

    BINARY_DIM = 8
    data_size = 10000

    def int_2_binary(number, binary_dim):
        binary_list = list(map(lambda x: int(x), bin(number)[2:]))
        return [0] * (binary_dim - len(binary_list)) + binary_list

    binary = np.array([int_2_binary(x, BINARY_DIM) for x in range(2**BINARY_DIM)])

    def batch_generation(largest_number):
        n1 = np.random.randint(0, largest_number)
        n2 = np.random.randint(0, largest_number)
        return np.append(binary[n1], binary[n2]), int_2_binary(n1 + n2, BINARY_DIM + 1)

    dataX, dataY = [], []
    for _ in range(data_size):
        inputX, inputY = batch_generation(2**BINARY_DIM)
        dataX.append(inputX)
        dataY.append(inputY)
    X = np.reshape(dataX, (len(dataX), 2 * BINARY_DIM, 1))
    Y = np.array(dataY)

    model = keras.Sequential()
    model.add(keras.layers.Input((X.shape[1], X.shape[2])))
    model.add(keras.layers.LSTM(256))
    model.add(keras.layers.Dropout(0.2))
    model.add(keras.layers.Dense(Y.shape[1], activation="relu"))
    model.compile(loss=keras.losses.mean_squared_error, optimizer="adam")
    return model, X, Y


def clock(keras):
    times = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.started)

    return Clock(), times


def child(path, epochs, output, variant=None):
    """Train one path for `epochs` epochs in this process (the project's with one of the
    study's variants, if given); print the epoch times as JSON."""
    from lstm_adder import quiet

    with quiet.tensorflow_startup():
        import keras

        from lstm_adder import model, training

    callback, times = clock(keras)
    if path == KERAS_224_PATHS[1]:
        from lstm_adder import keras224

        # Its own process, as train_lstm_adder.py runs it; its epochs timed there.
        with keras224.training(TrainingConfig(epochs=epochs, engine=KERAS_224), progress=0) as run:
            times = run.epoch_seconds
    elif path == "blog":
        net, X, Y = blog_script()
        net.fit(X, Y, epochs=epochs, batch_size=128, callbacks=[callback], verbose=0)
        if output:
            net.save(output)
    else:
        config = TrainingConfig(epochs=epochs, engine="keras" if path.endswith("keras") else "jax")
        if variant:
            config = dataclasses.replace(config, **VARIANTS_BY_NAME[variant].change)
        _, _, X, Y = training.draw_data(config)
        training.train_network(config, model.build_model(config.bits), X, Y, callbacks=[callback])
    print(json.dumps({"epoch_seconds": times}))


def gemm_child(size=2048, repeats=5):
    """GFLOP/s of a large square float32 matmul in numpy, TensorFlow and JAX."""
    from lstm_adder import quiet

    with quiet.tensorflow_startup():
        import jax.numpy as jnp
        import tensorflow as tf

    a = np.random.RandomState(0).rand(size, size).astype(np.float32)
    a_tf, a_jax = tf.constant(a), jnp.asarray(a)
    found = {}
    for name, matmul in (
        ("numpy", lambda: a @ a),
        ("tensorflow", lambda: (a_tf @ a_tf).numpy()),
        ("jax", lambda: (a_jax @ a_jax).block_until_ready()),
    ):
        matmul()
        started = time.perf_counter()
        for _ in range(repeats):
            matmul()
        found[name] = 2 * size**3 * repeats / (time.perf_counter() - started) / 1e9
    print(json.dumps(found))


# ----------------------------------------------------------------------------------------------
# The parent: runs the children and reports.


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=HelpFormatter
    )
    parser.add_argument(
        "--runs",
        type=positive_int,
        default=3,
        help="alternating rounds of every path (and of the whole commands)",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=5,
        help="timed epochs per run, after one warm-up epoch",
    )
    parser.add_argument(
        "--whole-epochs",
        type=positive_int,
        default=20,
        help="epochs of the whole-command comparison",
    )
    parser.add_argument(
        "--study-epochs",
        type=positive_int,
        default=10,
        help="epochs of each run in the study's throughput (2 runs a study, with "
        "1 worker and with 2)",
    )
    parser.add_argument(
        "--variants",
        action="store_true",
        help="instead, time an epoch of the blog's run and of each of the study's variants, "
        "one process each on one core, as the study runs them (--epochs timed epochs each)",
    )
    parser.add_argument(
        "--keras224",
        action="store_true",
        help="instead, time an epoch of the blog's own Keras 2.2.4 beside the project's engine, "
        "alternating, one core each (--runs rounds of --epochs timed epochs); with --json, "
        "only that file's 'keras224' part is written anew",
    )
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument(
        "--child", choices=PATHS + KERAS_224_PATHS[1:] + ("gemm",), help=argparse.SUPPRESS
    )
    parser.add_argument("--variant", choices=list(VARIANTS_BY_NAME), help=argparse.SUPPRESS)
    parser.add_argument("--save", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.json:
        writable_output(parser, "--json", args.json)
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.child == "gemm":
        gemm_child()
        return 0
    if args.child:
        child(args.child, args.epochs, args.save, args.variant)
        return 0
    try:
        if args.keras224:
            return keras224_only(args, argv)
        return (variant_costs if args.variants else compare)(args, argv)
    except ChildFailed as error:
        print(f"bench.py: error: {error}", file=sys.stderr)
        return 1


class ChildFailed(Exception):
    """A measured process that failed: its command and the last line it printed to stderr."""


def compare(args, argv):
    """Measure every path and command, print the summary, and write bench.json if asked."""
    paths = epoch_times(args)
    whole, not_training = whole_commands(args)
    evaluations, studies = evaluate_and_study(args)
    _, _, stdout = timed_child(["bench.py", "--child", "gemm"])
    peaks = json.loads(stdout)
    _, _, stdout = timed_child(["evaluate.py", "--exhaustive", "--json"])
    flop = epoch_flop(BLOG.data_size)
    for result in paths.values():
        seconds = result["median_epoch_seconds"]
        result.update(
            samples_per_second=BLOG.data_size / seconds,
            gflop_per_second=flop / seconds / 1e9,
        )
    ratios = paired_ratios(paths["blog"]["run_medians"], paths["project"]["run_medians"])
    whole_ratios = paired_ratios(whole["blog"], whole["project"])
    report = {
        "command": "bench.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "epoch_gflop": flop / 1e9,
        "gemm_peak_gflop_per_second": peaks,
        "paths": paths,
        "ratios": ratios,
        "speedup_median": statistics.median(ratios),
        "whole_command_epochs": args.whole_epochs,
        "whole_command_seconds": whole,
        "whole_command_ratios": whole_ratios,
        "whole_command_speedup_median": statistics.median(whole_ratios),
        "whole_command_seconds_not_training": not_training,
        "exhaustive_forward_seconds": json.loads(stdout)["predict_seconds"],
        "evaluate_whole_command_seconds": evaluations,
        "study_epochs": args.study_epochs,
        "study_runs_an_hour": {str(workers): runs for workers, runs in studies.items()},
        "study_two_workers_over_one": paired_ratios(studies[2], studies[1]),
        "keras224": keras224_epochs(args, argv),
    }
    print_summary(report)
    if args.json:
        try:
            write_atomically(args.json, json.dumps(report, indent=1))
        except WriteError as error:  # the disk filled up during the hours of measuring
            print(f"bench.py: error: {error}", file=sys.stderr)
            return 1
    return 0


def variant_costs(args, argv):
    """Seconds per epoch of the blog's run and of each variant, one core each: what the study's
    variants cost here, printed and written to --json."""
    core = (usable_cores() or [0])[:1]
    report = {
        "command": "bench.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "cores": len(core),
        "epoch_seconds": {},
    }
    for name in ("blog", *VARIANTS_BY_NAME):
        variant = [] if name == "blog" else ["--variant", name]
        times, _ = timed_epochs("project", args.epochs, variant, cores=core)
        report["epoch_seconds"][name] = statistics.median(times)
        print(
            f"{name:<22} {statistics.median(times):7.2f} s an epoch on one core "
            f"(median of {len(times)})",
            flush=True,
        )
    if args.json:
        write_atomically(args.json, json.dumps(report, indent=1) + "\n")
    return 0


def keras224_epochs(args, argv):
    """Seconds per epoch of Keras 2.2.4 and of the project's engine, on one core each (Keras
    2.2.4 trains on one thread): `--runs` rounds, alternating, a warm-up epoch left out."""
    core = (usable_cores() or [0])[:1]
    found = {
        "command": "bench.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
        "cores": len(core),
        "paths": epoch_times(args, KERAS_224_PATHS, cores=core),
    }
    theirs, ours = (found["paths"][name]["run_medians"] for name in reversed(KERAS_224_PATHS))
    found["ratios"] = paired_ratios(theirs, ours)
    found["keras224_over_project_median"] = statistics.median(found["ratios"])
    print(
        f"Keras {VERSION} takes {found['keras224_over_project_median']:.2f} times the "
        "project's engine an epoch, on one core (median of the rounds' ratios)",
        flush=True,
    )
    return found


def keras224_only(args, argv):
    """bench.py --keras224: keras224_epochs, into the 'keras224' part of --json (the rest of an
    existing file, the whole benchmark's, stays as it was)."""
    found = keras224_epochs(args, argv)
    if args.json:
        report = {}
        if os.path.exists(args.json):
            with open(args.json) as file:
                report = json.load(file)
        report["keras224"] = found
        write_atomically(args.json, json.dumps(report, indent=1))
    return 0


def timed_epochs(path, epochs, extra=(), cores=None):
    """One child training `path` for a warm-up epoch and `epochs` more (on `cores` only, if
    given): the timed epochs' seconds, the warm-up left out (it compiles), and its peak
    resident bytes."""
    command = ["bench.py", "--child", path, "--epochs", str(epochs + 1), *extra]
    _, peak, stdout = timed_child(command, cores=cores)
    return json.loads(stdout)["epoch_seconds"][1:], peak


def epoch_times(args, names=PATHS, cores=None):
    """Seconds per epoch of each of `names`: `--runs` rounds, the paths alternating, each a
    process of its own (on `cores` only, if given) with a warm-up epoch left out."""
    paths = {name: {"epoch_seconds": [], "run_medians": [], "peak_rss_bytes": []} for name in names}
    where = f" on {len(cores)} core{'s' if len(cores) > 1 else ''}" if cores else ""
    width = max(map(len, names))
    for run in range(args.runs):
        for name in names:
            times, peak = timed_epochs(name, args.epochs, cores=cores)
            paths[name]["epoch_seconds"] += times
            paths[name]["run_medians"].append(statistics.median(times))
            paths[name]["peak_rss_bytes"].append(peak)
            print(
                f"run {run + 1}/{args.runs}  {name:<{width}} "
                f"{statistics.median(times):.3f} s/epoch{where} (median of {len(times)}), "
                f"peak RSS {peak / 2**20:,.0f} MiB",
                flush=True,
            )
    for result in paths.values():
        result["median_epoch_seconds"] = statistics.median(result["epoch_seconds"])
    return paths


def whole_commands(args):
    """Seconds of the blog's whole script and of train_lstm_adder.py, alternating, and of each
    the part that is not training (starting Python, imports, the data, compiling, saving)."""
    whole, not_training = {"blog": [], "project": []}, {"blog": [], "project": []}
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            commands = {
                "blog": [
                    "bench.py",
                    "--child",
                    "blog",
                    "--epochs",
                    str(args.whole_epochs),
                    "--save",
                    os.path.join(folder, "blog.h5"),
                ],
                "project": [
                    "train_lstm_adder.py",
                    "--epochs",
                    str(args.whole_epochs),
                    "--output",
                    os.path.join(folder, "project.h5"),
                ],
            }
            for name, command in commands.items():
                seconds, _, stdout = timed_child(command)
                if name == "blog":
                    training = sum(json.loads(stdout)["epoch_seconds"])
                else:
                    with open(os.path.join(folder, "project.json")) as file:
                        training = json.load(file)["wall_seconds"]
                whole[name].append(seconds)
                not_training[name].append(seconds - training)
                print(
                    f"whole {run + 1}/{args.runs}  {name:<8} {args.whole_epochs} epochs: "
                    f"{seconds:.1f} s, of which {seconds - training:.1f} s not training",
                    flush=True,
                )
    return whole, not_training


def evaluate_and_study(args):
    """Seconds of evaluate.py's whole commands, and the study's runs an hour with 1 worker and
    with 2 (2 short runs a study), alternating."""
    evaluations = {" ".join(options) or "(default)": [] for options in EVALUATE_COMMANDS}
    studies = {workers: [] for workers in (1, 2)}
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            for options in EVALUATE_COMMANDS:
                seconds, _, _ = timed_child(["evaluate.py", *options])
                evaluations[" ".join(options) or "(default)"].append(seconds)
            for workers in studies:
                results_folder = os.path.join(folder, f"study-{run}-{workers}")
                seconds, _, _ = timed_child(
                    [
                        "study.py",
                        "--seeds",
                        "2",
                        "--other-seeds",
                        "0",
                        "--keras-seeds",
                        "0",
                        "--long-epochs",
                        "0",
                        "--observed-epochs",
                        "0",
                        "--activations",
                        "keras2_hard_sigmoid",
                        "--epochs",
                        str(args.study_epochs),
                        "--workers",
                        str(workers),
                        "--results",
                        results_folder,
                    ]
                )
                studies[workers].append(2 * 3600 / seconds)
                print(
                    f"study {run + 1}/{args.runs}  {workers} worker{'s' if workers > 1 else ''}: "
                    f"2 runs of {args.study_epochs} epochs in {seconds:.1f} s, "
                    f"{studies[workers][-1]:.0f} runs an hour",
                    flush=True,
                )
    return evaluations, studies


def print_summary(report):
    """The summary a user reads, from the figures bench.json holds."""
    print_paths(report)
    print_commands(report)


def print_paths(report):
    """The machine, and the training paths' epochs against its matrix-product peak."""
    where, peaks = report["machine"], report["gemm_peak_gflop_per_second"]
    print()
    print(f"machine: {where['processor']}, {where['cpus']} CPUs")
    print(
        "float32 GEMM peak (2048^3): "
        + ", ".join(f"{name} {value:.0f} GFLOP/s" for name, value in peaks.items())
    )
    print(
        f"one epoch = {report['epoch_gflop']:.1f} GFLOP ({BLOG.data_size:,} samples, batch "
        f"{BLOG.batch_size})"
    )
    print()
    print("| path | s/epoch (median) | samples/s | GFLOP/s | % of GEMM peak | peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, result in report["paths"].items():
        print(
            f"| {name} | {result['median_epoch_seconds']:.3f} | "
            f"{result['samples_per_second']:,.0f} | {result['gflop_per_second']:.1f} | "
            f"{100 * result['gflop_per_second'] / max(peaks.values()):.0f}% "
            f"| {max(result['peak_rss_bytes']) / 2**20:,.0f} MiB |"
        )


def print_commands(report):
    """The speed-ups, whole commands, evaluation and the study's throughput."""
    whole, epochs = report["whole_command_seconds"], report["whole_command_epochs"]
    studies = report["study_runs_an_hour"]
    print()
    print(
        f"per epoch, blog / project: {report['speedup_median']:.2f}x "
        f"(median of per-run ratios {', '.join(f'{r:.2f}' for r in report['ratios'])})"
    )
    print(
        f"whole command, {epochs} epochs with start-up and saving: blog "
        f"{statistics.median(whole['blog']):.1f} s, project "
        f"{statistics.median(whole['project']):.1f} s: "
        f"{report['whole_command_speedup_median']:.2f}x (median of per-pair ratios "
        f"{', '.join(f'{r:.2f}' for r in report['whole_command_ratios'])})"
    )
    print(
        "not training in the whole command (start-up, imports, data, compiling, saving): "
        + ", ".join(
            f"{name} {statistics.median(seconds):.1f} s"
            for name, seconds in report["whole_command_seconds_not_training"].items()
        )
        + " (medians)"
    )
    print(
        "evaluate.py --exhaustive: forward pass over 65,536 pairs "
        f"{report['exhaustive_forward_seconds']:.2f} s"
    )
    print(
        "evaluate.py, whole commands (medians): "
        + ", ".join(
            f"{options} {statistics.median(seconds):.2f} s"
            for options, seconds in report["evaluate_whole_command_seconds"].items()
        )
    )
    study_ratios = report["study_two_workers_over_one"]
    print(
        f"study throughput, runs of {report['study_epochs']} epochs an hour (medians): "
        f"1 worker {statistics.median(studies['1']):.0f}, 2 workers "
        f"{statistics.median(studies['2']):.0f}: {statistics.median(study_ratios):.2f}x "
        f"(per-round ratios {', '.join(f'{r:.2f}' for r in study_ratios)})"
    )


def paired_ratios(numerators, denominators):
    """Round by round, numerator / denominator: the rounds alternate the paths, so each ratio
    compares two measurements made under the same conditions; their median is the figure
    reported (the ratio of the medians can differ from it)."""
    return [numerator / denominator for numerator, denominator in zip(numerators, denominators)]


def timed_child(arguments, cores=None):
    """(seconds, the child's own peak resident bytes, stdout) of one child process (on `cores`
    only, if given)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, *arguments],
            cwd=REPOSITORY,
            stdout=out,
            stderr=err,
            text=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            last = (err.read().strip().splitlines() or ["(nothing on stderr)"])[-1]
            raise ChildFailed(
                f"{' '.join(arguments)} failed with exit status {process.returncode}: {last}"
            )
        return seconds, usage.ru_maxrss * 1024, out.read()


if __name__ == "__main__":
    sys.exit(main())
