"""Reproduction study: does the blog's 99.98892793562263% replicate, and what does it take?

    make study                                   # 5 seeds x 2 activations x 100 epochs, then
                                                 # one 500-epoch schedule per activation
    .venv/bin/python study.py --seeds 2 --epochs 2 --bits 4 --long-epochs 4 --every 2 \\
        --results /tmp/tiny-study                # a tiny study, for trying it out

Each run trains through train_lstm_adder.py's own code (its option parser, data, network and
training engine) and is scored with evaluate.py's code: the blog's figure on 1,000 fresh pairs
drawn the blog's way, and the exact-sum accuracy over every pair, split into pairs seen in
training and pairs never seen. A long schedule is one run evaluated every K epochs, to see how
many epochs the blog's figure takes.

Resumable: each finished run is written to results/study.json as it ends; started again, the
study skips the runs it already has. results/STUDY.md and results/learning_curves.png are
written anew from study.json at the end of every run; every number in them comes from it.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import data
import quiet
import train_lstm_adder
from cli import bit_count, positive_int
from evaluate import BLOG_FIGURE, EXHAUSTIVE_MAX_BITS, predict, score, split_by_seen
from record import record_json

ACTIVATIONS = train_lstm_adder.RECURRENT_ACTIVATION_CHOICES
EVAL_SAMPLES, EVAL_SEED = 1000, 0  # the blog's 1,000 fresh pairs; evaluate.py's default seed


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--seeds", type=positive_int, default=5,
                        help="runs per recurrent activation (seeds 1..N)")
    parser.add_argument("--epochs", type=positive_int, default=100,
                        help="epochs of each run (the blog's 100)")
    parser.add_argument("--long-epochs", type=int, default=500,
                        help="epochs of the long schedule, one run per activation (0: none)")
    parser.add_argument("--every", type=positive_int, default=25,
                        help="evaluate the long schedule every K epochs")
    parser.add_argument("--bits", type=bit_count, default=data.BINARY_DIM)
    parser.add_argument("--data-size", type=positive_int, default=10000)
    parser.add_argument("--activations", nargs="+", choices=ACTIVATIONS, default=ACTIVATIONS)
    parser.add_argument("--engine", choices=train_lstm_adder.ENGINES,
                        default=train_lstm_adder.ENGINES[0])
    parser.add_argument("--results", default="results", help="folder of the study's outputs")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.long_epochs < 0:
        parser.error("--long-epochs must be 0 or more")
    return args


# ----------------------------------------------------------------------------------------------
# One run: train, evaluating along the way when asked.


def figures(net, bits, seen_codes):
    """The blog's figure on 1,000 fresh pairs, and exact-sum accuracy over every pair."""
    first, second = data.draw_pairs(EVAL_SAMPLES, bits, np.random.RandomState(EVAL_SEED))
    sampled = score(predict(net, first, second, bits), first, second, bits)
    result = {"blog_figure": sampled["blog_figure"], "sampled_mse": sampled["mse"],
              "sampled_exact_sum_accuracy": sampled["exact_sum_accuracy"]}
    if bits <= EXHAUSTIVE_MAX_BITS:
        first, second = data.all_pairs(bits)
        outputs = predict(net, first, second, bits)
        every = score(outputs, first, second, bits)
        split = split_by_seen(outputs, first, second, bits, seen_codes)
        result.update(
            exhaustive_blog_figure=every["blog_figure"],
            exact_sum_accuracy=every["exact_sum_accuracy"],
            per_bit_accuracy=every["per_bit_accuracy"],
            seen_exact_sum_accuracy=split["seen"]["exact_sum_accuracy"],
            unseen_exact_sum_accuracy=split["unseen"]["exact_sum_accuracy"],
            seen_pairs=split["seen"]["pairs"])
    return result


def run_one(study, activation, seed, epochs, every, label):
    """Train one network and return its entry for study.json."""
    import keras

    options = ["--epochs", epochs, "--seed", seed, "--bits", study.bits,
               "--data-size", study.data_size, "--recurrent-activation", activation,
               "--engine", study.engine, "--output", os.path.join(study.results, "unused.h5")]
    args = train_lstm_adder.parse_args([str(option) for option in options])
    net, first, second, X, Y = train_lstm_adder.prepare(args)
    seen_codes = set(data.pair_codes(first, second, study.bits).tolist())
    checkpoints = []
    started = time.time()

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            done = epoch + 1
            elapsed = time.time() - started
            if every and done % every == 0 and done < epochs:
                checkpoints.append({"epoch": done, **figures(self.model, study.bits, seen_codes)})
            if done % max(1, epochs // 10) == 0 or done == epochs:
                left = elapsed / done * (epochs - done)
                print(f"  {label}: epoch {done}/{epochs}, loss {logs['loss']:.6f}, "
                      f"{elapsed / 60:.1f} min elapsed, about {left / 60:.1f} min left",
                      flush=True)

    losses = train_lstm_adder.train_network(args, net, X, Y, callbacks=[Progress()])
    seconds = time.time() - started
    final = figures(net, study.bits, seen_codes)
    if every:
        checkpoints.append({"epoch": len(losses), **final})
    return {
        "activation": activation, "seed": seed, "epochs": epochs, "every": every,
        "bits": study.bits, "data_size": study.data_size, "engine": study.engine,
        "versions": train_lstm_adder.versions(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 1),
        "loss_per_epoch": [float(loss) for loss in losses],
        "figures": final,
        "checkpoints": checkpoints,
    }


# ----------------------------------------------------------------------------------------------
# The study's bookkeeping: what is planned, what is done, and the files written from it.


def planned_runs(study):
    """(id, activation, seed, epochs, every) for each run, the short runs first."""
    runs = [(f"{activation}-seed{seed}-{study.epochs}ep", activation, seed, study.epochs, 0)
            for seed in range(1, study.seeds + 1) for activation in study.activations]
    if study.long_epochs:
        runs += [(f"{activation}-long-{study.long_epochs}ep-every{study.every}", activation, 1,
                  study.long_epochs, study.every) for activation in study.activations]
    return runs


def load_done(path):
    if not os.path.exists(path):
        return {}
    with open(path) as file:
        return json.load(file)["runs"]


def write_atomically(path, text):
    temporary = f"{path}.tmp"
    with open(temporary, "w") as file:
        file.write(text)
    os.replace(temporary, path)


def summarise(values):
    values = [float(v) for v in values]
    return {"n": len(values), "mean": float(np.mean(values)),
            "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
            "min": min(values), "max": max(values)}


def table(runs):
    """Per configuration (activation, epochs) of the plain runs: statistics of each figure."""
    groups = {}
    for run in runs.values():
        if not run["every"]:
            groups.setdefault((run["activation"], run["epochs"]), []).append(run)
    rows = []
    for (activation, epochs), members in sorted(groups.items()):
        row = {"activation": activation, "epochs": epochs, "n": len(members),
               "reached": sum(m["figures"]["blog_figure"] >= BLOG_FIGURE for m in members),
               "blog_figure": summarise(m["figures"]["blog_figure"] for m in members)}
        for key in ("exact_sum_accuracy", "unseen_exact_sum_accuracy"):
            if all(key in m["figures"] for m in members):
                row[key] = summarise(100 * m["figures"][key] for m in members)
        rows.append(row)
    return rows


def first_reached(run):
    """The first evaluated epoch at which the blog's figure was reached, or None."""
    for checkpoint in run["checkpoints"]:
        if checkpoint["blog_figure"] >= BLOG_FIGURE:
            return checkpoint["epoch"]
    return None


def verdict(rows, long_runs):
    sentences = []
    for row in rows:
        figure = row["blog_figure"]
        sentences.append(
            f"With {row['activation']} at {row['epochs']} epochs, {row['reached']} of {row['n']} "
            f"runs reached the blog's {BLOG_FIGURE}% (their figure: mean {figure['mean']:.4f}%, "
            f"min {figure['min']:.4f}%, max {figure['max']:.4f}%)"
            + (f", and they got {row['exact_sum_accuracy']['mean']:.2f}% of all sums exactly "
               f"right on average ({row['unseen_exact_sum_accuracy']['mean']:.2f}% of the pairs "
               "never seen in training)." if "exact_sum_accuracy" in row else "."))
    for run in long_runs:
        epoch = first_reached(run)
        last = run["checkpoints"][-1] if run["checkpoints"] else None
        if epoch is not None:
            sentences.append(f"The {run['epochs']}-epoch schedule with {run['activation']} "
                             f"(seed {run['seed']}) first reached the blog's figure at epoch "
                             f"{epoch} (evaluated every {run['every']}).")
        elif last is not None:
            best = max(run["checkpoints"], key=lambda checkpoint: checkpoint["blog_figure"])
            sentences.append(f"The {run['epochs']}-epoch schedule with {run['activation']} "
                             f"(seed {run['seed']}) did not reach it: its best was "
                             f"{best['blog_figure']:.4f}% at epoch {best['epoch']}, and at epoch "
                             f"{last['epoch']} its figure was {last['blog_figure']:.4f}%"
                             + (f" with {100 * last['exact_sum_accuracy']:.2f}% of all sums "
                                "exactly right." if "exact_sum_accuracy" in last else "."))
    if not sentences:
        return "No run has finished yet."
    return " ".join(sentences)


def study_markdown(runs, planned, command):
    rows = table(runs)
    long_runs = [run for run in runs.values() if run["every"]]
    lines = [
        "# Reproduction study",
        "",
        f"Generated by `{command}` from `study.json` ({len(runs)} of {len(planned)} planned runs "
        "finished). The blog reports one run: **99.98892793562263%**, its `(1 - MSE) * 100` on "
        "1,000 fresh pairs.",
        "",
        "| recurrent activation | epochs | n | blog's figure: mean | std | min | max "
        "| runs reaching 99.98892793562263% | exact sums, all pairs: mean | std | min | max "
        "| exact sums, never-seen pairs: mean |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        figure = row["blog_figure"]
        exact = row.get("exact_sum_accuracy")
        unseen = row.get("unseen_exact_sum_accuracy")
        exact_cells = (f"{exact['mean']:.2f}% | {exact['std']:.2f} | {exact['min']:.2f}% | "
                       f"{exact['max']:.2f}%" if exact else "- | - | - | -")
        unseen_cell = f"{unseen['mean']:.2f}%" if unseen else "-"
        lines.append(
            f"| {row['activation']} | {row['epochs']} | {row['n']} | {figure['mean']:.4f}% | "
            f"{figure['std']:.4f} | {figure['min']:.4f}% | {figure['max']:.4f}% | "
            f"{row['reached']} of {row['n']} | {exact_cells} | {unseen_cell} |")
    if long_runs:
        lines += ["", "Long schedules (one run each, evaluated every K epochs):", "",
                  "| recurrent activation | epoch | blog's figure | exact sums, all pairs "
                  "| never-seen pairs |", "|---|---|---|---|---|"]
        for run in long_runs:
            for checkpoint in run["checkpoints"]:
                exact = checkpoint.get("exact_sum_accuracy")
                unseen = checkpoint.get("unseen_exact_sum_accuracy")
                lines.append(f"| {run['activation']} | {checkpoint['epoch']} | "
                             f"{checkpoint['blog_figure']:.4f}% | "
                             + (f"{100 * exact:.2f}% | {100 * unseen:.2f}% |"
                                if exact is not None else "- | - |"))
    lines += ["", "## Verdict", "", verdict(rows, long_runs), "",
              "Standard deviations are sample standard deviations (n - 1). Exact sums: all 9 "
              "output bits right, an output counting as 1 when it is >= 0.5.", ""]
    return "\n".join(lines)


def plot(runs, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (losses, blog) = plt.subplots(1, 2, figsize=(12, 4.5))
    colours = {"keras2_hard_sigmoid": "tab:blue", "sigmoid": "tab:orange"}
    for run in runs.values():
        epochs = np.arange(1, len(run["loss_per_epoch"]) + 1)
        losses.plot(epochs, run["loss_per_epoch"], color=colours.get(run["activation"]),
                    alpha=0.8 if run["every"] else 0.4, linewidth=1.5 if run["every"] else 1)
    for activation, colour in colours.items():
        losses.plot([], [], color=colour, label=activation)
    losses.axhline(1 - BLOG_FIGURE / 100, color="black", linestyle="--",
                   label="the blog's MSE (its test set)")
    losses.set(yscale="log", xlabel="epoch", ylabel="training loss (MSE)",
               title="Training loss of every run")
    losses.legend()
    for run in runs.values():
        if run["every"] and run["checkpoints"]:
            blog.plot([c["epoch"] for c in run["checkpoints"]],
                      [c["blog_figure"] for c in run["checkpoints"]], marker="o",
                      color=colours.get(run["activation"]), label=run["activation"])
    blog.axhline(BLOG_FIGURE, color="black", linestyle="--", label=f"the blog: {BLOG_FIGURE}%")
    blog.set(xlabel="epoch", ylabel="(1 - MSE) * 100 on 1,000 fresh pairs (%)",
             title="The blog's figure along the long schedule")
    blog.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write_outputs(study, runs, planned, command):
    write_atomically(os.path.join(study.results, "study.json"),
                     record_json({"command": command, "runs": runs}))
    write_atomically(os.path.join(study.results, "STUDY.md"),
                     study_markdown(runs, planned, command))
    plot(runs, os.path.join(study.results, "learning_curves.png"))


def main(argv=None):
    study = parse_args(argv)
    command = " ".join(["study.py", *(argv if argv is not None else sys.argv[1:])])
    os.makedirs(study.results, exist_ok=True)
    with quiet.tensorflow_startup(study.verbose):
        import keras  # noqa: F401

    runs = load_done(os.path.join(study.results, "study.json"))
    planned = planned_runs(study)
    todo = [run for run in planned if run[0] not in runs]
    print(f"{len(planned)} runs planned, {len(planned) - len(todo)} already done", flush=True)
    for number, (run_id, activation, seed, epochs, every) in enumerate(todo, 1):
        label = f"[{number}/{len(todo)}] {run_id}"
        print(label, flush=True)
        runs[run_id] = run_one(study, activation, seed, epochs, every, label)
        write_outputs(study, runs, planned, command)
        result = runs[run_id]["figures"]
        print(f"  done in {runs[run_id]['train_seconds'] / 60:.1f} min: blog's figure "
              f"{result['blog_figure']:.4f}%"
              + (f", exact sums {100 * result['exact_sum_accuracy']:.2f}%"
                 if "exact_sum_accuracy" in result else ""), flush=True)
    if not todo:
        write_outputs(study, runs, planned, command)
    print(f"Wrote {study.results}/study.json, STUDY.md and learning_curves.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
