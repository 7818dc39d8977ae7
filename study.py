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
  1,000-pair tests like the blog's (scoring.sampling_distribution);
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
import ctypes
import dataclasses
import datetime
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np

from lstm_adder import backend, checkpoint, cluster, data, keras224, model_file, training
from lstm_adder.blog import BLOG_SAMPLES, BLOGS_ACTIVATION, RECURRENT_ACTIVATION_CHOICES
from lstm_adder.cli import (
    HelpFormatter,
    available_memory,
    bit_count,
    non_negative_int,
    positive_int,
)
from lstm_adder.config import BLOG, TrainingConfig
from lstm_adder.files import WriteError, write_atomically
from lstm_adder.record import machine, record_json, usable_cores
from lstm_adder.report.write import README_MARKERS, ReadmeError, check_readme, write_report
from lstm_adder.scoring import EXHAUSTIVE_MAX_BITS, evaluate, predict, score
from lstm_adder.stop_rule import STOP_PROBABILITY, reaches_stop
from lstm_adder.variants import BY_NAME as VARIANTS_BY_NAME
from lstm_adder.variants import VARIANTS
from lstm_adder.wording import one_line

ACTIVATIONS = RECURRENT_ACTIVATION_CHOICES
EVAL_SEED = 0  # the study's one fixed sample of the blog's 1,000 pairs; evaluate.py's default
SHORT_RUN_CHECKPOINT_EVERY = 10  # epochs between saved states of a plain run


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=HelpFormatter
    )
    add_plan_options(parser)
    add_output_options(parser)
    add_cluster_options(parser)
    study = parser.parse_args(argv)
    cores = usable_cores() or []
    if study.cores_per_run and study.workers and study.cores_per_run * study.workers > len(cores):
        parser.error(
            f"--workers {study.workers} x --cores-per-run {study.cores_per_run} needs "
            f"{study.workers * study.cores_per_run} cores; this machine gives "
            f"{len(cores)}"
        )
    if study.workers and not study.scheduler and cores:
        share = study.cores_per_run or max(1, len(cores) // study.workers)
        # Worker i of the local cluster runs on these cores (none when workers outnumber them).
        study.worker_cores = [cores[i * share : (i + 1) * share] for i in range(study.workers)]
    else:
        study.worker_cores = None
    return study


def add_plan_options(parser):
    """What the study runs: how many runs of which kind, and their shared settings."""
    add_plain_options(parser)
    add_schedule_options(parser)
    add_variant_options(parser)


def add_plain_options(parser):
    """The plain runs, at the blog's epochs, and the settings every run shares."""
    parser.add_argument(
        "--seeds",
        type=positive_int,
        default=100,
        help="plain runs of the blog's LSTM (Keras 2's hard sigmoid) with the "
        "default engine, seeds 1..N",
    )
    parser.add_argument(
        "--other-seeds",
        type=non_negative_int,
        default=5,
        help="plain runs of each other recurrent activation (the sigmoid), seeds 1..N",
    )
    parser.add_argument(
        "--keras-seeds",
        type=non_negative_int,
        default=5,
        help="plain runs of the blog's LSTM through Keras's own model.fit "
        "(--engine keras), seeds 1..N",
    )
    parser.add_argument(
        "--keras224-seeds",
        type=non_negative_int,
        default=20,
        help="plain runs of the blog's LSTM by the blog's own Keras 2.2.4 "
        f"(--engine {keras224.ENGINE}), seeds 1..N",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=BLOG.epochs,
        help="epochs of each plain run and each variant (the blog's 100)",
    )
    parser.add_argument(
        "--bits",
        type=bit_count,
        default=BLOG.bits,
        help="bits per operand of every run (the blog's BINARY_DIM), 1..16",
    )
    parser.add_argument(
        "--data-size",
        type=positive_int,
        default=BLOG.data_size,
        help="training pairs of every run but the variants that change it (the blog's 10,000)",
    )
    parser.add_argument(
        "--activations",
        nargs="+",
        choices=ACTIVATIONS,
        default=ACTIVATIONS,
        help="the recurrent activations studied (default: both, the blog's Keras 2 "
        "hard sigmoid and the sigmoid)",
    )


def add_schedule_options(parser):
    """The long and the observed schedules."""
    parser.add_argument(
        "--long-epochs",
        type=non_negative_int,
        default=2000,
        help="the long schedules' cap in epochs (0: no long schedules); each "
        f"stops earlier at the first evaluation where a blog-style test "
        f"shows the blog's figure with probability >= {STOP_PROBABILITY}",
    )
    parser.add_argument(
        "--long-seeds",
        type=positive_int,
        default=4,
        help="long schedules of the blog's LSTM (seeds 1..N); the other activation gets one",
    )
    parser.add_argument(
        "--observed-epochs",
        type=non_negative_int,
        default=1500,
        help="length of the observed schedules of the blog's LSTM (0: none): "
        "long schedules without the stop rule, evaluated every K epochs to "
        "the end, so that the chance at each epoch is measured on every "
        "schedule",
    )
    parser.add_argument(
        "--observed-schedules",
        type=non_negative_int,
        default=16,
        help="observed schedules of the blog's LSTM, with the seeds after "
        "--long-seeds' (the default: seeds 5..20)",
    )
    parser.add_argument(
        "--every",
        type=positive_int,
        default=25,
        help="evaluate (and save the state of) the long and observed schedules every K epochs",
    )


def add_variant_options(parser):
    """The variants: one change to the blog's script each."""
    parser.add_argument(
        "--variants",
        nargs="*",
        choices=list(VARIANTS_BY_NAME),
        default=[variant.name for variant in VARIANTS],
        metavar="NAME",
        help="the blog's LSTM with one change to the blog's script, each for "
        "--epochs epochs: " + ", ".join(VARIANTS_BY_NAME) + " (none: no "
        "variants; default: all)",
    )
    parser.add_argument(
        "--variant-seeds",
        type=non_negative_int,
        default=10,
        help="runs of each variant, seeds 1..N",
    )


def add_output_options(parser):
    """Where the study writes, and what it only rewrites."""
    parser.add_argument("--results", default="results", help="folder of the study's outputs")
    parser.add_argument(
        "--report",
        action="store_true",
        help="only write STUDY.md and the plot anew from study.json",
    )
    parser.add_argument(
        "--readme",
        metavar="FILE",
        nargs="+",
        help="also rewrite each FILE's answer (between the lines "
        f"'{README_MARKERS['en'][0]}' and '{README_MARKERS['en'][1]}', or "
        f"'{README_MARKERS['zh-CN'][0]}' and '{README_MARKERS['zh-CN'][1]}' "
        "in Chinese) from the runs, each time STUDY.md is written",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show TensorFlow's and Keras's start-up and warning messages",
    )


def add_cluster_options(parser):
    """Where the runs run: this process, a local Dask cluster, or an existing one."""
    parser.add_argument(
        "--workers",
        type=non_negative_int,
        default=default_workers(),
        help="runs at a time on this machine, through a local Dask cluster that "
        "listens on 127.0.0.1 only; 0: one run at a time inside this "
        "process, without Dask (default: %(default)s here: one per core, as "
        "memory allows)",
    )
    parser.add_argument(
        "--cores-per-run",
        type=positive_int,
        metavar="K",
        help="pin each local worker's runs to K cores (default: the cores "
        "shared out among --workers). A run's weights depend on how many "
        "threads computed them: keep K to compare runs bit for bit",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="send the runs to an existing Dask cluster instead (tcp://HOST:PORT, "
        "or tls://HOST:PORT with the certificates of Dask's configuration); "
        "its workers must run this folder's code and share --results",
    )
    parser.add_argument(
        "--dashboard",
        metavar="PORT",
        type=non_negative_int,
        help="serve the local cluster's Dask dashboard on 127.0.0.1:PORT "
        "(by default there is none)",
    )


def default_workers():
    """One worker per core, as long as each can have about 2 GiB of memory (a run on the JAX
    backend peaks near 1 GiB; make bench measures runs an hour at 1 and 2 workers)."""
    cores = len(usable_cores() or ()) or os.cpu_count() or 1
    memory = available_memory()
    return max(1, min(cores, memory // 2**31 if memory else cores))


# ----------------------------------------------------------------------------------------------
# One run: train, evaluating along the way when asked, from its last saved state if it has one.


def evaluate_network(network, bits, seen_codes):
    """The blog's figure on the study's fixed 1,000 pairs, and, over every pair: exact sums,
    seen and never seen, and how the blog's figure varies over random 1,000-pair tests
    (`network`: a model.Network, the weights as evaluate.py reads them)."""
    first, second = data.draw_pairs(BLOG_SAMPLES, bits, np.random.RandomState(EVAL_SEED))
    sampled = score(predict(network, first, second, bits), first, second, bits)
    result = {
        "blog_figure": sampled["blog_figure"],
        "sampled_mse": sampled["mse"],
        "sampled_exact_sum_accuracy": sampled["exact_sum_accuracy"],
    }
    if bits <= EXHAUSTIVE_MAX_BITS:
        every, _, _ = evaluate(network, bits, *data.all_pairs(bits), seen_codes, exhaustive=True)
        result.update(
            exhaustive_blog_figure=every["blog_figure"],
            exhaustive_mse=every["mse"],
            exact_sum_accuracy=every["exact_sum_accuracy"],
            per_bit_accuracy=every["per_bit_accuracy"],
            seen_exact_sum_accuracy=every["seen"]["exact_sum_accuracy"],
            unseen_exact_sum_accuracy=every["unseen"]["exact_sum_accuracy"],
            # The training loss is the MSE on the training pairs (with dropout on): beside it,
            # the MSE on the pairs never seen in training shows how much of it carries over.
            seen_mse=every["seen"]["mse"],
            unseen_mse=every["unseen"]["mse"],
            seen_pairs=every["seen"]["pairs"],
            sampling=every["sampling"],
        )
    return result


def run_config(study, plan):
    """The training configuration of one planned run: the study's settings, the plan's, and a
    variant's one change; its whole state is saved under results/checkpoints/."""
    config = TrainingConfig(
        epochs=plan["epochs"],
        seed=plan["seed"],
        bits=study.bits,
        data_size=study.data_size,
        recurrent_activation=plan["activation"],
        engine=plan["engine"],
        checkpoint=os.path.join(study.results, "checkpoints", plan["id"] + ".checkpoint.npz"),
        # Keras 2.2.4's fit keeps Adam's state to itself: its runs start again when stopped.
        checkpoint_every=0
        if plan["engine"] == keras224.ENGINE
        else plan["every"] or SHORT_RUN_CHECKPOINT_EVERY,
    )
    variant = plan.get("variant")
    return dataclasses.replace(config, **VARIANTS_BY_NAME[variant].change) if variant else config


def run_one(config, plan, label, verbose=False):
    """Train one planned run (from its saved state, if any) and return its entry for study.json."""
    if config.engine == keras224.ENGINE:
        return run_one_on_keras224(config, plan, label, verbose)
    from lstm_adder import model

    saved = config.checkpoint
    resume = checkpoint.load(saved, config.identity()) if os.path.exists(saved) else None
    os.makedirs(os.path.dirname(saved), exist_ok=True)
    net, first, second, X, Y = training.prepare(config, verbose)  # Keras on the engine's backend
    from lstm_adder.callbacks import EachEpoch

    seen_codes = set(data.pair_codes(first, second, config.bits).tolist())
    evaluations = list(resume[0]["extra"].get("evaluations", [])) if resume else []
    done_before = resume[0]["epoch"] if resume else 0
    if resume:
        print(f"  {label}: going on from its saved state at epoch {done_before}", flush=True)
    after_epoch = progress(config, plan, label, net, seen_codes, evaluations, done_before)
    losses, seconds = training.train_network(
        config,
        net,
        X,
        Y,
        callbacks=[EachEpoch(after_epoch)],
        resume=resume,
        extra=lambda: {"evaluations": evaluations},
    )
    if evaluations and evaluations[-1]["epoch"] == len(losses):
        final = {key: value for key, value in evaluations[-1].items() if key != "epoch"}
    else:
        final = evaluate_network(model.network_of(net), config.bits, seen_codes)
        if plan["every"]:
            evaluations.append({"epoch": len(losses), **final})
    return run_entry(config, plan, losses, seconds, final, evaluations, training.versions())


def run_one_on_keras224(config, plan, label, verbose):
    """A plain run trained by Keras 2.2.4 in a process of its own, scored from the file it
    saved (read as evaluate.py reads a user's file) on the pairs it trained on."""
    first, second, _, _ = training.draw_data(config)
    seen_codes = set(data.pair_codes(first, second, config.bits).tolist())
    print(f"  {label}: training with Keras {keras224.VERSION}", flush=True)
    # Keras 2.2.4 prints a line an epoch on stdout, and a --job's stdout is its outcome: no lines.
    with keras224.training(config, verbose, progress=0) as run:
        if not np.all(np.isfinite(run.losses)):  # TerminateOnNaN ended it; it saved nothing
            raise keras224.Keras224Error(
                f"{label}: the loss became {run.losses[-1]} in epoch {len(run.losses)}"
            )
        network, _ = model_file.read(run.model_file)
    final = evaluate_network(network, config.bits, seen_codes)
    return run_entry(config, plan, run.losses, run.seconds, final, [], run.versions)


def progress(config, plan, label, net, seen_codes, evaluations, done_before):
    """What a run does after each epoch: every `every` epochs, evaluate the network into
    `evaluations` (and say whether the stop rule ends the run); now and then, say how far it is."""
    from lstm_adder import model

    epochs, every, started = plan["epochs"], plan["every"], time.time()

    def after_epoch(done, logs):
        stop = False
        if every and done % every == 0:
            evaluations.append(
                {"epoch": done, **evaluate_network(model.network_of(net), config.bits, seen_codes)}
            )
            latest = evaluations[-1]
            print(
                f"  {label}: epoch {done}: blog's figure {latest['blog_figure']:.4f}% on the "
                "fixed sample"
                + (
                    f", {100 * latest['sampling']['probability_reaching_blog_figure']:.1f}% of "
                    "random tests reach the blog's"
                    if "sampling" in latest
                    else ""
                ),
                flush=True,
            )
            stop = plan["stop_rule"] and reaches_stop(latest)
        if done % max(1, epochs // 10) == 0 or done == epochs:
            elapsed = time.time() - started
            left = elapsed / (done - done_before) * (epochs - done)
            print(
                f"  {label}: epoch {done}/{epochs}, loss {logs['loss']:.6f}, "
                f"{elapsed / 60:.1f} min elapsed, at most {left / 60:.1f} min left",
                flush=True,
            )
        return stop

    return after_epoch


def run_entry(config, plan, losses, seconds, final, evaluations, versions):
    """A finished run as study.json keeps it; `versions`: what trained it."""
    stopped = (
        "the stop rule"
        if plan["stop_rule"] and reaches_stop(final)
        else "the cap"
        if len(losses) == plan["epochs"]
        else "a loss that is not a number"
    )
    cores = usable_cores()
    entry = {
        "activation": plan["activation"],
        "seed": plan["seed"],
        "epochs": plan["epochs"],
        "every": plan["every"],
        "bits": config.bits,
        "data_size": config.data_size,
        "engine": plan["engine"],
        "versions": versions,
        "machine": machine(),
        # The weights depend on how many threads computed them: the cores this run had.
        "cores": len(cores) if cores else None,
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "train_seconds": round(seconds, 1),
        "loss_per_epoch": [float(loss) for loss in losses],
        "figures": final,
        "evaluations": evaluations,
    }
    if plan["every"]:
        entry["stopped_by"], entry["stop_rule"] = stopped, plan["stop_rule"]
    if plan.get("variant"):
        entry["variant"] = plan["variant"]
        entry["config"] = {
            key: value
            for key, value in config.as_dict().items()
            if key not in ("checkpoint", "checkpoint_every")
        }
    return entry


def run_here_or_apart(study, plan, label):
    """run_one in this process, or in a fresh one where Keras already runs here on another
    backend than the run's engine needs (Keras cannot switch backends in a running process).
    Keras 2.2.4 always trains in a process of its own (keras224.training)."""
    current = backend.imported()
    if (
        plan["engine"] == keras224.ENGINE
        or current is None
        or current == backend.wanted(plan["engine"])[0]
    ):
        return run_one(run_config(study, plan), plan, label, study.verbose)
    return outcome_of(
        subprocess.run(job_command(study, plan, label), stdout=subprocess.PIPE, text=True), label
    )


# A run on Dask (lstm_adder/cluster.py) is the command line of `study.py --job`, run by a worker.


def job_command(study, plan, label):
    """The command line of one run in a process of its own (study.py --job), every path in it
    absolute: a worker of a cluster runs it from a folder of its own."""
    config = run_config(study, plan)
    config = dataclasses.replace(config, checkpoint=os.path.abspath(config.checkpoint))
    job = {"config": config.as_dict(), "plan": plan, "label": label, "verbose": study.verbose}
    return [sys.executable, os.path.abspath(__file__), "--job", json.dumps(job)]


def outcome_of(finished, label):
    """The entry for study.json that a run's process (a subprocess.CompletedProcess) printed."""
    try:
        outcome = json.loads(finished.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise cluster.RunDied(
            f"{label}: its process ended with exit status {finished.returncode} and no result"
        ) from None
    if "checkpoint_error" in outcome:
        raise checkpoint.CheckpointError(outcome["checkpoint_error"])
    if "write_error" in outcome:
        raise RunWriteError(outcome["write_error"])
    if "keras224_error" in outcome:
        raise keras224.Keras224Error(outcome["keras224_error"])
    return outcome["entry"]


class RunWriteError(Exception):
    """A run's process could not write its saved state (files.WriteError there), in one line."""


def run_job(text):
    """The process of one run (study.py --job JSON): its outcome is the one line it prints on
    stdout; its progress, and whatever a library prints, go to stderr (a worker's log)."""
    if "MALLOC_TRIM_THRESHOLD_" in os.environ:
        # Dask's nanny gives its workers MALLOC_TRIM_THRESHOLD_=65536, so that they hand memory
        # back: glibc then returns the training step's large buffers after every use, which
        # doubled a run's time here (most of it in the kernel). glibc reads it as a process
        # starts: start again without it.
        os.execve(
            sys.executable,
            [sys.executable, *sys.argv],
            {key: value for key, value in os.environ.items() if key != "MALLOC_TRIM_THRESHOLD_"},
        )
    if sys.platform == "linux":  # the run dies with its worker: a killed worker leaves none
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    # Ctrl-C reaches every process of the terminal's group: the study process alone takes it
    # and ends the rest, without a traceback from each.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    job = json.loads(text)
    sys.stdout.flush()
    result = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    try:
        outcome = {
            "entry": run_one(
                TrainingConfig(**job["config"]), job["plan"], job["label"], job["verbose"]
            )
        }
    except checkpoint.CheckpointError as error:
        outcome = {"checkpoint_error": str(error)}
    except WriteError as error:
        outcome = {"write_error": str(error)}
    except keras224.Keras224Error as error:
        outcome = {"keras224_error": str(error)}
    sys.stdout.flush()
    result.write(json.dumps(outcome) + "\n")
    result.close()
    return 0


# ----------------------------------------------------------------------------------------------
# The study's bookkeeping: what is planned, what is done, and the files written from it.


def planned_runs(study):
    """The planned runs, plain runs first, the variants last; each a dict with its id,
    activation, engine, seed, epochs, `every` (0 for a plain run or a variant, evaluated once at
    its end), whether the stop rule ends it (the long schedules; not the observed ones) and, for
    a variant, its name."""
    return [*plain_plans(study), *schedule_plans(study), *variant_plans(study)]


def plan(run_id, activation, seed, epochs, every=0, engine="jax", stop_rule=False, variant=None):
    """One planned run, as planned_runs describes it."""
    planned = {
        "id": run_id,
        "activation": activation,
        "engine": engine,
        "seed": seed,
        "epochs": epochs,
        "every": every,
        "stop_rule": stop_rule,
    }
    return {**planned, "variant": variant} if variant else planned


def plain_plans(study):
    """The plain runs: each activation's seeds with the default engine, then the blog's LSTM
    through model.fit."""

    def seeds_of(activation):
        return study.seeds if activation == BLOGS_ACTIVATION else study.other_seeds

    runs = [
        plan(f"{activation}-seed{seed}-{study.epochs}ep", activation, seed, study.epochs)
        for seed in range(1, max(map(seeds_of, study.activations)) + 1)
        for activation in study.activations
        if seed <= seeds_of(activation)
    ]
    if BLOGS_ACTIVATION in study.activations:
        runs += [
            plan(
                f"{BLOGS_ACTIVATION}-keras-seed{seed}-{study.epochs}ep",
                BLOGS_ACTIVATION,
                seed,
                study.epochs,
                engine="keras",
            )
            for seed in range(1, study.keras_seeds + 1)
        ]
        runs += [
            plan(
                f"{BLOGS_ACTIVATION}-{keras224.ENGINE}-seed{seed}-{study.epochs}ep",
                BLOGS_ACTIVATION,
                seed,
                study.epochs,
                engine=keras224.ENGINE,
            )
            for seed in range(1, study.keras224_seeds + 1)
        ]
    return runs


def schedule_plans(study):
    """The long schedules (with the stop rule) and the observed ones (without)."""
    runs = []
    if study.long_epochs:
        for activation in study.activations:
            seeds = study.long_seeds if activation == BLOGS_ACTIVATION else 1
            runs += [
                plan(
                    f"{activation}-long-{study.long_epochs}ep-every{study.every}-seed{seed}",
                    activation,
                    seed,
                    study.long_epochs,
                    study.every,
                    stop_rule=True,
                )
                for seed in range(1, seeds + 1)
            ]
    if study.observed_epochs and BLOGS_ACTIVATION in study.activations:
        first = study.long_seeds + 1
        runs += [
            plan(
                f"{BLOGS_ACTIVATION}-observed-{study.observed_epochs}ep-every{study.every}-"
                f"seed{seed}",
                BLOGS_ACTIVATION,
                seed,
                study.observed_epochs,
                study.every,
            )
            for seed in range(first, first + study.observed_schedules)
        ]
    return runs


def variant_plans(study):
    """The blog's LSTM with one change to the blog's script, seeds 1..--variant-seeds each."""
    if BLOGS_ACTIVATION not in study.activations:
        return []
    return [
        plan(
            f"variant-{variant.name}-seed{seed}-{study.epochs}ep",
            BLOGS_ACTIVATION,
            seed,
            study.epochs,
            variant=variant.name,
        )
        for variant in VARIANTS
        if variant.name in study.variants
        for seed in range(1, study.variant_seeds + 1)
    ]


def running_order(todo):
    """The runs still to do, the long schedules spread evenly among the plain runs from the
    first place on: with several workers the longest runs start early, and plain results still
    come in from the start."""
    long_runs = [plan for plan in todo if plan["every"]]
    plain = [plan for plan in todo if not plan["every"]]
    ordered = []
    for index, plan in enumerate(long_runs):
        ordered.append(plan)
        ordered += plain[
            len(plain) * index // len(long_runs) : len(plain) * (index + 1) // len(long_runs)
        ]
    return ordered or plain


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
        config = run_config(study, plan)
        if plan["id"] in runs or not plan["every"] or not os.path.exists(config.checkpoint):
            continue
        meta, _ = checkpoint.load(config.checkpoint, config.identity())
        found[plan["id"]] = {
            "activation": plan["activation"],
            "seed": plan["seed"],
            "epochs": plan["epochs"],
            "every": plan["every"],
            "engine": plan["engine"],
            "stopped_by": None,
            "bits": study.bits,
            "loss_per_epoch": meta["losses"],
            "evaluations": meta["extra"].get("evaluations", []),
            "machine": machine(),
        }
    return found


def remove_state(study, plan):
    """A run's saved state, once the run is in study.json: nothing reads it any more."""
    saved = run_config(study, plan).checkpoint
    if os.path.exists(saved):
        os.remove(saved)


def remove_finished_states(study, runs, planned):
    """The saved states of runs already in study.json: a study stopped between recording a run
    and removing its state leaves one."""
    for plan in planned:
        if plan["id"] in runs:
            remove_state(study, plan)


def write_outputs(study, runs, planned, command):
    """study.json from the finished runs, then the report from them and the unfinished ones."""
    write_atomically(
        os.path.join(study.results, "study.json"), record_json({"command": command, "runs": runs})
    )
    shown = {**runs, **unfinished_runs(study, runs, planned)}
    write_report(study.results, study.readme, shown, planned, command, finished=len(runs))


def report_only(study, runs, planned, command):
    """study.py --report: the report and the READMEs' answers anew from study.json."""
    try:
        write_outputs(study, runs, planned, command)
    except WriteError as error:
        print(f"study.py: error: {error}", file=sys.stderr)
        return 1
    print(
        f"Wrote {study.results}/STUDY.md and learning_curves.png from study.json"
        + (f", and the answer in {' and '.join(study.readme)}" if study.readme else "")
    )
    return 0


def run_todo(study, todo, finished):
    """Run the planned runs still to do, on Dask or one at a time here; finished(plan, entry)
    as each one ends."""
    labels = {
        plan["id"]: f"[{number}/{len(todo)}] {plan['id']}" for number, plan in enumerate(todo, 1)
    }
    if study.workers or study.scheduler:
        cluster.run_commands(
            [
                (plan, labels[plan["id"]], job_command(study, plan, labels[plan["id"]]))
                for plan in todo
            ],
            lambda plan, done: finished(
                plan, outcome_of(done, labels[plan["id"]]), labels[plan["id"]]
            ),
            scheduler=study.scheduler,
            workers=study.workers,
            worker_cores=study.worker_cores,
            dashboard=study.dashboard,
        )
        return
    for plan in todo:
        print(labels[plan["id"]], flush=True)
        finished(plan, run_here_or_apart(study, plan, labels[plan["id"]]), labels[plan["id"]])


def run_study(study, runs, planned, command):
    """Run what is still to do, writing study.json and the report after every run; each error
    as one line and an exit status."""
    os.makedirs(study.results, exist_ok=True)
    remove_finished_states(study, runs, planned)
    todo = running_order([plan for plan in planned if plan["id"] not in runs])
    print(f"{len(planned)} runs planned, {len(planned) - len(todo)} already done", flush=True)

    def finished(plan, entry, label):
        """Only this process writes study.json and the report, after every finished run."""
        runs[plan["id"]] = entry
        write_outputs(study, runs, planned, command)
        remove_state(study, plan)
        result = entry["figures"]
        print(
            f"{label}: done in {entry['train_seconds'] / 60:.1f} min: blog's "
            f"figure {result['blog_figure']:.4f}%"
            + (
                f", exact sums {100 * result['exact_sum_accuracy']:.2f}%"
                if "exact_sum_accuracy" in result
                else ""
            ),
            flush=True,
        )

    def kept():
        return f"{len(runs)} finished runs are in {study.results}/study.json"

    try:
        run_todo(study, todo, finished)
        if not todo:
            write_outputs(study, runs, planned, command)
    except (checkpoint.CheckpointError, cluster.SchedulerError) as error:
        print(f"study.py: error: {error}", file=sys.stderr)
        return 2
    except keras224.Keras224Error as error:
        print(f"study.py: error: {error}; {kept()}", file=sys.stderr)
        return 1
    except cluster.RunDied as error:  # again and again (Dask: KilledWorker)
        print(
            f"study.py: error: {one_line(error)}; {kept()}, and the same "
            "command goes on from each run's last saved state",
            file=sys.stderr,
        )
        return 1
    except (WriteError, RunWriteError) as error:  # a full disk: every file is as it was
        print(
            f"study.py: error: {error}; {kept()}, and the same command goes on from each run's "
            "last saved state once it can write",
            file=sys.stderr,
        )
        return 1
    print(f"Wrote {study.results}/study.json, STUDY.md and learning_curves.png")
    return 0


def main(argv=None):
    if argv is None and sys.argv[1:2] == ["--job"]:  # job_command's process of one run
        return run_job(sys.argv[2])
    study = parse_args(argv)
    command = " ".join(["study.py", *(argv if argv is not None else sys.argv[1:])])
    runs = load_done(os.path.join(study.results, "study.json"))
    planned = planned_runs(study)
    try:
        for readme in study.readme or ():
            check_readme(readme)
    except ReadmeError as error:
        print(f"study.py: error: {error}", file=sys.stderr)
        return 2
    if study.report:
        return report_only(study, runs, planned, command)
    # Background jobs start with SIGINT ignored, and a study is often one: take it, and
    # SIGTERM, as Ctrl-C (until the study ends: main may be called from other code).
    handlers = {
        number: signal.signal(number, signal.default_int_handler)
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return run_study(study, runs, planned, command)
    except KeyboardInterrupt:
        print(
            f"\nstudy.py: interrupted; {len(runs)} finished runs are in "
            f"{study.results}/study.json, and each unfinished one goes on from its last saved "
            "state when the same command runs again",
            file=sys.stderr,
        )
        return 128 + signal.SIGINT
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


if __name__ == "__main__":
    sys.exit(main())
