"""The original's ``+utils/+input_generation`` classes."""

from __future__ import annotations

import numpy as np

from ...tasks import CTXT, SWG, context_integration_trials, context_trial, sine_wave_trials
from .._convert import Struct, to_matlab
from .._rng import get_stream


class InputGeneratorCtxt:
    """Context-dependent integration trials; draws from the global stream."""

    n_inputs = CTXT.n_inputs
    n_outputs = CTXT.n_outputs
    nIntegrators = CTXT.n_integrators
    maxBound = CTXT.max_bound
    minBound = CTXT.min_bound
    integrationTau = CTXT.integration_tau
    burnLength = CTXT.burn_length
    dt = CTXT.dt
    tau = CTXT.tau
    time = CTXT.time
    all_coherencies = CTXT.coherencies.reshape(1, -1)

    def get_ctxt_dep_integrator_inputOutputDataset(self, n_trials, with_inputnoise):
        """``(coherencies_trial [2, B], conditionIds [1, B], inputs [5, T, B], targets [1, T, B])``."""
        data = context_integration_trials(int(n_trials), bool(with_inputnoise), get_stream())
        return (data.coherencies.T.copy(), data.condition_ids.reshape(1, -1).astype(float),
                to_matlab(data.inputs), to_matlab(data.targets))

    def generate_one_trial(self, all_drifts, conditionId, noiseSigma):
        """``(inputs [5, T], targets [1, T])`` of one trial."""
        drifts = np.asarray(all_drifts, dtype=float).reshape(-1)
        inputs, targets = context_trial(drifts, int(np.asarray(conditionId).reshape(-1)[0]),
                                        float(noiseSigma), get_stream())
        return inputs.T.copy(), targets.T.copy()


class InputGeneratorSWG:
    """Sine-wave generation trials; reseeds and draws from the global stream."""

    def get_simulation_parameters(self, n_trials):
        return Struct(dt=SWG.dt, time=SWG.time, nTrials=n_trials)

    def get_input_parameters(self):
        return Struct(nFreqs=SWG.n_freqs, max_freq=SWG.max_freq, min_freq=SWG.min_freq,
                      seed_freqs=SWG.seed_freqs)

    def get_sine_wave_generator_inputOutputDataset(self, n_trials):
        """``(all_freqs [1, B], all_freq_ids [B, 1], inputs [1, T, B], targets [1, T, B], conditionIds [1, B])``."""
        data = sine_wave_trials(int(n_trials), get_stream())
        return (data.freqs.reshape(1, -1), data.freq_ids.reshape(-1, 1).astype(float),
                to_matlab(data.inputs), to_matlab(data.targets),
                data.condition_ids.reshape(1, -1).astype(float))
