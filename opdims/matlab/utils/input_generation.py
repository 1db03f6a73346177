"""The original's ``+utils/+input_generation`` classes."""

from __future__ import annotations

import numpy as np

from ...core.tasks import CTXT, SWG, context_integration_trials, context_trial, sine_wave_trials
from ..convert import Struct, scalar, to_matlab
from ..global_stream import get_stream

__all__ = ["InputGeneratorCtxt", "InputGeneratorSWG"]


class InputGeneratorCtxt:
    """Context-dependent integration trials, as ``InputGeneratorCtxt.m``; draws from the global stream.

    The class attributes are the original's properties (``n_inputs``,
    ``nIntegrators``, ``burnLength``, ``all_coherencies``, ...), from
    :data:`opdims.core.tasks.CTXT`.

    Examples
    --------
    >>> from opdims.matlab import rng, utils
    >>> rng(1000)
    >>> coherencies_trial, conditionIds, inputs, targets = (
    ...     utils.input_generation.InputGeneratorCtxt().get_ctxt_dep_integrator_inputOutputDataset(5, 1))
    >>> inputs.shape, targets.shape, conditionIds[0, :4]
    ((5, 1400, 60), (1, 1400, 60), array([1., 2., 1., 2.]))
    """

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
        """Return a context-dependent integration data set, drawn from the global stream.

        One call of :func:`opdims.context_integration_trials`, the arrays in
        MATLAB orientation.

        Parameters
        ----------
        n_trials : int
            Trials per context and coherency: ``B = 12 n_trials`` trials in all.
        with_inputnoise : bool or int
            Add noise to the sensory inputs (1 or 0, as the original's flag).

        Returns
        -------
        coherencies_trial : numpy.ndarray
            ``[2, B]``: coherency of sensory inputs 1 and 2 per trial.
        conditionIds : numpy.ndarray
            ``[1, B]``: context (1 or 2) per trial, alternating.
        inputs : numpy.ndarray
            ``[5, T, B]``: two sensory inputs, two context cues, ... (T = 1400 steps).
        targets : numpy.ndarray
            ``[1, T, B]``.

        Raises
        ------
        ValueError
            If ``n_trials`` is not a positive integer.

        Examples
        --------
        >>> from opdims.matlab import rng, utils
        >>> rng(1000)
        >>> generator = utils.input_generation.InputGeneratorCtxt()
        >>> coherencies_trial, conditionIds, inputs, targets = (
        ...     generator.get_ctxt_dep_integrator_inputOutputDataset(1, 0))
        >>> coherencies_trial.shape, float(targets.max()) <= 1
        ((2, 12), True)
        """
        input_noise = bool(scalar(with_inputnoise, "with_inputnoise"))
        data = context_integration_trials(scalar(n_trials, "n_trials"), input_noise, get_stream())
        return (data.coherencies.T.copy(), data.condition_ids.reshape(1, -1).astype(float),
                to_matlab(data.inputs), to_matlab(data.targets))

    def generate_one_trial(self, all_drifts, conditionId, noiseSigma):
        """Return one context-dependent integration trial, drawn from the global stream.

        One call of :func:`opdims.core.tasks.context_trial`, transposed. As the
        original, the input noise is drawn also when ``noiseSigma`` is 0.

        Parameters
        ----------
        all_drifts : array_like
            ``[2]``: coherency of sensory inputs 1 and 2.
        conditionId : int
            The context, 1 or 2: which input to integrate.
        noiseSigma : float
            Standard deviation of the sensory inputs' noise per step.

        Returns
        -------
        inputs : numpy.ndarray
            ``[5, T]``.
        targets : numpy.ndarray
            ``[1, T]``: the integrated relevant input after the burn-in, until a bound.

        Examples
        --------
        >>> from opdims.matlab import rng, utils
        >>> rng(1)
        >>> inputs, targets = utils.input_generation.InputGeneratorCtxt().generate_one_trial([0.15, -0.15], 1, 0)
        >>> inputs.shape, float(targets[0, -1])  # drift 0.15 per 50 ms: the upper bound
        ((5, 1400), 1.0)
        """
        drifts = np.asarray(all_drifts, dtype=float).reshape(-1)
        inputs, targets = context_trial(drifts, int(scalar(conditionId, "conditionId")),
                                        float(scalar(noiseSigma, "noiseSigma")), get_stream())
        return inputs.T.copy(), targets.T.copy()


class InputGeneratorSWG:
    """Sine-wave generation trials, as ``InputGeneratorSWG.m``; reseeds and draws from the global stream.

    Examples
    --------
    >>> from opdims.matlab import utils
    >>> all_freqs, all_freq_ids, inputs, targets, conditionIds = (
    ...     utils.input_generation.InputGeneratorSWG().get_sine_wave_generator_inputOutputDataset(51))
    >>> inputs.shape, targets.shape
    ((1, 500, 51), (1, 500, 51))
    """

    def get_simulation_parameters(self, n_trials):
        """Return the original's simulation parameters.

        The constants of :data:`opdims.core.tasks.SWG`; no draws.

        Parameters
        ----------
        n_trials : int
            Number of trials, stored as ``nTrials``.

        Returns
        -------
        Struct
            ``dt`` (s), ``time`` (trial length, s) and ``nTrials``.

        Examples
        --------
        >>> from opdims.matlab import utils
        >>> utils.input_generation.InputGeneratorSWG().get_simulation_parameters(51)
        Struct(dt=0.001, time=0.5, nTrials=51)
        """
        return Struct(dt=SWG.dt, time=SWG.time, nTrials=n_trials)

    def get_input_parameters(self):
        """Return the original's input parameters.

        The constants of :data:`opdims.core.tasks.SWG`; no draws.

        Returns
        -------
        Struct
            ``nFreqs`` (51), ``max_freq``, ``min_freq`` (Hz) and ``seed_freqs``
            (2001, the seed the trials are drawn with).

        Examples
        --------
        >>> from opdims.matlab import utils
        >>> utils.input_generation.InputGeneratorSWG().get_input_parameters()
        Struct(nFreqs=51, max_freq=6.0, min_freq=1.0, seed_freqs=2001)
        """
        return Struct(nFreqs=SWG.n_freqs, max_freq=SWG.max_freq, min_freq=SWG.min_freq,
                      seed_freqs=SWG.seed_freqs)

    def get_sine_wave_generator_inputOutputDataset(self, n_trials):
        """Return a sine-wave generation data set.

        One call of :func:`opdims.sine_wave_trials` on the global stream,
        which, as the original, it reseeds with 2001 first: the trials never
        change.

        Parameters
        ----------
        n_trials : int
            Number of trials B; frequency ids are drawn with replacement.

        Returns
        -------
        all_freqs : numpy.ndarray
            ``[1, B]``: angular frequency (rad/s) of each trial.
        all_freq_ids : numpy.ndarray
            ``[B, 1]``: frequency id (1..51) of each trial.
        inputs : numpy.ndarray
            ``[1, T, B]``: the constant ``id / 51 + 0.25`` (T = 500 steps).
        targets : numpy.ndarray
            ``[1, T, B]``: ``sin(2 pi f t)``.
        conditionIds : numpy.ndarray
            ``[1, B]``: all 1 (one initial state).

        Raises
        ------
        ValueError
            If ``n_trials`` is not a positive integer.

        Examples
        --------
        >>> from opdims.matlab import utils
        >>> generator = utils.input_generation.InputGeneratorSWG()
        >>> all_freqs, all_freq_ids, inputs, targets, conditionIds = (
        ...     generator.get_sine_wave_generator_inputOutputDataset(3))
        >>> all_freq_ids.shape, inputs.shape
        ((3, 1), (1, 500, 3))
        """
        data = sine_wave_trials(scalar(n_trials, "n_trials"), get_stream())
        return (data.freqs.reshape(1, -1), data.freq_ids.reshape(-1, 1).astype(float),
                to_matlab(data.inputs), to_matlab(data.targets),
                data.condition_ids.reshape(1, -1).astype(float))
