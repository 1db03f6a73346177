import numpy as np
import pytest

from opdims import MatlabTwisterStream, NumpyStream, ReplayStream, context_integration_trials, sine_wave_trials
from opdims.core.random import RecordedDraw
from opdims.core.tasks import CTXT, SWG, context_trial, colon_range


def test_ctxt_shapes_contexts_and_context_inputs():
    d = context_integration_trials(2, True, NumpyStream(0))
    assert d.inputs.shape == (24, 1400, 5) and d.targets.shape == (24, 1400, 1)
    assert d.condition_ids.tolist() == [1, 2] * 12
    # context input: row 3 for context 1, row 4 for context 2, on for the whole trial
    np.testing.assert_array_equal(d.inputs[0, :, 2], 1.0)
    np.testing.assert_array_equal(d.inputs[1, :, 3], 1.0)
    assert not d.inputs[0, :, 3].any() and not d.inputs[:, :, 4].any()
    assert not d.inputs[:, :650, :2].any()  # nothing during the burn-in


def test_ctxt_coherency_table_keeps_the_originals_quirk():
    d = context_integration_trials(3, False, MatlabTwisterStream(1000))
    values = set(np.round(d.coherencies.ravel(), 12).tolist())
    allowed = {0.0, -0.15, -0.036, -0.009, 0.009, 0.036}
    assert values <= allowed and 0.15 not in values
    # without input noise the sensory inputs are the coherencies after the burn-in
    np.testing.assert_array_equal(d.inputs[:, 650:, :2], np.broadcast_to(d.coherencies[:, None, :], (36, 750, 2)))


def test_ctxt_target_integrates_relevant_input_until_a_bound():
    inputs, targets = context_trial([0.5, -0.5], 1, 0.0, NumpyStream(0))
    gain = CTXT.dt / CTXT.integration_tau
    assert targets[650, 0] == pytest.approx(gain * 0.5)
    hit = np.flatnonzero(targets[:, 0] >= 1.0)[0]
    assert targets[hit - 1, 0] < 1.0 and np.all(targets[hit:, 0] == 1.0)
    _, targets2 = context_trial([0.5, -0.5], 2, 0.0, NumpyStream(0))
    assert targets2.min() == -1.0  # context 2 integrates input 2


def test_ctxt_draw_order_matches_the_original():
    n, steps = 1, 750
    calls = [RecordedDraw("randperm", np.arange(1, 7)[None] + k) for k in range(4)]
    for _ in range(12):
        calls += [RecordedDraw("randn", np.zeros((1, steps))), RecordedDraw("randn", np.zeros((1, steps)))]
    replay = ReplayStream(calls)
    context_integration_trials(n, True, replay)
    assert replay.exhausted


def test_swg_inputs_targets_and_default_frequencies():
    d = sine_wave_trials(153)
    assert d.inputs.shape == (153, 500, 1)
    assert d.freq_ids.min() >= 1 and d.freq_ids.max() <= 51
    np.testing.assert_allclose(d.inputs[:, 0, 0], d.freq_ids / 51 + 0.25)
    f = 1 + (d.freq_ids - 1) * 0.1
    np.testing.assert_allclose(d.targets[:, :, 0], np.sin(2 * np.pi * f[:, None] * np.arange(1, 501)[None] / 1000),
                               atol=1e-12)
    np.testing.assert_allclose(d.freqs, 2 * np.pi * f, rtol=1e-14)
    # the original reseeds with 2001: the same trials every time
    np.testing.assert_array_equal(sine_wave_trials(153).freq_ids, d.freq_ids)
    # a seedable stream is reseeded with 2001 too
    np.testing.assert_array_equal(sine_wave_trials(153, MatlabTwisterStream(5)).freq_ids, d.freq_ids)


def test_matlab_colon_endpoints_and_length():
    np.testing.assert_allclose(SWG.freq_per_id, np.linspace(1, 6, 51), atol=1e-15)
    assert SWG.freq_per_id[-1] == 6.0 and SWG.times[-1] == 0.5 and SWG.times.size == 500
    assert colon_range(0, 1, 4).tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_bad_trial_counts(bad):
    with pytest.raises(ValueError, match="n_trials"):
        context_integration_trials(bad)
    with pytest.raises(ValueError, match="n_trials"):
        sine_wave_trials(bad)
