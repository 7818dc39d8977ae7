"""The READMEs' first-screen answer, from findings.Findings: one set of numbers (answer_numbers),
written into an English and a Chinese template, at most five lines each."""

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE
from lstm_adder.config import KERAS_224
from lstm_adder.findings import EngineComparison, Findings, Pointer, StepsAndPairs
from lstm_adder.stop_rule import STOP_PROBABILITY
from lstm_adder.wording import listed, percent, scientific, with_interval

README_EPOCHS = (500, 1000, 1500)  # the at-E chances the answer quotes (STUDY.md has them all)


ENGINES_ENGLISH = {
    "jax": "{n} on the default engine",
    "keras": "{n} through Keras's model.fit",
    KERAS_224: "{n} by the blog's own Keras 2.2.4",
}
ENGINES_CHINESE = {
    "jax": "默认引擎 {n} 次",
    "keras": "Keras 的 model.fit {n} 次",
    KERAS_224: "博客自己的 Keras 2.2.4 {n} 次",
}


def engines(
    runs_by_engine: dict[str, int], phrases: dict[str, str], opening: str, joint: str, closing: str
) -> str:
    """How many of the runs each engine trained, in brackets; nothing where one engine did all."""
    if len(runs_by_engine) < 2:
        return ""
    return (
        opening
        + joint.join(
            phrases.get(engine, engine + " {n}").format(n=n) for engine, n in runs_by_engine.items()
        )
        + closing
    )


def peak(at_epochs: list[dict]) -> dict | None:
    """The at-E row with the highest mean chance: the answer quotes it beside README_EPOCHS so
    that a fall after it shows."""
    return max(at_epochs, key=lambda row: row["mean"], default=None)


def answer(found: Findings, language: str = "en") -> str:
    numbers = answer_numbers(found)
    if numbers is None:
        return "No run has finished yet." if language == "en" else "还没有完成的训练。"
    return (chinese if language == "zh-CN" else english)(numbers)


def answer_numbers(found: Findings) -> dict | None:
    """What the answer says, as numbers: None before any plain run of the blog's LSTM."""
    if not found.blogs:
        return None
    highest = peak(found.at_epochs)
    return {
        "epochs": found.plain_epochs,
        "blogs": found.blogs,
        "exact": found.blogs_exact,
        "spread": found.spread,
        "chance": found.highest_chance,
        "schedules": len(found.schedules),
        # The time answer in brief: the chance after exactly these epochs, and within the
        # last epochs evaluated.
        "at": [row for row in found.at_epochs if row["epoch"] in README_EPOCHS or row is highest],
        "within": found.within[-1] if found.within else None,
        "setbacks": found.setbacks,
        # One change to the blog's script: the one that came nearest, of how many tried.
        "nearest": found.nearest,
        "variants": sum(row["name"] is not None and row["n"] > 0 for row in found.variants),
        "steps_and_pairs": found.steps_and_pairs,
        "every": sorted({run["every"] for run in found.schedules}),
        "keras224": found.keras224,
    }


def english(numbers: dict) -> str:
    blogs, epochs, exact = numbers["blogs"], numbers["epochs"], numbers["exact"]
    lines = []
    if exact:
        lines.append(
            f"**In short:** the blog's number is (1 − MSE) × 100, not an accuracy; "
            f"trained the blog's way for {epochs} epochs, the network gets "
            f"{percent(exact['median'])} of all {exact['pairs']:,} sums exactly right "
            f"(median of {exact['runs']} runs) and "
            + (
                "never reaches the number."
                if not blogs["reached"]
                else f"reaches the number in {blogs['reached']} of {blogs['n']} runs."
            )
        )
        lines.append("")  # the verdict a paragraph of its own, the figures a list under it
    lines.append(
        f"- **At the blog's {epochs} epochs:** {blogs['reached']} of {blogs['n']} runs "
        f"of the blog's LSTM{engines(blogs['runs_by_engine'], ENGINES_ENGLISH, ' (', ', ', ')')} "
        f"reached {BLOG_FIGURE}% (95% upper bound "
        f"{percent(blogs['upper_bound'])}); the best MSE on the study's fixed 1,000 "
        f"test pairs was {blogs['best_mse_over_blogs']:.0f} times the blog's."
    )
    if numbers["keras224"]:
        lines.append(keras224_english(numbers["keras224"]))
    if numbers["spread"]:
        lines.append(
            f"- **Extrapolated:** a normal fit to log10(MSE) gives a {epochs}-epoch "
            f"run a {scientific(numbers['spread']['chance'])} chance of the blog's MSE "
            "(an extrapolation, not a measurement)."
        )
    if numbers["chance"] is not None:
        lines.append(
            "- **A lucky test sample:** "
            + (
                "not one of 100,000 simulated 1,000-pair tests like the blog's showed the figure, "
                "for any of these networks."
                if numbers["chance"] == 0
                else f"a random 1,000-pair test like the blog's shows the figure at most "
                f"{percent(numbers['chance'], 3)} of the time for these networks."
            )
        )
    if numbers["at"]:
        lines.append(longer_english(numbers))
    if numbers["nearest"]:
        lines.append(variants_english(numbers))
    return "\n".join(lines)


def keras224_english(compared: EngineComparison) -> str:
    theirs, ours = compared.theirs, compared.ours
    return (
        f"- **The blog's own Keras 2.2.4:** {theirs.reached} of its {theirs.n} runs reached the "
        f"figure, with a median of {percent(theirs.median_exact)} of all sums right (over the "
        f"default engine's {ours.n} runs: {percent(ours.median_exact)}); a Mann-Whitney test "
        + ("tells its runs from ours" if compared.told_apart else "cannot tell its runs from ours")
        + f" (p = {compared.mse_p:.2g} on the MSE over every pair, {compared.exact_p:.2g} on "
        "exact sums)."
    )


def keras224_chinese(compared: EngineComparison) -> str:
    theirs, ours = compared.theirs, compared.ours
    return (
        f"- **博客自己的 Keras 2.2.4：** 它训练的 {theirs.n} 次中有 {theirs.reached} 次达到"
        f"博客的数字，完全正确率的中位数为 {percent(theirs.median_exact)}"
        f"（默认引擎的 {ours.n} 次为 {percent(ours.median_exact)}）。Mann-Whitney 检验"
        + ("能" if compared.told_apart else "不能")
        + f"把它的训练与我们的区分开（所有数对上的 MSE：p = {compared.mse_p:.2g}；完全正确率："
        f"p = {compared.exact_p:.2g}）。"
    )


def longer_english(numbers: dict) -> str:
    """The chance after exactly E epochs, each with its count of schedules where fewer than all
    were evaluated there, and within the last E."""
    steps = [
        f"{percent(row['mean'], 2)}{bracket(row, index, '95% interval ', ' to ')} "
        f"after {row['epoch']:,}"
        + (
            f" ({row['schedules']} schedule{'s' if row['schedules'] > 1 else ''} evaluated that "
            "far)"
            if row["schedules"] < numbers["schedules"]
            else ""
        )
        for index, row in enumerate(numbers["at"])
    ]
    return (
        f"- **Training longer:** over {numbers['schedules']} long schedules of the "
        "blog's LSTM, a blog-style test shows the figure with a mean chance of "
        + listed(steps)
        + " epochs exactly"
        + within_english(numbers["within"], numbers["setbacks"])
        + " (results/STUDY.md)."
    )


def variants_english(numbers: dict) -> str:
    """The nearest single change, likely only where its whole interval says so, then what the
    2 x 2 of steps against pairs seen points to."""
    nearest, epochs, tried = numbers["nearest"], numbers["epochs"], numbers["variants"]
    exact = "" if nearest["exact"] is None else f"{nearest['exact']:.2f}% of all sums right and "
    shown = (
        f"medians of {exact}an MSE over every pair of {nearest['mse']:.3g} (the blog's "
        f"{BLOG_MSE:.3g}); a blog-style test shows the figure with a mean chance of "
        f"{row_chance(nearest)}, and {nearest['reached']} of its {nearest['n']} runs reached it"
    )
    if nearest["likely"]:
        reading = f"{nearest['label']} makes the figure likely at {epochs} epochs: {shown}."
    else:
        none = (
            "the one single change tried so far does not make"
            if tried == 1
            else f"none of the {tried} single changes tried so far makes"
        )
        reading = (
            f"{none} the figure likely at {epochs} epochs (the whole 95% interval on the mean "
            f"chance above {percent(STOP_PROBABILITY, 0)}); the nearest, {nearest['label']}: "
            f"{shown}."
        )
    return (
        f"- **One change to the blog's script:** {reading} "
        f"{steps_and_pairs_sentence(numbers['steps_and_pairs'])}"
    )


def row_chance(row: dict, language: str = "en") -> str:
    """A variant row's mean chance with its bootstrap interval."""
    chance = row["mean_chance"], row["chance_low"], row["chance_high"]
    if language == "zh-CN":
        return with_interval(*chance, to=" 至 ", opening="（95% 置信区间 ", closing="）")
    return with_interval(*chance)


STEPS_AND_PAIRS_ENGLISH = {
    Pointer.INCOMPLETE: "Not yet known, since a cell of the table has fewer than 2 finished runs",
    Pointer.STEPS: "The runs point to the steps, which lifted the mean chance at both shares of "
    "pairs seen, while more pairs seen did not at both step counts",
    Pointer.PAIRS: "The runs point to the pairs seen, which lifted the mean chance at both step "
    "counts, while more steps did not at both shares of pairs seen",
    Pointer.BOTH: "Both count, each lifting the mean chance at both levels of the other",
    Pointer.TOGETHER: "Neither alone, since only more steps over more pairs seen stands apart",
    Pointer.UNCLEAR: "These runs cannot tell, since the intervals on the mean chance overlap",
}
STEPS_AND_PAIRS_CHINESE = {
    Pointer.INCOMPLETE: "还不能判断，因为表中有一格完成的训练少于 2 次",
    Pointer.STEPS: "这些训练指向每轮的步数，无论见过的数对多少，步数多都让平均概率明显更高，"
    "而见过的数对多并非在两种步数下都如此",
    Pointer.PAIRS: "这些训练指向见过的数对，无论步数多少，见过的数对多都让平均概率明显更高，"
    "而步数多并非在两种数对覆盖率下都如此",
    Pointer.BOTH: "两者都起作用，步数多、见过的数对多，各自都让平均概率明显更高",
    Pointer.TOGETHER: "单靠哪一个都不够，只有步数多且见过的数对也多的那一格明显不同",
    Pointer.UNCLEAR: "这些训练还分不清，因为各格平均概率的置信区间相互重叠",
}


# Each language's question, reading, cell and punctuation for steps_and_pairs_sentence().
STEPS_AND_PAIRS_WORDS = {
    "en": (
        "Steps an epoch or pairs seen? ",
        STEPS_AND_PAIRS_ENGLISH,
        "{steps:,.0f} steps an epoch over {share:.0%} of the pairs, a mean chance of {chance} "
        "and {exact:.2f}% of sums right over {n} runs",
        (": ", "; ", "."),
    ),
    "zh-CN": (
        "是步数多，还是见过的数对多？",
        STEPS_AND_PAIRS_CHINESE,
        "每轮 {steps:,.0f} 步、见过全部数对的 {share:.0%} 时，平均概率 {chance}，"
        "完全正确率中位数 {exact:.2f}%（{n} 次独立训练）",
        ("：", "；", "。"),
    ),
}


def steps_and_pairs_sentence(table: StepsAndPairs, language: str = "en") -> str:
    """One sentence: what the 2 x 2 of steps against pairs seen points to (decided once, in
    findings.steps_and_pairs), with each cell's numbers."""
    question, readings, template, (colon, joint, stop) = STEPS_AND_PAIRS_WORDS[language]
    cells = [
        template.format(
            steps=row["steps"],
            share=row["seen_share"],
            chance=row_chance(row, language),
            exact=row["exact"],
            n=row["n"],
        )
        for row in table.cells.values()
        if row is not None and row["n"]
    ]
    return question + readings[table.pointer] + (colon + joint.join(cells) if cells else "") + stop


def chinese(numbers: dict) -> str:
    """The answer for a Chinese reader: short sentences, the terms a Chinese ML reader uses
    (轮（epoch）, 随机种子, 完全正确率 defined at its first use), the same numbers."""
    blogs, epochs, exact = numbers["blogs"], numbers["epochs"], numbers["exact"]
    lines = []
    if exact:
        lines.append(
            f"**一句话：** 博客的数字是 (1 − MSE) × 100，不是准确率。按博客的方式训练 {epochs} "
            f"轮（epoch）后，网络的完全正确率（一个加法的 9 位输出全对才算对）只有 "
            f"{percent(exact['median'])}（{exact['runs']} 个随机种子的中位数，全部 "
            f"{exact['pairs']:,} 个加法），"
            + (
                "没有一次达到博客的数字。"
                if not blogs["reached"]
                else f"{blogs['n']} 次独立训练中有 {blogs['reached']} 次达到博客的数字。"
            )
        )
        lines.append("")
    # The first 轮 of the answer says it is the "Epoch" of the training's output.
    rounds = "轮" if exact else "轮（epoch）"
    which = engines(blogs["runs_by_engine"], ENGINES_CHINESE, "；其中", "、", "")
    lines.append(
        f"- **训练 {epochs} {rounds}：** 博客的 LSTM 独立训练了 {blogs['n']} 次（每次从头训练，"
        f"各用一个随机种子{which}），"
        f"{blogs['reached']} 次在测试中达到 {BLOG_FIGURE}%。按 95% 置信度，一次这样的训练达到它的"
        f"概率不超过 {percent(blogs['upper_bound'])}。在本研究固定使用的 1,000 对测试数据上，"
        f"最好的一次 MSE 也是博客的 {blogs['best_mse_over_blogs']:.0f} 倍。"
    )
    if numbers["keras224"]:
        lines.append(keras224_chinese(numbers["keras224"]))
    if numbers["spread"]:
        lines.append(
            f"- **外推：** 对 log10(MSE) 拟合正态分布，一次 {epochs} 轮的训练达到博客 MSE 的概率"
            f"约为 {scientific(numbers['spread']['chance'])}。这是外推，不是测量。"
        )
    if numbers["chance"] is not None:
        lines.append(
            "- **测试样本的运气：** 像博客那样随机抽 1,000 对做测试，"
            + (
                "我们对每个网络模拟了 100,000 次，没有一次达到博客的数字。"
                if numbers["chance"] == 0
                else f"达到博客数字的概率最多为 {percent(numbers['chance'], 3)}。"
            )
        )
    if numbers["at"]:
        lines.append(longer_chinese(numbers))
    if numbers["within"]:
        lines.append(within_chinese(numbers["within"], numbers["setbacks"]))
    if numbers["nearest"]:
        lines.append(variants_chinese(numbers))
    return "\n".join(lines)


def longer_chinese(numbers: dict) -> str:
    """The chance after exactly E epochs, one clause an epoch count, each with its count of
    schedules where fewer than all were evaluated there."""
    clauses = []
    for row in numbers["at"]:
        notes = (
            []
            if row["low"] is None
            else [f"95% 置信区间 {percent(row['low'], 2)} 至 {percent(row['high'], 2)}"]
        )
        if row["schedules"] < numbers["schedules"]:
            notes.append(f"只有 {row['schedules']} 次长时间训练评估到了这一轮")
        clauses.append(
            f"训练到第 {row['epoch']:,} 轮时为 {percent(row['mean'], 2)}"
            + (f"（{'，'.join(notes)}）" if notes else "")
        )
    every = f"，每 {numbers['every'][0]} 轮评估一次" if len(numbers["every"]) == 1 else ""
    return (
        f"- **训练更久：** 我们把博客的 LSTM 用 {numbers['schedules']} 个随机种子训练得比 "
        f"{numbers['epochs']} 轮更久（下称长时间训练）{every}。一次博客式测试（随机 1,000 对）"
        "达到博客数字的平均概率：" + "；".join(clauses) + "。"
    )


def variants_chinese(numbers: dict) -> str:
    nearest, epochs, tried = numbers["nearest"], numbers["epochs"], numbers["variants"]
    exact = "" if nearest["exact"] is None else f"完全正确率的中位数为 {nearest['exact']:.2f}%，"
    shown = (
        f"{exact}全部数对上 MSE 的中位数为 {nearest['mse']:.3g}（博客是 {BLOG_MSE:.3g}）；"
        f"一次博客式测试达到博客数字的平均概率为 {row_chance(nearest, 'zh-CN')}，"
        f"{nearest['n']} 次独立训练中有 {nearest['reached']} 次达到博客的数字"
    )
    rule = f"（平均概率的 95% 置信区间整个高于 {percent(STOP_PROBABILITY, 0)}）"
    if nearest["likely"]:
        reading = (
            f"{nearest['label_zh']}，就能让博客式测试在训练 {epochs} 轮时达到博客数字的可能性"
            f"超过一半{rule}：{shown}。"
        )
    else:
        none = (
            "目前试过的 1 种单处改动，不"
            if tried == 1
            else f"目前试过的 {tried} 种单处改动，没有一种"
        )
        reading = (
            f"{none}能让博客式测试在训练 {epochs} 轮时达到博客数字的可能性确定超过一半{rule}；"
            f"最接近的是{nearest['label_zh']}：{shown}。"
        )
    table = steps_and_pairs_sentence(numbers["steps_and_pairs"], "zh-CN")
    return f"- **只改博客脚本的一处：** {reading}{table}"


def bracket(
    row: dict, index: int, first_label: str, to: str, opening: str = " (", closing: str = ")"
) -> str:
    """An at-E row's bootstrap interval in brackets, labelled the first time only (none where a
    single schedule leaves it undefined)."""
    if row["low"] is None:
        return ""
    return (
        f"{opening}{first_label if index == 0 else ''}{percent(row['low'], 2)}{to}"
        f"{percent(row['high'], 2)}{closing}"
    )


def within_english(within: dict | None, setbacks: int) -> str:
    if not within:
        return ""
    return (
        f"; within {within['epoch']:,} epochs, {within['reached']} of the "
        f"{within['watched']} schedules watched that long (or showing it sooner) showed it at "
        "least once in half of such tests or more ("
        + (
            f"Kaplan-Meier {percent(within['estimate'])}, 95% interval "
            f"{percent(within['low'])} to {percent(within['high'])}"
            if within["reached"]
            else f"95% upper bound {percent(within['high'])}"
        )
        + ")"
        + (
            ", a share of schedules rather than a chance at one epoch count: setbacks after "
            f"the best came in {setbacks} schedule{'s' if setbacks > 1 else ''}"
            if setbacks
            else ""
        )
    )


def within_chinese(within: dict | None, setbacks: int) -> str:
    if not within:
        return ""
    return (
        f"- **{within['epoch']:,} 轮之内：** 在观察满 {within['epoch']:,} 轮、或更早就已达到的 "
        f"{within['watched']} 次长时间训练中，有 {within['reached']} 次至少在某一次评估时达到停止"
        "规则的水平，即至少一半的博客式测试达到博客的数字（"
        + (
            f"Kaplan-Meier 估计 {percent(within['estimate'])}，95% 置信区间 "
            f"{percent(within['low'])} 至 {percent(within['high'])}"
            if within["reached"]
            else f"按 95% 置信度，这个比例不超过 {percent(within['high'])}"
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
