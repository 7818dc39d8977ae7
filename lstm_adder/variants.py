"""One change to the blog's script at a time: the study's variants.

Each variant is the blog's run with one setting changed, trained for the blog's 100 epochs.
They ask what, in a script like the post's, would have made 100 epochs enough for the blog's
figure; docs/study.md says why each is a candidate. The study plans and trains them
(lstm_adder/study/), and the report describes them from here (lstm_adder/report/).
"""

from typing import NamedTuple


class Variant(NamedTuple):
    name: str  # the run ids' and the report's name
    change: dict  # TrainingConfig fields that differ from the blog's
    label: str  # the change as the report names it
    label_zh: str  # the same in the Chinese README


# In the order they cost here, the cheapest first: the study runs them in this order.
VARIANTS = (
    Variant("learning-rate-0.003", {"learning_rate": 0.003}, "learning rate 0.003", "学习率 0.003"),
    Variant(
        "sigmoid-output",
        {"output_activation": "sigmoid"},
        "a sigmoid output layer instead of relu",
        "输出层用 sigmoid 代替 relu",
    ),
    Variant(
        "batch-size-32",
        {"batch_size": 32},
        "batch size 32 (four times the steps)",
        "批大小 32（步数是 4 倍）",
    ),
    # Two variants that tell steps from pairs seen. 65,536 pairs at the blog's batch size
    # change both at once: 512 steps an epoch instead of 79, and about 63% of all pairs seen
    # instead of about 14%. These two change one of them each, so that with the blog's run and
    # data-size-65536 they fill a 2 x 2 table (findings.steps_and_pairs).
    Variant(
        "batch-size-20",
        {"batch_size": 20},
        "batch size 20: 500 steps an epoch on the blog's 10,000 pairs (many steps, few pairs)",
        "批大小 20：博客的 10,000 对数据，每轮 500 步（步数多，网络见过的加法少）",
    ),
    Variant(
        "data-size-65536",
        {"data_size": 65536},
        "65,536 training pairs, drawn the blog's way (about 63% of the pairs seen)",
        "按博客的方式抽 65,536 对训练数据（有放回地抽，会有重复：网络约见过全部加法的 63%）",
    ),
    Variant(
        "data-size-65536-batch-size-830",
        {"data_size": 65536, "batch_size": 830},
        "65,536 pairs at batch size 830: the blog's 79 steps an epoch (few steps, many pairs)",
        "65,536 对数据、批大小 830：每轮与博客一样 79 步（步数少，网络见过的加法多）",
    ),
    Variant(
        "data-size-100000",
        {"data_size": 100000},
        "100,000 training pairs (one zero more: ten times the steps, about 78% of the pairs seen)",
        "100,000 对训练数据（多一个零：步数是 10 倍，网络约见过全部加法的 78%）",
    ),
)
BY_NAME = {variant.name: variant for variant in VARIANTS}

# The 2 x 2 of steps an epoch against the share of pairs seen: (many steps, many pairs) -> the
# variant in that cell (None: the blog's script as it is: 79 steps, about 14% of pairs seen).
STEPS_AND_PAIRS = {
    (False, False): None,
    (True, False): "batch-size-20",
    (False, True): "data-size-65536-batch-size-830",
    (True, True): "data-size-65536",
}
