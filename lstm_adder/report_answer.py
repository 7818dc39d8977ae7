"""The READMEs' first-screen answer, from findings.Findings: one set of numbers (answer_numbers),
written into an English and a Chinese template, at most five lines each."""
from lstm_adder.blog import BLOG_FIGURE, BLOGS_ACTIVATION
from lstm_adder.wording import percent, scientific


def answer(found, language="en"):
    numbers = answer_numbers(found)
    if numbers is None:
        return "No run has finished yet." if language == "en" else "还没有完成的训练。"
    return (chinese if language == "zh-CN" else english)(numbers)


def answer_numbers(found):
    """What the answer says, as numbers: None before any plain run of the blog's LSTM."""
    if not found.blogs:
        return None
    summaries = [summary for run, summary in found.summaries
                 if run["activation"] == BLOGS_ACTIVATION]
    return {"epochs": found.plain_epochs, "blogs": found.blogs, "spread": found.spread,
            "chance": found.highest_chance, "schedules": len(summaries),
            "reached_at": sorted(s["probability_first"] for s in summaries
                                 if s["probability_first"]),
            "running": sum(s["stopped_by"] is None for s in summaries),
            # The time table in brief: the median chance among the schedules not stopped by then.
            "times": [row for row in found.times if row["running"]]}


def english(numbers):
    blogs, epochs, reached_at = numbers["blogs"], numbers["epochs"], numbers["reached_at"]
    lines = [f"- **At the blog's {epochs} epochs:** {blogs['reached']} of {blogs['n']} runs "
             f"of the blog's LSTM reached {BLOG_FIGURE}% (95% upper bound "
             f"{percent(blogs['upper_bound'])}); the best MSE was "
             f"{blogs['best_mse_over_blogs']:.0f} times the blog's."]
    if numbers["spread"]:
        lines.append(f"- **Extrapolated:** a normal fit to log10(MSE) gives a {epochs}-epoch "
                     f"run a {scientific(numbers['spread']['chance'])} chance of the blog's MSE "
                     "(an extrapolation, not a measurement).")
    if numbers["chance"] is not None:
        lines.append("- **A lucky test sample:** " + (
            "not one of 100,000 simulated 1,000-pair tests like the blog's showed the figure, "
            "for any of these networks." if numbers["chance"] == 0 else
            f"a random 1,000-pair test like the blog's shows the figure at most "
            f"{percent(numbers['chance'], 3)} of the time for these networks."))
    if numbers["schedules"]:
        lines.append(f"- **Training longer:** {len(reached_at)} of {numbers['schedules']} long "
                     "schedules of the blog's LSTM reached it (half of random tests showing the "
                     "figure)" + (f", after {reached_at[0]} epochs" if len(reached_at) == 1 else
                                  f", the first after {reached_at[0]} epochs" if reached_at
                                  else "")
                     + (f"; {numbers['running']} still running" if numbers["running"] else "")
                     + ".")
    if numbers["times"]:
        steps = [f"{percent(row['median'], 2)} after {row['epoch']:,}" for row in numbers["times"]]
        lines.append("- **Epoch by epoch:** the chance that a blog-style test shows the figure "
                     "(median over the long schedules not stopped by then) was "
                     + ", ".join(steps[:-1]) + (" and " if len(steps) > 1 else "") + steps[-1]
                     + " epochs (table in results/STUDY.md).")
    return "\n".join(lines)


def chinese(numbers):
    blogs, epochs, reached_at = numbers["blogs"], numbers["epochs"], numbers["reached_at"]
    lines = [f"- **博客的 {epochs} 轮训练：** {blogs['n']} 次训练中 {blogs['reached']} 次达到 "
             f"{BLOG_FIGURE}%（95% 置信上界 {percent(blogs['upper_bound'])}）；最好的一次 MSE "
             f"是博客的 {blogs['best_mse_over_blogs']:.0f} 倍。"]
    if numbers["spread"]:
        lines.append(f"- **外推：** 对 log10(MSE) 拟合正态分布，一次 {epochs} 轮训练达到博客 MSE "
                     f"的概率约为 {scientific(numbers['spread']['chance'])}（这是外推，不是测量）。")
    if numbers["chance"] is not None:
        lines.append("- **测试样本的运气：** " + (
            "模拟 100,000 次像博客那样的 1,000 对随机测试，对这些网络没有一次显示出该数字。"
            if numbers["chance"] == 0 else
            f"像博客那样随机抽 1,000 对来测试，显示出该数字的概率最多 "
            f"{percent(numbers['chance'], 3)}。"))
    if numbers["schedules"]:
        lines.append(f"- **训练更久：** {numbers['schedules']} 个长训练中 {len(reached_at)} 个达到"
                     f"（一半以上的随机测试显示该数字）"
                     + (f"，在第 {reached_at[0]} 轮" if len(reached_at) == 1 else
                        f"，最早在第 {reached_at[0]} 轮" if reached_at else "")
                     + (f"；{numbers['running']} 个仍在运行" if numbers["running"] else "") + "。")
    if numbers["times"]:
        lines.append("- **逐轮来看：** 一次博客式测试显示该数字的概率（当时尚未停止的长训练的中位数）："
                     + "，".join(f"第 {row['epoch']:,} 轮后为 {percent(row['median'], 2)}"
                                for row in numbers["times"])
                     + "（详表见 results/STUDY.md）。")
    return "\n".join(lines)
