"""Bit encoding and the blog's data."""

import numpy as np
import pytest

from lstm_adder import data


@pytest.mark.parametrize("bits", [1, 4, 8, 16])
def test_encoding_round_trip_for_every_number(bits):
    numbers = np.arange(2**bits)
    encoded = data.ints_to_bits(numbers, bits)
    assert encoded.shape == (2**bits, bits)
    assert set(np.unique(encoded)) <= {0, 1}
    assert np.array_equal(data.bits_to_ints(encoded), numbers)


def test_vectorised_encoding_is_the_blogs():
    for number in range(2**data.BINARY_DIM):
        blog_bits = data.int_2_binary(number, data.BINARY_DIM)
        assert data.ints_to_bits([number], data.BINARY_DIM)[0].tolist() == blog_bits
        assert data.binary2int(blog_bits) == number
    assert data.int_2_binary(5, 8) == [0, 0, 0, 0, 0, 1, 0, 1]  # MSB first, like bin()


def test_draws_match_the_blogs_loop_after_np_random_seed():
    # The blog: n1 = np.random.randint(0, 256); n2 = np.random.randint(0, 256), per sample.
    np.random.seed(7)
    blog = [(np.random.randint(0, 256), np.random.randint(0, 256)) for _ in range(50)]
    first, second = data.draw_pairs(50, 8, np.random.RandomState(7))
    assert list(zip(first.tolist(), second.tolist())) == blog


@pytest.mark.parametrize("bits", [1, 4, 8, 16])
def test_vectorised_draws_are_the_blogs_alternating_scalar_calls(bits):
    rng = np.random.RandomState(11)
    blog = [(rng.randint(0, 2**bits), rng.randint(0, 2**bits)) for _ in range(500)]
    first, second = data.draw_pairs(500, bits, np.random.RandomState(11))
    assert list(zip(first.tolist(), second.tolist())) == blog


def test_shapes_and_values():
    first, second = data.draw_pairs(1000, 8, np.random.RandomState(0))
    X, Y = data.encode_pairs(first, second, 8)
    assert X.shape == (1000, 16, 1) and Y.shape == (1000, 9)
    assert X.dtype == np.float32 and Y.dtype == np.float32
    assert set(np.unique(X)) == {0.0, 1.0} and set(np.unique(Y)) == {0.0, 1.0}
    assert first.min() >= 0 and first.max() <= 255 and second.max() <= 255
    assert np.array_equal(data.bits_to_ints(X[:, :8, 0]), first)
    assert np.array_equal(data.bits_to_ints(X[:, 8:, 0]), second)
    assert np.array_equal(data.bits_to_ints(Y), first + second)


def test_all_pairs_covers_every_pair_once():
    first, second = data.all_pairs(4)
    assert len(first) == 256
    assert len(set(zip(first.tolist(), second.tolist()))) == 256


def test_outputs_to_bits_threshold():
    outputs = np.array([[0.0, 0.4999, 0.5, 1.7]])
    assert data.outputs_to_bits(outputs).tolist() == [[0, 0, 1, 1]]


@pytest.mark.parametrize(
    "a,b,chain",
    [
        (0, 0, 0),
        (5, 2, 0),
        (1, 1, 1),
        (3, 1, 2),
        (127, 1, 7),
        (255, 1, 8),
        (255, 255, 8),
        (85, 85, 1),
    ],
)
def test_longest_carry_chain(a, b, chain):
    assert data.longest_carry_chain(np.array([a]), np.array([b]), 8).tolist() == [chain]


def test_pair_codes_are_distinct_for_every_pair():
    first, second = data.all_pairs(4)
    codes = data.pair_codes(first, second, 4)
    assert sorted(codes.tolist()) == list(range(4**4))
    assert data.pair_codes([3], [5], 4).tolist() == [3 * 16 + 5]
