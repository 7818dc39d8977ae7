"""Reproduction study: does the blog's 99.98892793562263% replicate, and what does it take?

    make study                                   # hours: run it in the background; it resumes
    .venv/bin/python study.py --seeds 2 --keras-seeds 1 --epochs 2 --bits 4 --long-epochs 4 \\
        --long-seeds 1 --every 2 --results /tmp/tiny-study     # a tiny study, for trying it out
    .venv/bin/python study.py --report           # STUDY.md and the plot anew from study.json

It answers three questions about the blog's number with runs of the blog's own settings:
- luck of the training run: 5 seeds per recurrent activation at the blog's 100 epochs, and 5
  more of the blog's LSTM through Keras's own model.fit (so that the project's JAX engine is
  not what is being measured);
- luck of the test sample: at every evaluation, how the blog's figure varies over random
  1,000-pair tests like the blog's (evaluate.sampling_distribution);
- time: long schedules (2 seeds of the blog's LSTM, 1 with sigmoid), evaluated every 25
  epochs, each stopping once at least half of such tests would show the blog's figure, or at
  2,000 epochs.

Each run trains through train_lstm_adder.py's own code (its option parser, data, network,
engines and checkpoints) and is scored with evaluate.py's code: the blog's figure on one fixed
sample of 1,000 fresh pairs, and over every pair the exact-sum accuracy, seen and never seen.

Resumable: a run saves its whole training state under results/checkpoints/ as it goes (every
10 epochs, or at each evaluation); each finished run is written to results/study.json and its
state deleted. Started again, the study skips finished runs and continues an unfinished one
from its last saved state. results/STUDY.md and results/learning_curves.png are written anew
from study.json after every run by study_report.py; every number in them comes from it.
"""
import argparse
import datetime
import json
import os
import sys
import time

import numpy as np

import checkpoint
import data
import quiet
import train_lstm_adder
from cli import bit_count, non_negative_int, positive_int
from evaluate import (BLOG_SAMPLES, EXHAUSTIVE_MAX_BITS, pair_squared_errors, predict,
                      sampling_distribution, score, split_by_seen)
from record import machine, record_json
from study_report import (BLOGS_ACTIVATION, README_MARKERS, STOP_PROBABILITY, readme_problem,
                          reaches_stop, write_atomically, write_report)

ACTIVATIONS = train_lstm_adder.RECURRENT_ACTIVATION_CHOICES
EVAL_SEED = 0  # the study's one fixed sample of the blog's 1,000 pairs; evaluate.py's default
SHORT_RUN_CHECKPOINT_EVERY = 10  # epochs between saved states of a plain run


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--seeds", type=positive_int, default=5,
                        help="plain runs per recurrent activation with the default engine "
                             "(seeds 1..N)")
    parser.add_argument("--keras-seeds", type=non_negative_int, default=5,
                        help="plain runs of the blog's LSTM through Keras's own model.fit "
                             "(--engine keras), seeds 1..N")
    parser.add_argument("--epochs", type=positive_int, default=100,
                        help="epochs of each plain run (the blog's 100)")
    parser.add_argument("--long-epochs", type=non_negative_int, default=2000,
                        help="the long schedules' cap in epochs (0: no long schedules); each "
                             f"stops earlier at the first evaluation where a blog-style test "
                             f"shows the blog's figure with probability >= {STOP_PROBABILITY}")
    parser.add_argument("--long-seeds", type=positive_int, default=2,
                        help="long schedules of the blog's LSTM (seeds 1..N); the other "
                             "activation gets one")
    parser.add_argument("--every", type=positive_int, default=25,
                        help="evaluate (and save the state of) the long schedules every K epochs")
    parser.add_argument("--bits", type=bit_count, default=data.BINARY_DIM)
    parser.add_argument("--data-size", type=positive_int, default=10000)
    parser.add_argument("--activations", nargs="+", choices=ACTIVATIONS, default=ACTIVATIONS)
    parser.add_argument("--results", default="results", help="folder of the study's outputs")
    parser.add_argument("--report", action="store_true",
                        help="only write STUDY.md and the plot anew from study.json")
    parser.add_argument("--readme", metavar="FILE",
                        help="also rewrite FILE's study section (between the lines "
                             f"'{README_MARKERS[0]}' and '{README_MARKERS[1]}') with the "
                             "tables and verdict of STUDY.md, each time it is written")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------------------------
# One run: train, evaluating along the way when asked, from its last saved state if it has one.


def figures(net, bits, seen_codes):
    """The blog's figure on the study's fixed 1,000 pairs, and, over every pair: exact sums,
    seen and never seen, and how the blog's figure varies over random 1,000-pair tests."""
    first, second = data.draw_pairs(BLOG_SAMPLES, bits, np.random.RandomState(EVAL_SEED))
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
            exhaustive_mse=every["mse"],
            exact_sum_accuracy=every["exact_sum_accuracy"],
            per_bit_accuracy=every["per_bit_accuracy"],
            seen_exact_sum_accuracy=split["seen"]["exact_sum_accuracy"],
            unseen_exact_sum_accuracy=split["unseen"]["exact_sum_accuracy"],
            seen_pairs=split["seen"]["pairs"],
            sampling=sampling_distribution(pair_squared_errors(outputs, first, second, bits)))
    return result


def run_options(study, plan):
    """train_lstm_adder.py's options for one planned run (its output names its checkpoint)."""
    output = run_output(study, plan)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    options = ["--epochs", plan["epochs"], "--seed", plan["seed"], "--bits", study.bits,
               "--data-size", study.data_size, "--recurrent-activation", plan["activation"],
               "--engine", plan["engine"], "--output", output,
               "--checkpoint-every", plan["every"] or SHORT_RUN_CHECKPOINT_EVERY]
    return train_lstm_adder.parse_args([str(option) for option in options])


def run_output(study, plan):
    """The model path a run would have: it is never saved, but its checkpoint goes beside it."""
    return os.path.join(study.results, "checkpoints", plan["id"] + ".h5")


def checkpoint_path(study, plan):
    return checkpoint.checkpoint_path_for(run_output(study, plan))


def run_one(study, plan, label):
    """Train one planned run (from its saved state, if any) and return its entry for study.json."""
    import keras

    epochs, every = plan["epochs"], plan["every"]
    args = run_options(study, plan)
    saved = checkpoint_path(study, plan)
    resume = checkpoint.load(saved, checkpoint.identity_of(args)) if os.path.exists(saved) else None
    net, first, second, X, Y = train_lstm_adder.prepare(args)
    seen_codes = set(data.pair_codes(first, second, study.bits).tolist())
    evaluations = list(resume[0]["extra"].get("evaluations", [])) if resume else []
    done_before = resume[0]["epoch"] if resume else 0
    if resume:
        print(f"  {label}: going on from its saved state at epoch {done_before}", flush=True)
    started = time.time()

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            done = epoch + 1
            if every and done % every == 0:
                evaluations.append({"epoch": done, **figures(self.model, study.bits, seen_codes)})
                latest = evaluations[-1]
                print(f"  {label}: epoch {done}: blog's figure {latest['blog_figure']:.4f}% on "
                      "the fixed sample"
                      + (f", {100 * latest['sampling']['probability_reaching_blog_figure']:.1f}%"
                         " of random tests reach the blog's" if "sampling" in latest else ""),
                      flush=True)
                if reaches_stop(latest):
                    self.model.stop_training = True
            if done % max(1, epochs // 10) == 0 or done == epochs:
                elapsed = time.time() - started
                left = elapsed / (done - done_before) * (epochs - done)
                print(f"  {label}: epoch {done}/{epochs}, loss {logs['loss']:.6f}, "
                      f"{elapsed / 60:.1f} min elapsed, at most {left / 60:.1f} min left",
                      flush=True)

    losses, seconds = train_lstm_adder.train_network(
        args, net, X, Y, callbacks=[Progress()], resume=resume,
        extra=lambda: {"evaluations": evaluations})
    if evaluations and evaluations[-1]["epoch"] == len(losses):
        final = {key: value for key, value in evaluations[-1].items() if key != "epoch"}
    else:
        final = figures(net, study.bits, seen_codes)
        if every:
            evaluations.append({"epoch": len(losses), **final})
    stopped = ("the stop rule" if every and reaches_stop(final) else
               "the cap" if len(losses) == epochs else "a loss that is not a number")
    entry = {
        "activation": plan["activation"], "seed": plan["seed"], "epochs": epochs,
        "every": every, "bits": study.bits, "data_size": study.data_size,
        "engine": plan["engine"], "versions": train_lstm_adder.versions(), "machine": machine(),
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 1),
        "loss_per_epoch": [float(loss) for loss in losses],
        "figures": final,
        "evaluations": evaluations,
    }
    if every:
        entry["stopped_by"] = stopped
    return entry, saved


# ----------------------------------------------------------------------------------------------
# The study's bookkeeping: what is planned, what is done, and the files written from it.


def planned_runs(study):
    """The planned runs, plain runs first; each a dict with its id, activation, engine, seed,
    epochs and `every` (0 for a plain run, evaluated once at its end)."""
    def plan(run_id, activation, engine, seed, epochs, every):
        return {"id": run_id, "activation": activation, "engine": engine, "seed": seed,
                "epochs": epochs, "every": every}

    runs = [plan(f"{activation}-seed{seed}-{study.epochs}ep", activation, "jax", seed,
                 study.epochs, 0)
            for seed in range(1, study.seeds + 1) for activation in study.activations]
    if BLOGS_ACTIVATION in study.activations:
        runs += [plan(f"{BLOGS_ACTIVATION}-keras-seed{seed}-{study.epochs}ep", BLOGS_ACTIVATION,
                      "keras", seed, study.epochs, 0) for seed in range(1, study.keras_seeds + 1)]
    if study.long_epochs:
        for activation in study.activations:
            seeds = study.long_seeds if activation == BLOGS_ACTIVATION else 1
            runs += [plan(f"{activation}-long-{study.long_epochs}ep-every{study.every}-seed{seed}",
                          activation, "jax", seed, study.long_epochs, study.every)
                     for seed in range(1, seeds + 1)]
    return runs


def load_done(path):
    if not os.path.exists(path):
        return {}
    with open(path) as file:
        return json.load(file)["runs"]


def unfinished_runs(study, runs, planned):
    """The long schedules still under way, as far as their saved states go: their evaluations
    so far, for the report (not for study.json, which holds finished runs only)."""
    found = {}
    for plan in planned:
        saved = checkpoint_path(study, plan)
        if plan["id"] in runs or not plan["every"] or not os.path.exists(saved):
            continue
        meta, _ = checkpoint.load(saved, checkpoint.identity_of(run_options(study, plan)))
        found[plan["id"]] = {
            "activation": plan["activation"], "seed": plan["seed"], "epochs": plan["epochs"],
            "every": plan["every"], "engine": plan["engine"], "stopped_by": None,
            "bits": study.bits,
            "loss_per_epoch": meta["losses"], "evaluations": meta["extra"].get("evaluations", []),
            "machine": machine()}
    return found


def write_outputs(study, runs, planned, command):
    """study.json from the finished runs, then the report from them and the unfinished ones."""
    write_atomically(os.path.join(study.results, "study.json"),
                     record_json({"command": command, "runs": runs}))
    shown = {**runs, **unfinished_runs(study, runs, planned)}
    write_report(study.results, study.readme, shown, planned, command, finished=len(runs))



def main(argv=None):
    study = parse_args(argv)
    command = " ".join(["study.py", *(argv if argv is not None else sys.argv[1:])])
    os.makedirs(study.results, exist_ok=True)
    runs = load_done(os.path.join(study.results, "study.json"))
    planned = planned_runs(study)
    problem = study.readme and readme_problem(study.readme)
    if problem:
        print(f"study.py: error: {problem}", file=sys.stderr)
        return 2
    if study.report:
        write_outputs(study, runs, planned, command)
        print(f"Wrote {study.results}/STUDY.md and learning_curves.png from study.json"
              + (f", and the study section of {study.readme}" if study.readme else ""))
        return 0
    with quiet.tensorflow_startup(study.verbose):
        import keras  # noqa: F401

    todo = [plan for plan in planned if plan["id"] not in runs]
    print(f"{len(planned)} runs planned, {len(planned) - len(todo)} already done", flush=True)
    for number, plan in enumerate(todo, 1):
        label = f"[{number}/{len(todo)}] {plan['id']}"
        print(label, flush=True)
        try:
            runs[plan["id"]], saved = run_one(study, plan, label)
        except checkpoint.CheckpointError as error:
            print(f"study.py: error: {error}", file=sys.stderr)
            return 2
        write_outputs(study, runs, planned, command)
        if os.path.exists(saved):  # the run is in study.json now; its state is not needed
            os.remove(saved)
        result = runs[plan["id"]]["figures"]
        print(f"  done in {runs[plan['id']]['train_seconds'] / 60:.1f} min: blog's figure "
              f"{result['blog_figure']:.4f}%"
              + (f", exact sums {100 * result['exact_sum_accuracy']:.2f}%"
                 if "exact_sum_accuracy" in result else ""), flush=True)
    if not todo:
        write_outputs(study, runs, planned, command)
    print(f"Wrote {study.results}/study.json, STUDY.md and learning_curves.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
