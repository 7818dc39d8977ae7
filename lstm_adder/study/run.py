"""One run of the study: train it (from its last saved state, if it has one), evaluate it along
the way when its plan asks, and return it as study.json keeps it (runs.StudyRun).

It trains through train_lstm_adder.py's own code (training.py: data, network, engines and
checkpoints) and is scored with evaluate.py's: the blog's figure on one fixed sample of 1,000
fresh pairs, and over every pair the exact-sum accuracy, seen and never seen.
"""

import datetime
import os
import time

import numpy as np

from lstm_adder import checkpoint, data, keras224, model_file, training
from lstm_adder.blog import BLOG_SAMPLES
from lstm_adder.config import KERAS_224, TrainingConfig
from lstm_adder.record import machine, usable_cores
from lstm_adder.scoring import (
    EXHAUSTIVE_MAX_BITS,
    SAMPLING_DRAWS,
    TEST_SEED,
    evaluate,
    predict,
    score,
)
from lstm_adder.stop_rule import reaches_stop
from lstm_adder.study.plan import Plan
from lstm_adder.study.runs import (
    Evaluation,
    Figures,
    Status,
    StopReason,
    StudyRun,
    without_checkpoint,
)


def evaluate_network(network, bits, seen_codes, draws=SAMPLING_DRAWS) -> Figures:
    """The blog's figure on the study's fixed 1,000 pairs, and, over every pair: exact sums,
    seen and never seen, and how the blog's figure varies over `draws` random 1,000-pair tests
    (`network`: a model.Network, the weights as evaluate.py reads them)."""
    first, second = data.draw_pairs(BLOG_SAMPLES, bits, np.random.RandomState(TEST_SEED))
    sampled = score(predict(network, first, second, bits), first, second, bits)
    result = Figures(
        blog_figure=sampled["blog_figure"],
        sampled_mse=sampled["mse"],
        sampled_exact_sum_accuracy=sampled["exact_sum_accuracy"],
    )
    if bits <= EXHAUSTIVE_MAX_BITS:
        every, _, _ = evaluate(
            network, bits, *data.all_pairs(bits), seen_codes, exhaustive=True, draws=draws
        )
        result |= Figures(
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


def run_one(
    config: TrainingConfig, plan: Plan, label: str, verbose: bool = False, draws=SAMPLING_DRAWS
) -> StudyRun:
    """Train one planned run (from its saved state, if any) and return it, finished."""
    if config.engine == KERAS_224:
        return run_one_on_keras224(config, plan, label, verbose, draws)
    from lstm_adder import model
    from lstm_adder.callbacks import EachEpoch

    saved = config.checkpoint
    if saved is None:
        raise ValueError("a study's run keeps its training state: its config needs a checkpoint")
    resume = checkpoint.load(saved, config.identity()) if os.path.exists(saved) else None
    os.makedirs(os.path.dirname(saved), exist_ok=True)
    net, first, second, X, Y = training.prepare(config, verbose)  # Keras on the engine's backend
    seen_codes = set(data.pair_codes(first, second, config.bits).tolist())
    evaluations: list[Evaluation] = (
        list(resume[0]["extra"].get("evaluations", [])) if resume else []
    )
    done_before = resume[0]["epoch"] if resume else 0
    if resume:
        print(f"  {label}: going on from its saved state at epoch {done_before}", flush=True)

    def evaluated():
        return evaluate_network(model.network_of(net), config.bits, seen_codes, draws)

    after_epoch = after_each_epoch(plan, label, evaluated, evaluations, done_before)
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
        final = evaluated()
        if plan.evaluated_along:
            evaluations.append({"epoch": len(losses), **final})
    return finished_run(config, plan, losses, seconds, final, evaluations, training.versions())


def run_one_on_keras224(config, plan, label, verbose, draws):
    """A plain run trained by Keras 2.2.4 in a process of its own, scored from the file it
    saved (read as evaluate.py reads a user's file) on the pairs it trained on."""
    first, second, _, _ = training.draw_data(config)
    seen_codes = set(data.pair_codes(first, second, config.bits).tolist())
    print(f"  {label}: training with Keras {keras224.VERSION}", flush=True)
    # Keras 2.2.4 prints a line an epoch on stdout, and a job's stdout is its outcome: no lines.
    with keras224.training(config, verbose, progress=0) as run:
        if not np.all(np.isfinite(run.losses)):  # TerminateOnNaN ended it; it saved nothing
            raise keras224.Keras224Error(
                f"{label}: the loss became {run.losses[-1]} in epoch {len(run.losses)}"
            )
        network, _ = model_file.read(run.model_file)
    final = evaluate_network(network, config.bits, seen_codes, draws)
    return finished_run(config, plan, run.losses, run.seconds, final, [], run.versions)


def after_each_epoch(plan, label, evaluated, evaluations, done_before):
    """The callback a run calls after each epoch (it returns whether the stop rule ends the
    run): every `every` epochs of a long schedule it adds evaluated() to `evaluations`, says
    so and asks the stop rule; now and then it says how far the run is."""
    epochs, every, started = plan.epochs, plan.every, time.time()

    def after_epoch(done, logs):
        stop = False
        if plan.evaluated_along and done % every == 0:
            evaluations.append({"epoch": done, **evaluated()})
            say_evaluation(label, evaluations[-1])
            stop = plan.stop_rule and reaches_stop(evaluations[-1])
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


def say_evaluation(label: str, latest: Evaluation) -> None:
    """One line on an evaluation along a long schedule."""
    print(
        f"  {label}: epoch {latest['epoch']}: blog's figure {latest['blog_figure']:.4f}% on the "
        "fixed sample"
        + (
            f", {100 * latest['sampling']['probability_reaching_blog_figure']:.1f}% of "
            "random tests reach the blog's"
            if "sampling" in latest
            else ""
        ),
        flush=True,
    )


def finished_run(config, plan, losses, seconds, final, evaluations, versions) -> StudyRun:
    """A finished run as study.json keeps it; `versions`: what trained it."""
    stopped = None
    if plan.evaluated_along:
        stopped = (
            StopReason.STOP_RULE
            if plan.stop_rule and reaches_stop(final)
            else StopReason.CAP
            if len(losses) == plan.epochs
            else StopReason.NOT_A_NUMBER
        )
    cores = usable_cores()
    return StudyRun(
        plan=plan,
        config=without_checkpoint(config),
        status=Status.FINISHED,
        loss_per_epoch=[float(loss) for loss in losses],
        figures=final,
        evaluations=evaluations,
        stopped_by=stopped,
        versions=versions,
        machine=machine(),
        cores=len(cores) if cores else None,
        finished_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        train_seconds=round(seconds, 1),
    )
