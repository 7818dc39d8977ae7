"""Option types the scripts share: a bad value is refused by argparse with exit status 2."""
import argparse


def whole_number(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def positive_int(text):
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def non_negative_int(text):
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative")
    return value


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


def bit_count(text):
    """Bits per operand: 1..16 (16 already makes 2**32 possible pairs)."""
    value = positive_int(text)
    if value > 16:
        raise argparse.ArgumentTypeError(f"{value} is outside 1..16")
    return value
