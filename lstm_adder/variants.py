"""One change to the blog's script at a time: the study's variants.

Each variant is the blog's run with one setting changed, trained for the blog's 100 epochs.
They ask what, in a script like the post's, would have made 100 epochs enough for the blog's
figure; docs/study.md says why each is a candidate. study.py plans and trains them;
findings.py and the report writers describe them from here.
"""

from typing import NamedTuple


class Variant(NamedTuple):
    name: str  # the run ids' and the report's name
    change: dict  # TrainingConfig fields that differ from the blog's
    label: str  # the change as the report names it


# In the order they cost here, the cheapest first: the study runs them in this order.
VARIANTS = (
    Variant("learning-rate-0.003", {"learning_rate": 0.003}, "learning rate 0.003"),
    Variant(
        "sigmoid-output", {"output_activation": "sigmoid"}, "a sigmoid output layer instead of relu"
    ),
    Variant("batch-size-32", {"batch_size": 32}, "batch size 32 (four times the steps)"),
    Variant(
        "data-size-65536",
        {"data_size": 65536},
        "65,536 training pairs, drawn the blog's way (about 63% of the pairs seen)",
    ),
    Variant(
        "data-size-100000",
        {"data_size": 100000},
        "100,000 training pairs (one zero more: ten times the steps, nearly every pair seen)",
    ),
)
BY_NAME = {variant.name: variant for variant in VARIANTS}
