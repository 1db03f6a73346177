import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from opdims import mse, state_distance

traj = arrays(np.float64, (3, 4, 5), elements=st.floats(-5, 5, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(a=traj, b=traj)
def test_state_distance_is_zero_on_identical_and_symmetric(a, b):
    assert state_distance(a, a) == 0
    assert state_distance(a, b) == pytest.approx(float(state_distance(b, a)), rel=1e-15)


def test_state_distance_value_and_leading_axes():
    a = np.zeros((2, 3, 2))
    b = np.zeros((2, 3, 2))
    b[0, :, 0] = 3.0
    b[0, :, 1] = 4.0  # distance 5 in trial 1, 0 in trial 2 -> mean 2.5
    assert state_distance(a, b) == 2.5
    stacked = np.stack([b, a])
    np.testing.assert_array_equal(state_distance(stacked, a), [2.5, 0.0])
    with pytest.raises(ValueError):
        state_distance(a, np.zeros((2, 3, 3)))


def test_mse_uses_output_one_and_selected_trials():
    z = np.zeros((3, 2, 2))
    targets = np.zeros((3, 2, 2))
    targets[:, :, 1] = 100.0  # output 2 is ignored, as in the original
    targets[1, :, 0] = 2.0
    assert mse(z, targets) == pytest.approx(4.0 / 3)
    assert mse(z, targets, [2]) == 4.0
    assert mse(z, targets, [1, 3]) == 0.0
    with pytest.raises(ValueError, match="1-based"):
        mse(z, targets, [0])
