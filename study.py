"""Reproduction study: does the blog's 99.98892793562263% replicate, and what does it take?

    make study                                   # hours: run it in the background; it resumes
    .venv/bin/python study.py --seeds 2 --keras-seeds 1 --epochs 2 --bits 4 --long-epochs 4 \\
        --long-seeds 1 --every 2 --results /tmp/tiny-study     # a tiny study, for trying it out
    .venv/bin/python study.py --report           # STUDY.md and the plots anew from study.json

It answers its questions about the blog's number with runs of the blog's own settings
(docs/study.md gives the design):
- luck of the training run: 100 seeds of the blog's LSTM at the blog's 100 epochs on the
  default engine, 5 of the sigmoid, 5 through Keras's own model.fit and 20 by the blog's own
  Keras 2.2.4 (so that the project's JAX engine is not what is being measured);
- luck of the test sample: at every evaluation, how the blog's figure varies over random
  1,000-pair tests like the blog's (scoring.sampling_distribution);
- time: long schedules evaluated every 25 epochs, 4 of the blog's LSTM and 1 with sigmoid
  stopping once at least half of such tests would show the blog's figure (or at 2,000 epochs),
  and 16 observed to 1,500 epochs without that rule;
- one change to the blog's script: 10 runs of each variant (variants.py).

The library is lstm_adder/study/, the report lstm_adder/report/: this command makes its options
a StudySettings and says what went wrong in one line. Resumable: a run saves its training state
under results/checkpoints/ as it goes; each finished run goes to results/study.json, and the
report is written anew from study.json after every run.
"""

import argparse
import os
import signal
import sys

from lstm_adder import checkpoint, keras224
from lstm_adder.blog import RECURRENT_ACTIVATION_CHOICES
from lstm_adder.cli import (
    HelpFormatter,
    available_memory,
    bit_count,
    non_negative_int,
    positive_int,
)
from lstm_adder.files import WriteError
from lstm_adder.record import usable_cores
from lstm_adder.report.write import README_MARKERS, ReadmeError, check_readme
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.study import cluster
from lstm_adder.study.job import RunWriteError
from lstm_adder.study.ledger import load_done, write_report_of
from lstm_adder.study.plan import planned_runs
from lstm_adder.study.runner import run_all
from lstm_adder.study.settings import StudySettings
from lstm_adder.variants import BY_NAME as VARIANTS_BY_NAME
from lstm_adder.wording import one_line

DEFAULT = StudySettings()


def parse_args(argv=None) -> tuple[StudySettings, bool]:
    """The study's settings from its options, and whether it only writes the report."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=HelpFormatter
    )
    add_plan_options(parser)
    add_output_options(parser)
    add_cluster_options(parser)
    options = vars(parser.parse_args(argv))
    report = options.pop("report")
    cores = usable_cores() or []
    workers, per_run = options["workers"], options["cores_per_run"]
    if per_run and workers and per_run * workers > len(cores):
        parser.error(
            f"--workers {workers} x --cores-per-run {per_run} needs {workers * per_run} cores; "
            f"this machine gives {len(cores)}"
        )
    worker_cores = None
    if workers and not options["scheduler"] and cores:
        share = per_run or max(1, len(cores) // workers)
        # Worker i of the local cluster runs on these cores (none when workers outnumber them).
        worker_cores = tuple(tuple(cores[i * share : (i + 1) * share]) for i in range(workers))
    for name in ("activations", "variants", "readme"):
        options[name] = tuple(options[name] or ())
    return StudySettings(**options, worker_cores=worker_cores), report


# The options of what the study runs, by group: (option, type, help); each default is
# StudySettings'.
PLAN_OPTIONS = {
    "plain runs, at the blog's epochs": (
        ("--seeds", positive_int, "of the blog's LSTM (Keras 2's hard sigmoid) on the default "
         "engine, seeds 1..N"),
        ("--other-seeds", non_negative_int, "of each other recurrent activation (the sigmoid), "
         "seeds 1..N"),
        ("--keras-seeds", non_negative_int, "of the blog's LSTM through Keras's own model.fit "
         "(--engine keras), seeds 1..N"),
        ("--keras224-seeds", non_negative_int, "of the blog's LSTM by the blog's own Keras "
         f"{keras224.VERSION} (--engine {keras224.ENGINE}), seeds 1..N"),
    ),
    "every run": (
        ("--epochs", positive_int, "of each plain run and each variant (the blog's)"),
        ("--bits", bit_count, "per operand (the blog's BINARY_DIM), 1..16"),
        ("--data-size", positive_int, "training pairs of every run but the variants that "
         "change it (the blog's)"),
        ("--draws", positive_int, "random blog-style 1,000-pair tests simulated at each "
         "evaluation (Monte Carlo)"),
    ),
    "long schedules": (
        ("--long-epochs", non_negative_int, "the long schedules' cap (0: none); each stops "
         "earlier at the first evaluation where a blog-style test shows the blog's figure "
         f"with probability >= {STOP_PROBABILITY}"),
        ("--long-seeds", positive_int, "long schedules of the blog's LSTM (seeds 1..N); the "
         "other activation gets one"),
        ("--observed-epochs", non_negative_int, "length of the observed schedules of the "
         "blog's LSTM (0: none): long schedules without the stop rule, evaluated every K "
         "epochs to the end"),
        ("--observed-schedules", non_negative_int, "observed schedules of the blog's LSTM, "
         "with the seeds after --long-seeds'"),
        ("--every", positive_int, "evaluate (and save the state of) the long and observed "
         "schedules every K epochs"),
    ),
    "variants: one change to the blog's script each": (
        ("--variant-seeds", non_negative_int, "runs of each variant, seeds 1..N"),
    ),
}  # fmt: skip


def default_of(option: str):
    return getattr(DEFAULT, option.lstrip("-").replace("-", "_"))


def add_plan_options(parser):
    """What the study runs: how many runs of which kind, and their shared settings."""
    groups = {}
    for title, options in PLAN_OPTIONS.items():
        groups[title] = parser.add_argument_group(title)
        for option, kind, text in options:
            groups[title].add_argument(option, type=kind, default=default_of(option), help=text)
    groups["every run"].add_argument(
        "--activations",
        nargs="+",
        choices=RECURRENT_ACTIVATION_CHOICES,
        default=default_of("--activations"),
        help="the recurrent activations studied (the blog's Keras 2 hard sigmoid and the sigmoid)",
    )
    groups["variants: one change to the blog's script each"].add_argument(
        "--variants",
        nargs="*",
        choices=list(VARIANTS_BY_NAME),
        default=default_of("--variants"),
        metavar="NAME",
        help="each for --epochs epochs: " + ", ".join(VARIANTS_BY_NAME) + " (none: no "
        "variants; default: all)",
    )


def add_output_options(parser):
    """Where the study writes, and what it only rewrites."""
    parser.add_argument("--results", default=DEFAULT.results, help="folder of the study's outputs")
    parser.add_argument(
        "--report",
        action="store_true",
        help="only write STUDY.md and the plots anew from study.json",
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
    cores = len(usable_cores() or ()) or 1
    return max(1, min(cores, available_memory() // 2**31))


def report_only(settings, runs, planned, command):
    """study.py --report: the report and the READMEs' answers anew from study.json."""
    try:
        write_report_of(settings, runs, planned, command)
    except WriteError as error:
        print(f"study.py: error: {error}", file=sys.stderr)
        return 1
    print(
        f"Wrote {settings.results}/STUDY.md and learning_curves.png from study.json"
        + (f", and the answer in {' and '.join(settings.readme)}" if settings.readme else "")
    )
    return 0


def run_study(settings, runs, planned, command):
    """Run what is still to do; each error as one line and an exit status."""

    def kept():
        return f"{len(runs)} finished runs are in {settings.results}/study.json"

    try:
        run_all(settings, runs, planned, command)
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
    print(f"Wrote {settings.results}/study.json, STUDY.md and learning_curves.png")
    return 0


def main(argv=None):
    settings, report = parse_args(argv)
    command = " ".join(["study.py", *(argv if argv is not None else sys.argv[1:])])
    runs = load_done(os.path.join(settings.results, "study.json"))
    planned = planned_runs(settings)
    try:
        for readme in settings.readme:
            check_readme(readme)
    except ReadmeError as error:
        print(f"study.py: error: {error}", file=sys.stderr)
        return 2
    if report:
        return report_only(settings, runs, planned, command)
    # Background jobs start with SIGINT ignored, and a study is often one: take it, and
    # SIGTERM, as Ctrl-C (until the study ends: main may be called from other code).
    handlers = {
        number: signal.signal(number, signal.default_int_handler)
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        return run_study(settings, runs, planned, command)
    except KeyboardInterrupt:
        print(
            f"\nstudy.py: interrupted; {len(runs)} finished runs are in "
            f"{settings.results}/study.json, and each unfinished one goes on from its last saved "
            "state when the same command runs again",
            file=sys.stderr,
        )
        return 128 + signal.SIGINT
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


if __name__ == "__main__":
    sys.exit(main())
