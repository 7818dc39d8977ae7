"""The README's answer in Chinese, each of its lines (report.answer decides which, in which
order) from answer_numbers: short sentences, the terms a Chinese ML reader uses (轮（epoch）,
随机种子, 完全正确率 defined at its first use), the same numbers."""

from typing import TYPE_CHECKING

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE
from lstm_adder.config import KERAS_224
from lstm_adder.report.one_change import VariantRow
from lstm_adder.report.phrases import engines, row_chance, steps_and_pairs_sentence
from lstm_adder.report.plain import EngineComparison, ExactSums, MseSpread
from lstm_adder.report.schedules import WithinEpochs
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.wording import percent, scientific

if TYPE_CHECKING:
    from lstm_adder.report.answer import AnswerNumbers

ENGINES_CHINESE = {
    "jax": "默认引擎 {n} 次",
    "keras": "Keras 的 model.fit {n} 次",
    KERAS_224: "博客自己的 Keras 2.2.4 {n} 次",
}


NOTHING_YET = "还没有完成的训练。"


def in_short(numbers: "AnswerNumbers", exact: ExactSums) -> str:
    blogs = numbers.blogs
    return (
        f"**一句话：** 博客的数字是 (1 − MSE) × 100，不是准确率。按博客的方式训练 {numbers.epochs} "
        f"轮（epoch）后，网络的完全正确率（一个加法的 9 位输出全对才算对）只有 "
        f"{percent(exact.median)}（{exact.runs} 个随机种子的中位数，全部 "
        f"{exact.pairs:,} 个加法），"
        + (
            "没有一次达到博客的数字。"
            if numbers.none_reached
            else f"{blogs.n} 次独立训练中有 {blogs.reached} 次达到博客的数字。"
        )
    )


def at_blogs_epochs(numbers: "AnswerNumbers") -> str:
    blogs = numbers.blogs
    # The first 轮 of the answer says it is the "Epoch" of the training's output.
    rounds = "轮" if numbers.exact else "轮（epoch）"
    which = engines(blogs.runs_by_engine, ENGINES_CHINESE, "；其中", "、", "")
    return (
        f"- **训练 {numbers.epochs} {rounds}：** 博客的 LSTM 独立训练了 {blogs.n} 次"
        f"（每次从头训练，各用一个随机种子{which}），"
        f"{blogs.reached} 次在测试中达到 {BLOG_FIGURE}%。按 95% 置信度，一次这样的训练达到它的"
        f"概率不超过 {percent(blogs.upper_bound)}。在本研究固定使用的 1,000 对测试数据上，"
        f"最好的一次 MSE 也是博客的 {blogs.best_mse_over_blogs:.0f} 倍。"
    )


def extrapolated(numbers: "AnswerNumbers", spread: MseSpread) -> str:
    return (
        f"- **外推：** 对 log10(MSE) 拟合正态分布，一次 {numbers.epochs} 轮的训练达到博客 "
        f"MSE 的概率约为 {scientific(spread.chance)}。这是外推，不是测量。"
    )


def lucky_sample(numbers: "AnswerNumbers", chance: float) -> str:
    return "- **测试样本的运气：** 像博客那样随机抽 1,000 对做测试，" + (
        f"我们对每个网络模拟了 {numbers.draws:,} 次，没有一次达到博客的数字。"
        if numbers.no_test_showed
        else f"达到博客数字的概率最多为 {percent(chance, 3)}。"
    )


def keras224(compared: EngineComparison) -> str:
    theirs, ours = compared.theirs, compared.ours
    return (
        f"- **博客自己的 Keras 2.2.4：** 它训练的 {theirs.n} 次中有 {theirs.reached} 次达到"
        f"博客的数字，完全正确率的中位数为 {percent(theirs.median_exact, 2)}"
        f"（默认引擎的 {ours.n} 次为 {percent(ours.median_exact, 2)}）。Mann-Whitney 检验"
        + ("能" if compared.told_apart else "不能")
        + f"把它的训练与我们的区分开（所有数对上的 MSE：p = {compared.mse_p:.2g}；完全正确率："
        f"p = {compared.exact_p:.2g}）。"
    )


def longer(numbers: "AnswerNumbers") -> str:
    """The chance after exactly E epochs, one clause an epoch count, each with its count of
    schedules where fewer than all were evaluated there."""
    clauses = []
    for row in numbers.at:
        notes = (
            []
            if row.low is None or row.high is None
            else [f"95% 置信区间 {percent(row.low, 2)} 至 {percent(row.high, 2)}"]
        )
        if row.schedules < numbers.schedules:
            notes.append(f"只有 {row.schedules} 次长时间训练评估到了这一轮")
        clauses.append(
            f"训练到第 {row.epoch:,} 轮时为 {percent(row.mean, 2)}"
            + (f"（{'，'.join(notes)}）" if notes else "")
        )
    every = f"，每 {numbers.every[0]} 轮评估一次" if len(numbers.every) == 1 else ""
    return (
        f"- **训练更久：** 我们把博客的 LSTM 用 {numbers.schedules} 个随机种子训练得比 "
        f"{numbers.epochs} 轮更久（下称长时间训练）{every}。一次博客式测试（随机 1,000 对）"
        "达到博客数字的平均概率：" + "；".join(clauses) + "。"
    )


def variants(numbers: "AnswerNumbers", nearest: VariantRow) -> str:
    epochs, tried = numbers.epochs, numbers.variants
    exact = "" if nearest.exact is None else f"完全正确率的中位数为 {nearest.exact:.2f}%，"
    shown = (
        f"{exact}全部数对上 MSE 的中位数为 {nearest.mse:.3g}（博客是 {BLOG_MSE:.3g}）；"
        f"一次博客式测试达到博客数字的平均概率为 {row_chance(nearest, 'zh-CN')}，"
        f"{nearest.n} 次独立训练中有 {nearest.reached} 次达到博客的数字"
    )
    rule = f"（平均概率的 95% 置信区间整个高于 {percent(STOP_PROBABILITY, 0)}）"
    if nearest.likely:
        reading = (
            f"{nearest.label_zh}，就能让博客式测试在训练 {epochs} 轮时达到博客数字的可能性"
            f"超过一半{rule}：{shown}。"
        )
    else:
        none = (
            "目前试过的 1 种单处改动，不"
            if numbers.one_tried
            else f"目前试过的 {tried} 种单处改动，没有一种"
        )
        reading = (
            f"{none}能让博客式测试在训练 {epochs} 轮时达到博客数字的可能性确定超过一半{rule}；"
            f"最接近的是{nearest.label_zh}：{shown}。"
        )
    table = steps_and_pairs_sentence(numbers.steps_and_pairs, "zh-CN")
    return f"- **只改博客脚本的一处：** {reading}{table}"


def within(within: WithinEpochs, setbacks: int) -> str:
    """How many schedules showed the figure at the stop rule's level within the last E."""
    return (
        f"- **{within.epoch:,} 轮之内：** 在观察满 {within.epoch:,} 轮、或更早就已达到的 "
        f"{within.watched} 次长时间训练中，有 {within.reached} 次至少在某一次评估时达到停止"
        "规则的水平，即至少一半的博客式测试达到博客的数字（"
        + (
            f"Kaplan-Meier 估计 {percent(within.estimate)}，95% 置信区间 "
            f"{percent(within.low)} 至 {percent(within.high)}"
            if within.reached
            else f"按 95% 置信度，这个比例不超过 {percent(within.high)}"
        )
        + "）。"
        + (
            "这是「某次评估时达到过」的训练所占的比例，不是某一轮时的平均概率：训练并不稳定，"
            f"有 {setbacks} 次长时间训练在达到最好之后又明显退了回去。"
            if setbacks
            else ""
        )
        + "详见 results/STUDY.md（英文）。"
    )
