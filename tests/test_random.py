import numpy as np
import pytest
from scipy.special import ndtri

from opdims.core.random import (
    MatlabTwisterStream,
    NumpyStream,
    RandomStream,
    RecordedDraw,
    ReplayMismatchError,
    ReplayStream,
    as_stream,
)

# MATLAB's values of rng(0); rand(1,5) and rng(1); rand, printed to 16 significant
# digits (so equal to the doubles within one unit in the last place)
MATLAB_RNG0_RAND5 = [0.8147236863931789, 0.9057919370756192, 0.1269868162935061,
                     0.9133758561390194, 0.6323592462254095]
MATLAB_RNG1_RAND = 0.417022004702574


def test_twister_rand_is_bit_identical_to_matlab():
    np.testing.assert_allclose(MatlabTwisterStream(0).rand((1, 5))[0], MATLAB_RNG0_RAND5, rtol=0, atol=1e-16)
    assert MatlabTwisterStream(1).rand((1, 1))[0, 0] == pytest.approx(MATLAB_RNG1_RAND, abs=1e-15)


def test_twister_fills_column_major_like_matlab():
    # MATLAB: rng(0); rand(2, 3) -> first column holds the first two draws
    m = MatlabTwisterStream(0).rand((2, 3))
    np.testing.assert_allclose(m[:, 0], MATLAB_RNG0_RAND5[:2], rtol=0, atol=1e-16)
    np.testing.assert_allclose(m[:, 1], MATLAB_RNG0_RAND5[2:4], rtol=0, atol=1e-16)


def test_twister_reseeding_restarts_and_randn_is_inversion():
    s = MatlabTwisterStream(5)
    u = s.rand((3, 4))
    s.seed(5)
    np.testing.assert_array_equal(s.randn((3, 4)), ndtri(u))


def test_twister_randperm_and_randsample():
    s = MatlabTwisterStream(3)
    p = s.randperm(10, 4)
    assert p.shape == (4,) and len(set(p.tolist())) == 4 and p.min() >= 1 and p.max() <= 10
    full = s.randperm(6)
    assert sorted(full.tolist()) == [1, 2, 3, 4, 5, 6]
    pop = np.arange(1, 52)
    draw = s.randsample(pop, 500, True)
    assert draw.shape == (500,) and set(draw.tolist()) <= set(pop.tolist())
    assert len(set(s.randsample(pop, 51, False).tolist())) == 51
    with pytest.raises(ValueError):
        s.randperm(3, 4)
    with pytest.raises(ValueError):
        MatlabTwisterStream(-1)


def test_numpy_stream_reproducible_and_protocol():
    a, b = NumpyStream(7), NumpyStream(7)
    np.testing.assert_array_equal(a.randn((2, 3)), b.randn((2, 3)))
    assert isinstance(a, RandomStream)
    assert sorted(a.randperm(5).tolist()) == [1, 2, 3, 4, 5]
    assert isinstance(as_stream(3), NumpyStream)
    with pytest.raises(TypeError):
        as_stream("seed")


def _recording():
    return ReplayStream(
        initial=[RecordedDraw("randperm", np.array([[3.0, 1.0]]))],
        segments={1001: [RecordedDraw("randn", np.arange(6.0).reshape(2, 3)),
                         RecordedDraw("rand", np.array([[0.5]]))]},
    )


def test_replay_plays_back_in_order_and_reseeds():
    r = _recording()
    assert r.randperm(4, 2).tolist() == [3, 1]
    r.seed(1001)
    np.testing.assert_array_equal(r.randn((2, 3)), np.arange(6.0).reshape(2, 3))
    assert r.rand((1, 1))[0, 0] == 0.5
    assert r.exhausted
    r.seed(1001)  # a MATLAB reseed restarts the same sequence
    np.testing.assert_array_equal(r.randn((2, 3)), np.arange(6.0).reshape(2, 3))
    assert r.draws_served == 4


@pytest.mark.parametrize("ask, message", [
    (lambda r: r.randn((2, 1)), "recorded as randperm"),
    (lambda r: r.randperm(4, 3), r"randperm\(1, 2\)|randperm"),
])
def test_replay_fails_loudly_on_a_different_call(ask, message):
    with pytest.raises(ReplayMismatchError, match=message):
        ask(_recording())


def test_replay_fails_on_wrong_shape_unknown_seed_and_exhaustion():
    r = _recording()
    r.seed(1001)
    with pytest.raises(ReplayMismatchError, match=r"randn\(2, 3\).*asked for randn\(3, 2\)"):
        r.randn((3, 2))
    with pytest.raises(ReplayMismatchError, match="no draws for that seed"):
        r.seed(42)
    r = _recording()
    r.randperm(4, 2)
    with pytest.raises(ReplayMismatchError, match="only 1 draws were recorded"):
        r.rand((1, 1))


def test_replay_from_recording_lists():
    r = ReplayStream.from_recording([np.nan, 7.0], [["rand"], ["randn"]],
                                    [[np.ones((1, 2))], [np.zeros((2, 1))]])
    np.testing.assert_array_equal(r.rand((1, 2)), np.ones((1, 2)))
    r.seed(7)
    np.testing.assert_array_equal(r.randn((2, 1)), np.zeros((2, 1)))
