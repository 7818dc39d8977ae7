"""Benchmark: the blog's training code against this project's, side by side, on this machine.

    .venv/bin/python bench.py                 # 3 runs x (1 warm-up + 5 timed epochs) per path
    .venv/bin/python bench.py --runs 1 --epochs 2 --json results/bench.json

In one process, run after run, alternating, it trains for K epochs after a warm-up epoch:
  blog     the blog's code as the blog wrote it, on today's stack: Sequential, LSTM(256) (so
           Keras 3's default sigmoid gates), Dropout(0.2), Dense(9, relu), 'adam', MSE,
           model.fit on the integer arrays, batch 128;
  project  train_lstm_adder.py's default training path on the same data and batch size.
It prints, per path, the median seconds per epoch, samples per second, the achieved GFLOP/s
(exact FLOP count below), the peak resident memory while that path ran, the machine's float32
GEMM peak measured in the same run, and the ratio blog / project (the median of the per-run
ratios). It also times `evaluate.py --exhaustive`.

FLOP count of one training epoch, N samples, T = 16 steps, u = 256 units, one input, 9 outputs
(a multiply-add counts 2):
  forward   per sample  T * 2 * 4u * (1 + u)  +  2 * u * 9     (LSTM gates, then Dense)
  backward  per sample  2 x forward            (gradients of the inputs and of the weights)
  epoch     3 * N * (T * 8u * (1 + u) + 18u)  = 252.8 GFLOP for N = 10,000.
Element-wise work (gate activations, the cell update) is not counted.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time

import numpy as np

import data
import quiet
from cli import positive_int

ROOT = os.path.dirname(os.path.abspath(__file__))


def epoch_flop(samples, bits=8, units=256):
    steps, outputs = 2 * bits, bits + 1
    forward = steps * 2 * 4 * units * (1 + units) + 2 * units * outputs
    return 3 * samples * forward


class PeakMemory:
    """The peak resident set size of this process while a `with` block runs, sampled."""

    def __enter__(self):
        self.peak = self.current()
        self.running = True
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @staticmethod
    def current():
        with open("/proc/self/statm") as file:
            return int(file.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def sample(self):
        while self.running:
            self.peak = max(self.peak, self.current())
            time.sleep(0.05)


def gemm_peak(keras, size=2048, repeats=5):
    """GFLOP/s of a large square float32 matmul, numpy's and the Keras backend's; the best."""
    a = np.random.RandomState(0).rand(size, size).astype(np.float32)
    found = {}
    for name, matmul in (("numpy", lambda: a @ a),
                         (keras.backend.backend(),
                          lambda: keras.ops.convert_to_numpy(keras.ops.matmul(a_k, a_k)))):
        a_k = keras.ops.convert_to_tensor(a)
        matmul()
        started = time.perf_counter()
        for _ in range(repeats):
            matmul()
        found[name] = 2 * size**3 * repeats / (time.perf_counter() - started) / 1e9
    return found


def blog_model(keras):
    """The blog's code, line for line, on Keras 3."""
    model = keras.Sequential()
    model.add(keras.layers.LSTM(256, input_shape=(16, 1)))
    model.add(keras.layers.Dropout(0.2))
    model.add(keras.layers.Dense(9, activation="relu"))
    model.compile(loss=keras.losses.mean_squared_error, optimizer="adam")
    return model


def timed_epochs(keras, fit, epochs):
    """Seconds of each of `epochs` epochs of `fit`, after one warm-up epoch, and peak memory."""
    times = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.started)

    with PeakMemory() as memory:
        fit(epochs + 1, Clock())
    return times[1:], memory.peak


def project_options(train_lstm_adder, epochs, engine):
    """train_lstm_adder.py's options: the blog's defaults, these epochs and engine."""
    return train_lstm_adder.parse_args(["--epochs", str(epochs), "--engine", engine])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--runs", type=positive_int, default=3, help="alternating runs per path")
    parser.add_argument("--epochs", type=positive_int, default=5,
                        help="timed epochs per run, after one warm-up epoch")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)

    with quiet.tensorflow_startup(args.verbose):
        import keras

        import model
        import train_lstm_adder

    first, second = data.draw_pairs(10000, 8, np.random.RandomState(1))
    X, Y = data.encode_pairs(first, second, 8)
    flop = epoch_flop(len(X))
    paths = {
        "blog": lambda epochs, clock: blog_model(keras).fit(
            X, Y, epochs=epochs, batch_size=128, callbacks=[clock], verbose=0),
        "project": lambda epochs, clock: train_lstm_adder.train_network(
            project_options(train_lstm_adder, epochs, "jax"), model.build_model(8), X, Y,
            callbacks=[clock]),
        # Not the default: the project's network (Keras 2's hard sigmoid) through model.fit.
        "project --engine keras": lambda epochs, clock: train_lstm_adder.train_network(
            project_options(train_lstm_adder, epochs, "keras"), model.build_model(8), X, Y,
            callbacks=[clock]),
    }
    results = {name: {"epoch_seconds": [], "run_medians": [], "peak_rss_bytes": 0}
               for name in paths}
    for run in range(args.runs):
        for name, fit in paths.items():
            times, peak = timed_epochs(keras, fit, args.epochs)
            results[name]["epoch_seconds"] += times
            results[name]["run_medians"].append(statistics.median(times))
            results[name]["peak_rss_bytes"] = max(results[name]["peak_rss_bytes"], peak)
            print(f"run {run + 1}/{args.runs}  {name:<22} "
                  f"{statistics.median(times):.3f} s/epoch (median of {len(times)})", flush=True)

    peaks = gemm_peak(keras)
    started = time.perf_counter()
    exhaustive = subprocess.run([sys.executable, os.path.join(ROOT, "evaluate.py"),
                                 "--exhaustive", "--json"], capture_output=True, text=True,
                                cwd=ROOT)
    exhaustive_seconds = time.perf_counter() - started
    forward_seconds = (json.loads(exhaustive.stdout)["predict_seconds"]
                       if exhaustive.returncode == 0 else None)

    ratios = [blog / project for blog, project in
              zip(results["blog"]["run_medians"], results["project"]["run_medians"])]
    print()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"Keras {keras.__version__} on {keras.backend.backend()}")
    print(f"float32 GEMM peak (2048^3): " + ", ".join(f"{name} {value:.0f} GFLOP/s"
                                                    for name, value in peaks.items()))
    print(f"one epoch = {flop / 1e9:.1f} GFLOP (10,000 samples, batch 128)")
    print()
    print("| path | s/epoch (median) | samples/s | GFLOP/s | % of GEMM peak | peak RSS |")
    print("|---|---|---|---|---|---|")
    for name, result in results.items():
        seconds = statistics.median(result["epoch_seconds"])
        result.update(median_epoch_seconds=seconds, samples_per_second=len(X) / seconds,
                      gflop_per_second=flop / seconds / 1e9)
        print(f"| {name} | {seconds:.3f} | {len(X) / seconds:,.0f} | "
              f"{result['gflop_per_second']:.1f} | "
              f"{100 * result['gflop_per_second'] / max(peaks.values()):.0f}% "
              f"| {result['peak_rss_bytes'] / 2**20:,.0f} MiB |")
    print()
    print(f"speed-up blog / project: {statistics.median(ratios):.2f}x "
          f"(median of per-run ratios {', '.join(f'{r:.2f}' for r in ratios)})")
    if forward_seconds is not None:
        print(f"evaluate.py --exhaustive: {exhaustive_seconds:.1f} s in all, "
              f"forward pass over 65,536 pairs {forward_seconds:.1f} s")
    else:
        print(f"evaluate.py --exhaustive failed: {exhaustive.stderr.strip()}")

    if args.json:
        with open(args.json, "w") as file:
            json.dump({"command": "bench.py " + " ".join(argv or sys.argv[1:]),
                       "machine": {"processor": platform.processor(), "cpus": os.cpu_count(),
                                   "platform": platform.platform()},
                       "keras": keras.__version__, "backend": keras.backend.backend(),
                       "epoch_gflop": flop / 1e9, "gemm_peak_gflop_per_second": peaks,
                       "paths": results, "ratios": ratios,
                       "speedup_median": statistics.median(ratios),
                       "exhaustive_seconds": exhaustive_seconds,
                       "exhaustive_forward_seconds": forward_seconds}, file, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
