"""Made-up runs as study.json keeps them, for the report's tests: a plain 100-epoch run of the
blog's LSTM on 8-bit operands on the default engine, with the figures and fields a test gives."""

from lstm_adder.blog import BLOGS_ACTIVATION


def made_up_run(seed=1, engine="jax", epochs=100, figures=None, **fields):
    return {
        "activation": BLOGS_ACTIVATION,
        "engine": engine,
        "seed": seed,
        "epochs": epochs,
        "every": 0,
        "bits": 8,
        "figures": dict(figures or {}),
        **fields,
    }


def figures_of(mse, **figures):
    """A run's figures with the blog's figure and the fixed sample's MSE from one MSE."""
    return {"blog_figure": (1 - mse) * 100, "sampled_mse": mse, **figures}
