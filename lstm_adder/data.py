"""Bits and data: the one place where numbers become the blog's bit vectors and back.

The blog's names are kept where they let a reader map this file to the post
(`BINARY_DIM`, `int_2_binary`, `binary2int`); the vectorised helpers below them do the
same thing for whole arrays and are what the scripts use.
"""

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

# The blog's BINARY_DIM: each operand has this many bits, the sum one more.
BINARY_DIM = 8

# The bits of the blog's figure and of the decoded sums: an output counts as bit 1 when it is
# at least this. The Dense layer is ReLU, so outputs can exceed 1; they are never negative.
BIT_THRESHOLD = 0.5


def int_2_binary(number: int, binary_dim: int) -> list[int]:
    """The blog's encoder: `number` as a list of `binary_dim` bits, most significant first."""
    binary_list = [int(bit) for bit in bin(number)[2:]]
    return [0] * (binary_dim - len(binary_list)) + binary_list


def binary2int(binary_array: Sequence[int]) -> int:
    """The blog's decoder: a sequence of bits, most significant first, as an integer."""
    out = 0
    for index, bit in enumerate(reversed(binary_array)):
        out += int(bit) * 2**index
    return out


def ints_to_bits(numbers: ArrayLike, width: int) -> np.ndarray:
    """An integer array of shape (N,) as an (N, width) array of 0/1 bits, MSB first."""
    numbers = np.asarray(numbers, dtype=np.int64)
    shifts = np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((numbers[:, None] >> shifts) & 1).astype(np.int64)


def bits_to_ints(bits: ArrayLike) -> np.ndarray:
    """An (N, width) array of 0/1 bits, MSB first, as an integer array of shape (N,)."""
    bits = np.asarray(bits, dtype=np.int64)
    width = bits.shape[1]
    return bits @ (1 << np.arange(width - 1, -1, -1, dtype=np.int64))


def outputs_to_bits(outputs: ArrayLike) -> np.ndarray:
    """The network's raw outputs, shape (N, width), read as 0/1 bits."""
    return (np.asarray(outputs) >= BIT_THRESHOLD).astype(np.int64)


def bytes_per_pair(bits: int, measured_at_8_bits: int) -> int:
    """Memory a script holds per pair, scaled from what it measured at 8 bits by the pair's
    2*bits input steps and bits+1 outputs (most arrays are one value per step or output bit)."""
    return int(measured_at_8_bits * (3 * bits + 1) / 25)


def draw_pairs(count: int, bits: int, rng: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """`count` pairs of operands drawn the blog's way: uniform on [0, 2**bits), with replacement.

    The blog calls `np.random.randint(0, 256)` twice per sample, first operand then second.
    Drawing from a `np.random.RandomState` in that same order means a seed gives exactly the
    pairs the blog's own loop gives after `np.random.seed(seed)`.
    """
    # One vectorised call gives the same numbers as the blog's alternating scalar calls
    # (tests/test_data.py checks it), in a fraction of the time.
    pairs = rng.randint(0, 2**bits, size=2 * count).astype(np.int64).reshape(count, 2)
    return pairs[:, 0], pairs[:, 1]


def all_pairs(bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of `bits`-bit operands (2**(2*bits) of them), first operand major."""
    first_operand, second_operand = np.divmod(np.arange(4**bits, dtype=np.int64), 2**bits)
    return first_operand, second_operand


def pair_codes(first_operand: ArrayLike, second_operand: ArrayLike, bits: int) -> np.ndarray:
    """One integer per pair, first * 2**bits + second: how seen and unseen pairs are compared."""
    return np.asarray(first_operand, dtype=np.int64) * 2**bits + np.asarray(
        second_operand, dtype=np.int64
    )


def encode_pairs(
    first_operand: ArrayLike, second_operand: ArrayLike, bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """The blog's arrays for these pairs.

    X: (N, 2*bits, 1) float32, the bits of the first operand then those of the second, one bit
    per time step. Y: (N, bits+1) float32, the bits of the sum. Both MSB first.
    """
    first_operand = np.asarray(first_operand, dtype=np.int64)
    second_operand = np.asarray(second_operand, dtype=np.int64)
    inputs = np.concatenate(
        [ints_to_bits(first_operand, bits), ints_to_bits(second_operand, bits)], axis=1
    )
    targets = ints_to_bits(first_operand + second_operand, bits + 1)
    return (
        inputs.reshape(len(inputs), 2 * bits, 1).astype(np.float32),
        targets.astype(np.float32),
    )


def longest_carry_chain(
    first_operand: ArrayLike, second_operand: ArrayLike, bits: int
) -> np.ndarray:
    """For each pair, the longest run of consecutive bit positions that carry into the next.

    0 when no position carries (e.g. 5 + 2), `bits` when every one does (255 + 1 for 8 bits).
    """
    first_operand = np.asarray(first_operand, dtype=np.int64)
    second_operand = np.asarray(second_operand, dtype=np.int64)
    carry = np.zeros_like(first_operand)
    run = np.zeros_like(first_operand)
    longest = np.zeros_like(first_operand)
    for position in range(bits):
        a = (first_operand >> position) & 1
        b = (second_operand >> position) & 1
        carry = (a & b) | (carry & (a ^ b))
        run = np.where(carry == 1, run + 1, 0)
        longest = np.maximum(longest, run)
    return longest
