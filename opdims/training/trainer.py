"""Training vanilla RNNs on the paper's two tasks (torch, CPU or GPU).

The trained network is the one :func:`opdims.core.simulate` runs::

    x <- (1 - a) x + a (W_in u + W tanh(x) + b_x + sigma * noise),   z = W_out tanh(x) + b_z

with ``x`` starting at ``x0[:, context]``. Every weight, both biases and the
initial states are trained by Adam on the paper's cost (Eq. 3): the squared
output error, averaged over time and summed over the trials (conditions) of
a batch. Each iteration draws a fresh batch: new ctxt trials (coherencies and
input noise) and new internal noise. The network kept is the one with the
lowest cost on a fixed validation set; training stops early once that cost
reaches ``target_cost``. Results go to the original HDF5 layout
(``/NetNr<k>/init`` and ``/NetNr<k>/final``), readable by the original MATLAB
code and by :func:`opdims.io.load_network`.

torch is imported only when training or the torch forward pass is used.
"""

from __future__ import annotations

import functools
import io
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..core.errors import (
    FileFormatError,
    MissingDependencyError,
    MissingFileError,
    OpdimsError,
    OutputExistsError,
    ValidationError,
)
from ..core.metrics import mse
from ..core.network import NOISE_SIGMA, Network
from ..core.random import MatlabTwisterStream, NumpyStream
from ..core.simulate import draw_noise, simulate
from ..core.tasks import CTXT, SWG, TaskData, context_integration_trials, sine_wave_trials
from ..core.validation import check_task
from ..io import add_network_hdf5, atomic_output, existing_file, network_ids
from ..version import __version__

__all__ = [
    "PARAMETERS",
    "TASK_DEFAULTS",
    "TASK_SIZES",
    "TrainingConfig",
    "TrainingResult",
    "all_frequency_trials",
    "evaluation_data",
    "initial_network",
    "task_cost",
    "torch_forward",
    "train_network",
    "training_batch",
]

#: inputs, outputs and initial states (contexts) of each task
TASK_SIZES = {"ctxt": (5, 1, 2), "swg": (1, 1, 1)}

#: the trainable arrays, as named by :class:`opdims.Network`
PARAMETERS = ("W_in", "W", "W_out", "x0", "b_x", "b_z")

#: seeds of the fixed evaluation data set (trials, then internal noise)
EVALUATION_SEEDS = (1000, 1001)


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise MissingDependencyError("training needs torch: pip install 'opdims[torch]'") from exc
    return torch


#: per-task defaults of the TrainingConfig fields left at None
TASK_DEFAULTS = {
    "ctxt": {"batch": 2, "lr": 5e-3, "lr_decay": 0.7, "max_iterations": 8000, "target_cost": 1e-3,
             "short_burn_in_iterations": 4000},
    "swg": {"batch": 1, "lr": 2e-3, "lr_decay": 0.85, "max_iterations": 16000, "target_cost": 2e-4,
            "short_burn_in_iterations": 0},
}


@dataclass
class TrainingConfig:
    """How one network is trained (fields left at ``None`` take :data:`TASK_DEFAULTS`).

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.
    seed : int, optional
        Seed of the initial weights, the trials and the noise (default 1).
    n_units : int, optional
        Network size N (default 100).
    batch : int, optional
        ctxt: trials per context and coherency (``12 * batch`` trials per
        iteration); swg: copies of the 51 frequencies (``51 * batch``).
    max_iterations : int, optional
        Most Adam steps.
    target_cost : float, optional
        Stop once the validation MSE is at or below it.
    max_minutes : float, optional
        Stop after this much training time (default: no limit).
    lr : float, optional
        Adam step size.
    lr_decay : float, optional
        Factor applied to the step size every 1000 iterations.
    clip_norm : float, optional
        Gradient-norm clipping (default 1).
    noise_sigma : float, optional
        Internal noise during training (default 0.1).
    input_noise : bool, optional
        Noisy ctxt sensory inputs (default True).
    eval_every : int, optional
        Iterations between validations (default 25).
    checkpoint_every : int, optional
        Iterations between checkpoints, when writing to a file (default 100).
    dtype : str, optional
        ``'float32'`` (default) or ``'float64'``: the precision of training
        (weights are saved as float64).
    device : str, optional
        torch device, e.g. ``'cpu'`` (default) or ``'cuda'``.
    frozen : tuple of str, optional
        Arrays of :data:`PARAMETERS` kept at their initial values.
    short_burn_in_iterations : int, optional
        ctxt curriculum: the first iterations use trials whose burn-in lasts
        ``short_burn_in`` seconds instead of 0.65 s.
    short_burn_in : float, optional
        That burn-in (s, default 0.05).

    Raises
    ------
    ValueError
        For an unknown task, dtype or frozen array, or a count, step size or
        cost that is not positive.

    Examples
    --------
    >>> config = TrainingConfig("swg", n_units=50)
    >>> config.batch, config.lr, config.max_iterations
    (1, 0.002, 16000)
    """

    task: str
    seed: int = 1
    n_units: int = 100
    batch: int | None = None
    max_iterations: int | None = None
    target_cost: float | None = None
    max_minutes: float | None = None
    lr: float | None = None
    lr_decay: float | None = None
    clip_norm: float = 1.0
    noise_sigma: float = NOISE_SIGMA
    input_noise: bool = True
    eval_every: int = 25
    checkpoint_every: int = 100
    dtype: str = "float32"
    device: str = "cpu"
    frozen: tuple[str, ...] = ()
    short_burn_in_iterations: int | None = None
    short_burn_in: float = 0.05

    def __post_init__(self):
        check_task(self.task)
        for name, value in TASK_DEFAULTS[self.task].items():
            if getattr(self, name) is None:
                setattr(self, name, value)
        for name in ("n_units", "batch", "max_iterations", "eval_every", "checkpoint_every"):
            if int(getattr(self, name)) < 1:
                raise ValidationError(f"{name}: expected a positive integer, got {getattr(self, name)}")
        if int(self.short_burn_in_iterations) < 0:
            raise ValidationError("short_burn_in_iterations: expected an integer >= 0, "
                                  f"got {self.short_burn_in_iterations}")
        for name in ("target_cost", "lr", "clip_norm", "lr_decay", "short_burn_in"):
            if not float(getattr(self, name)) > 0:
                raise ValidationError(f"{name}: expected a positive number, got {getattr(self, name)}")
        if self.max_minutes is not None and not float(self.max_minutes) > 0:
            raise ValidationError(f"max_minutes: expected a positive number or None, got {self.max_minutes}")
        if self.dtype not in ("float32", "float64"):
            raise ValidationError(f"dtype: expected 'float32' or 'float64', got {self.dtype!r}")
        unknown = set(self.frozen) - set(PARAMETERS)
        if unknown:
            raise ValidationError(f"frozen: unknown parameter(s) {sorted(unknown)}; expected names from {PARAMETERS}")
        self.frozen = tuple(self.frozen)


@dataclass
class TrainingResult:
    """A trained network and how its training went, as :func:`train_network` returns it.

    Parameters
    ----------
    initial : opdims.Network
        The initial weights.
    final : opdims.Network
        The trained weights (those of the best validation).
    cost : float
        Evaluation cost of the final network (:func:`task_cost`).
    iterations : int
        Adam steps run.
    seconds : float
        Training time.
    history : list of tuple, optional
        ``(iteration, training MSE, validation MSE)`` at every validation.
    """

    initial: Network
    final: Network
    cost: float
    iterations: int
    seconds: float
    history: list = field(default_factory=list)


def initial_network(task: str, seed: int, n_units: int = 100, noise_sigma: float = NOISE_SIGMA) -> Network:
    """Return random initial weights with the statistics of the original networks' ``init``.

    ``W ~ N(0, 1/N)``, ``W_in ~ N(0, 1/n_in)``, ``W_out ~ N(0, 1/N)``;
    initial states and biases zero.

    Parameters
    ----------
    task : str
        ``'ctxt'`` (5 inputs, 2 initial states) or ``'swg'`` (1, 1).
    seed : int
        Seed of the weights.
    n_units : int, optional
        Network size N (default 100).
    noise_sigma : float, optional
        The network's internal noise (default 0.1).

    Returns
    -------
    opdims.Network
        The network.

    Raises
    ------
    ValueError
        For an unknown task.

    Examples
    --------
    >>> net = initial_network("ctxt", seed=1, n_units=10)
    >>> net.W_in.shape, net.x0.shape
    ((10, 5), (10, 2))
    """
    n_in, n_out, n_ctx = TASK_SIZES[check_task(task)]
    rng = np.random.default_rng(seed)
    return Network(
        W_in=rng.standard_normal((n_units, n_in)) / np.sqrt(n_in),
        W=rng.standard_normal((n_units, n_units)) / np.sqrt(n_units),
        W_out=rng.standard_normal((n_out, n_units)) / np.sqrt(n_units),
        x0=np.zeros((n_units, n_ctx)),
        b_x=np.zeros(n_units),
        b_z=np.zeros(n_out),
        noise_sigma=noise_sigma,
        source=f"initial {task} network, seed {seed}",
    )


def all_frequency_trials(copies: int = 1) -> TaskData:
    """Return sine-wave trials of every frequency id 1..51, ``copies`` times each.

    The same trials :func:`opdims.sine_wave_trials` makes for these ids.

    Parameters
    ----------
    copies : int, optional
        Trials per frequency (default 1).

    Returns
    -------
    opdims.TaskData
        ``51 copies`` trials, ids ``1..51, 1..51, ...``.

    Examples
    --------
    >>> data = all_frequency_trials(2)
    >>> data.n_trials, data.freq_ids[[0, 50, 51]].tolist()
    (102, [1, 51, 1])
    """
    freq_ids = np.tile(np.arange(1, SWG.n_freqs + 1), int(copies))
    freq_hz = SWG.freq_per_id[freq_ids - 1]
    t = SWG.times
    inputs = np.broadcast_to((freq_ids / SWG.n_freqs + 0.25)[:, None, None], (freq_ids.size, t.size, 1)).copy()
    targets = np.sin(2 * np.pi * freq_hz[:, None] * t[None, :])[:, :, None]
    return TaskData("swg", inputs, targets, np.ones(freq_ids.size, dtype=int), freq_ids=freq_ids,
                    freqs=2 * np.pi * freq_hz)


def training_batch(config: TrainingConfig, stream: NumpyStream, iteration: int = 0) -> TaskData:
    """Return one batch of trials: fresh ctxt trials from ``stream``, or all swg frequencies.

    ctxt trials of the first ``config.short_burn_in_iterations`` iterations
    have a burn-in of ``config.short_burn_in`` seconds instead of 0.65 s.

    Parameters
    ----------
    config : TrainingConfig
        The task and ``batch``.
    stream : NumpyStream
        Where ctxt trials are drawn from.
    iteration : int, optional
        The training iteration (0-based), for the curriculum.

    Returns
    -------
    opdims.TaskData
        ``12 * batch`` ctxt or ``51 * batch`` swg trials.

    Examples
    --------
    >>> from opdims import NumpyStream
    >>> batch = training_batch(TrainingConfig("ctxt"), NumpyStream(0))
    >>> batch.n_trials, batch.n_steps  # 50 ms burn-in in the first 4000 iterations
    (24, 800)
    """
    if config.task == "ctxt":
        constants = CTXT
        if iteration < config.short_burn_in_iterations:
            constants = replace(CTXT, burn_length=config.short_burn_in)
        return context_integration_trials(config.batch, config.input_noise, stream, constants)
    return all_frequency_trials(config.batch)


def evaluation_data(task: str) -> TaskData:
    """Return the fixed evaluation trials of a task.

    :func:`task_cost` adds internal noise from ``MatlabTwisterStream(1001)``.

    Parameters
    ----------
    task : str
        ctxt: ``context_integration_trials(5, True, MatlabTwisterStream(1000))``
        (60 trials); swg: ``sine_wave_trials(255)``.

    Returns
    -------
    opdims.TaskData
        The trials.

    Raises
    ------
    ValueError
        For an unknown task.

    Examples
    --------
    >>> evaluation_data("swg").n_trials
    255
    """
    if check_task(task) == "ctxt":
        return context_integration_trials(5, True, MatlabTwisterStream(EVALUATION_SEEDS[0]))
    return sine_wave_trials(255)


def task_cost(net: Network, task: str, data: TaskData | None = None) -> float:
    """Return the MSE of output 1 of ``net`` on the evaluation set (:func:`evaluation_data`).

    The same measure (:func:`opdims.mse`) and data for every network, so
    costs of trained and original networks compare directly.

    Parameters
    ----------
    net : opdims.Network
        The network.
    task : str
        ``'ctxt'`` or ``'swg'``.
    data : opdims.TaskData, optional
        Trials to use instead (default :func:`evaluation_data`).

    Returns
    -------
    float
        The cost.

    Examples
    --------
    >>> task_cost(initial_network("swg", seed=0, n_units=5), "swg") > 0.1  # untrained
    True
    """
    if data is None:
        data = evaluation_data(task)
    traj = simulate(net, data.inputs, data.condition_ids, stream=MatlabTwisterStream(EVALUATION_SEEDS[1]))
    return float(mse(traj.z, data.targets))


@functools.cache
def _recurrence_function():
    """A torch autograd Function for the state recurrence with a hand-written backward.

    Forward: ``x_{t+1} = (1-a) x_t + a (W tanh(x_t) + d_t)`` from ``x_0``, all
    trials at once; returns ``x_1..x_T`` ``[B, T, N]``. Backward runs the
    adjoint recurrence ``g_t = G_t + (1-a) g_{t+1} + (1 - r_t^2) (a W' g_{t+1})``
    and forms ``dL/dW`` with one matrix product over all steps. A few tensor
    operations per step instead of autograd's graph of the loop: about 3
    times faster for these small matrices.
    """
    torch = _torch()

    class Recurrence(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x0, W, drive, alpha):
            n_trials, n_steps, n = drive.shape
            states = torch.empty((n_trials, n_steps + 1, n), dtype=drive.dtype, device=drive.device)
            rates = torch.empty_like(states)
            scaled_drive = alpha * drive
            scaled_W_T = alpha * W.T
            x = x0
            for t in range(n_steps + 1):
                if t:
                    x = torch.addmm(scaled_drive[:, t - 1], rates[:, t - 1], scaled_W_T).add_(x, alpha=1.0 - alpha)
                states[:, t] = x
                torch.tanh(x, out=rates[:, t])
            ctx.save_for_backward(W, rates)
            ctx.alpha = alpha
            return states[:, 1:]

        @staticmethod
        def backward(ctx, grad_states):
            W, rates = ctx.saved_tensors
            a = ctx.alpha
            n_steps = grad_states.shape[1]
            slope = 1.0 - rates * rates  # d tanh / dx at every state, [B, T + 1, N]
            scaled_W = a * W
            adjoint = torch.empty((grad_states.shape[0], n_steps + 1, W.shape[0]), dtype=W.dtype, device=W.device)
            g = grad_states[:, -1]
            adjoint[:, n_steps] = g
            for t in range(n_steps - 1, -1, -1):
                back = (g @ scaled_W).mul_(slope[:, t])
                g = back.add_(g, alpha=1.0 - a)
                if t:
                    g = g.add_(grad_states[:, t - 1])
                adjoint[:, t] = g
            grad_drive = a * adjoint[:, 1:]
            grad_W = torch.einsum("btn,btm->nm", grad_drive, rates[:, :-1])
            return adjoint[:, 0], grad_W, grad_drive, None

    return Recurrence


def torch_forward(params: dict, inputs, context_index, noise, alpha: float, noise_sigma: float):
    """Run the dynamics of :func:`opdims.core.simulate` in torch, differentiably.

    The backward pass is hand-written (the adjoint recurrence), about 3
    times faster than autograd's graph of the loop. Rates are ``tanh``.

    Parameters
    ----------
    params : dict
        Tensors named as :data:`PARAMETERS`: ``W_in [N, n_in]``, ``W [N,
        N]``, ``W_out [n_out, N]``, ``x0 [N, n_ctx]``, ``b_x [N]``, ``b_z [n_out]``.
    inputs : torch.Tensor
        ``[B, T, n_in]``.
    context_index : torch.Tensor
        ``[B]``: 0-based column of ``x0`` each trial starts from.
    noise : torch.Tensor or None
        ``[B, T, N]`` standard-normal internal noise, or ``None``.
    alpha : float
        ``dt / tau``.
    noise_sigma : float
        Scale of ``noise``.

    Returns
    -------
    x : torch.Tensor
        ``[B, T, N]`` states after each step.
    z : torch.Tensor
        ``[B, T, n_out]`` outputs.

    Raises
    ------
    ImportError
        If torch is not installed.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> import opdims
    >>> net = initial_network("swg", seed=0, n_units=4)
    >>> params = {name: torch.tensor(getattr(net, name)) for name in PARAMETERS}
    >>> inputs = np.ones((2, 5, 1))
    >>> x, z = torch_forward(params, torch.tensor(inputs), torch.tensor([0, 0]), None, net.alpha, 0.0)
    >>> traj = opdims.simulate(net, inputs, [1, 1], noise_sigma=0)
    >>> bool(np.allclose(x.numpy(), traj.x))
    True
    """
    torch = _torch()
    drive = inputs @ params["W_in"].T + params["b_x"]
    if noise is not None:
        drive = drive + noise_sigma * noise
    x0 = params["x0"][:, context_index].T
    x_t = _recurrence_function().apply(x0, params["W"], drive, float(alpha))
    z_t = torch.tanh(x_t) @ params["W_out"].T + params["b_z"]
    return x_t, z_t


def _as_network(params: dict, template: Network, source: str) -> Network:
    arrays = {name: params[name].detach().cpu().double().numpy() for name in PARAMETERS}
    return Network(**arrays, dt=template.dt, tau=template.tau, noise_sigma=template.noise_sigma, source=source)


def _validation_set(config: TrainingConfig):
    """Fixed trials and noise for early stopping, apart from the evaluation set."""
    stream = NumpyStream(10_000 + config.seed)
    data = (context_integration_trials(5, config.input_noise, stream) if config.task == "ctxt"
            else all_frequency_trials(1))
    noise = draw_noise(stream, data.n_trials, data.inputs.shape[1], config.n_units)
    return data, noise


def _validation_cost(net: Network, data: TaskData, noise) -> float:
    traj = simulate(net, data.inputs, data.condition_ids, noise=noise)
    return float(mse(traj.z, data.targets))


#: options that only say when to stop or save: a checkpoint resumes under new values
_STOPPING_OPTIONS = ("max_iterations", "max_minutes", "target_cost", "checkpoint_every")


def _resumable(config: dict) -> dict:
    return {k: v for k, v in config.items() if k not in _STOPPING_OPTIONS}


def _checkpoint_path(out: Path, net_id: int) -> Path:
    return out.with_name(f"{out.name}.NetNr{net_id}.checkpoint.pt")


#: what a checkpoint holds, and the type of each entry
_CHECKPOINT_ENTRIES = {"config": dict, "params": dict, "optimizer": dict, "schedule": dict, "stream": dict,
                       "noise_gen": None, "state": dict}


def _load_checkpoint(path: Path, config: TrainingConfig, params: dict) -> dict:
    """A checkpoint of :func:`train_network`, loaded as data only (never code), its entries checked."""
    torch = _torch()
    what = f"{path}: checkpoint"
    try:
        saved = torch.load(existing_file(path), map_location="cpu", weights_only=True)
    except OpdimsError:
        raise
    except Exception as exc:  # unsafe (code when unpickled), damaged or not a torch file: refused alike
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise FileFormatError(f"{what} cannot be loaded as data only ({type(exc).__name__}: {first[:200]}); "
                              "opdims never runs code from a file: delete it to train afresh") from exc
    if not isinstance(saved, dict) or set(saved) != set(_CHECKPOINT_ENTRIES):
        found = sorted(map(str, saved)) if isinstance(saved, dict) else type(saved).__name__
        raise FileFormatError(f"{what}: expected the entries {sorted(_CHECKPOINT_ENTRIES)}, found {found}; "
                              "delete it to train afresh")
    for name, kind in _CHECKPOINT_ENTRIES.items():
        ok = isinstance(saved[name], kind) if kind else isinstance(saved[name], torch.Tensor)
        if not ok:
            raise FileFormatError(f"{what}: entry {name!r} is a {type(saved[name]).__name__}; delete it to train "
                                  "afresh")
    if _resumable(saved["config"]) != _resumable(asdict(config)):
        raise ValidationError(f"{path}: checkpoint was made with different training options "
                              f"({_resumable(saved['config'])}); delete it or train with the same options")
    for name, param in params.items():
        value = saved["params"].get(name)
        if not isinstance(value, torch.Tensor) or tuple(value.shape) != tuple(param.shape):
            got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise FileFormatError(f"{what}: params[{name!r}] expected a tensor of shape {tuple(param.shape)}, "
                                  f"got {got}; delete it to train afresh")
    return saved


def _atomic_torch_save(obj, path: Path) -> None:
    # serialised in memory first: torch's own file writer reports a full disk as a RuntimeError without the
    # error number, while Python's file writes give the OSError that atomic_output turns into one line
    buffer = io.BytesIO()
    _torch().save(obj, buffer)
    with atomic_output(path, overwrite=True) as temporary:
        temporary.write_bytes(buffer.getbuffer())


def train_network(config: TrainingConfig, out=None, net_id: int = 1, *, overwrite: bool = False,
                  progress: bool = True, command: str = "") -> TrainingResult:
    """Train one network; with ``out``, write it to ``/NetNr<net_id>`` of that HDF5 file.

    With ``out``, a checkpoint ``<out>.NetNr<k>.checkpoint.pt`` is written
    every ``config.checkpoint_every`` iterations and training resumes from it
    (it is removed once the network is written). The group's attributes record
    ``command``, the seed, the configuration, the costs, the training time
    and the history (iteration, training MSE, validation MSE).

    Parameters
    ----------
    config : TrainingConfig
        What to train and how.
    out : str or path, optional
        Weights file (original HDF5 layout) to add the network to; created
        if absent, its other networks kept.
    net_id : int, optional
        The ``k`` of ``/NetNr<k>`` (default 1).
    overwrite : bool, optional
        Replace an existing ``/NetNr<k>`` (default: an error).
    progress : bool, optional
        Show a progress bar (default True).
    command : str, optional
        The command line, stored with the network.

    Returns
    -------
    TrainingResult
        Initial and final network, evaluation cost, iterations, time, history.

    Raises
    ------
    ImportError
        If torch is not installed.
    FileExistsError
        If ``/NetNr<k>`` exists in ``out`` and ``overwrite`` is false.
    FileNotFoundError
        If the folder of ``out`` does not exist.
    ValueError
        If a checkpoint was made with other training options, or cannot be
        loaded as data only (``torch.load(weights_only=True)``: a file that
        would run code when unpickled is refused, never run).

    Examples
    --------
    Two Adam steps of a 5-unit network (seconds; not run as a doctest, see
    ``tests/test_training.py``):

    >>> config = TrainingConfig("swg", n_units=5, max_iterations=2)
    >>> result = train_network(config, "my_swg.h5", progress=False)  # doctest: +SKIP
    >>> result.iterations, result.final.n_units  # doctest: +SKIP
    (2, 5)
    >>> from opdims.io import load_network
    >>> load_network("my_swg.h5", 1).n_units  # doctest: +SKIP
    5
    """
    torch = _torch()
    out = Path(out) if out is not None else None
    if out is not None:
        if net_id in network_ids(out, missing_ok=True) and not overwrite:
            raise OutputExistsError(f"{out}: /NetNr{net_id} exists already (use --force to overwrite it)")
        if not out.parent.is_dir():
            raise MissingFileError(f"{out}: folder {out.parent} does not exist")
    dtype = getattr(torch, config.dtype)
    device = torch.device(config.device)
    initial = initial_network(config.task, config.seed, config.n_units, config.noise_sigma)
    params = {name: torch.tensor(getattr(initial, name), dtype=dtype, device=device,
                                 requires_grad=name not in config.frozen) for name in PARAMETERS}
    trainable = [params[name] for name in PARAMETERS if name not in config.frozen]
    optimizer = torch.optim.Adam(trainable, lr=config.lr)
    schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1000, gamma=config.lr_decay)
    stream = NumpyStream(config.seed)
    noise_gen = torch.Generator(device=device).manual_seed(config.seed)
    state = {"iteration": 0, "elapsed": 0.0, "history": [], "best_cost": np.inf,
             "best": {name: p.detach().clone() for name, p in params.items()}}

    ckpt = _checkpoint_path(out, net_id) if out is not None else None
    if ckpt is not None and ckpt.exists():
        saved = _load_checkpoint(ckpt, config, params)
        with torch.no_grad():
            for name in PARAMETERS:
                params[name].copy_(saved["params"][name])
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        stream.generator.bit_generator.state = saved["stream"]
        noise_gen.set_state(saved["noise_gen"])
        state = saved["state"]

    def save_checkpoint():
        _atomic_torch_save({"config": asdict(config), "params": {k: v.detach() for k, v in params.items()},
                            "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                            "stream": stream.generator.bit_generator.state, "noise_gen": noise_gen.get_state(),
                            "state": state}, ckpt)

    val_data, val_noise = _validation_set(config)
    alpha = initial.alpha
    bar = tqdm(total=config.max_iterations, initial=state["iteration"], disable=not progress,
               desc=f"train {config.task} NetNr{net_id}", unit="it")
    started = time.perf_counter() - state["elapsed"]
    train_cost = np.nan
    time_limit = np.inf if config.max_minutes is None else 60.0 * config.max_minutes
    while (state["iteration"] < config.max_iterations and state["best_cost"] > config.target_cost
           and time.perf_counter() - started < time_limit):
        batch = training_batch(config, stream, state["iteration"])
        inputs = torch.tensor(batch.inputs, dtype=dtype, device=device)
        targets = torch.tensor(batch.targets, dtype=dtype, device=device)
        ctx = torch.tensor(batch.condition_ids - 1, device=device)
        noise = torch.randn((batch.n_trials, inputs.shape[1], config.n_units), generator=noise_gen,
                            dtype=dtype, device=device)
        _, z = torch_forward(params, inputs, ctx, noise, alpha, config.noise_sigma)
        per_trial = ((z[..., 0] - targets[..., 0]) ** 2).mean(dim=1)
        loss = per_trial.sum()  # Eq. 3: summed over conditions (trials), averaged over time
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, config.clip_norm)
        optimizer.step()
        schedule.step()
        state["iteration"] += 1
        train_cost = float(per_trial.detach().mean())
        it = state["iteration"]
        if it % config.eval_every == 0 or it == config.max_iterations:
            val = _validation_cost(_as_network(params, initial, "training"), val_data, val_noise)
            state["history"].append((it, train_cost, val))
            if val < state["best_cost"]:
                state["best_cost"] = val
                state["best"] = {name: p.detach().clone() for name, p in params.items()}
        if ckpt is not None and it % config.checkpoint_every == 0:
            state["elapsed"] = time.perf_counter() - started
            save_checkpoint()
        bar.set_postfix(cost=f"{train_cost:.2e}", val=f"{state['best_cost']:.2e}")
        bar.update(1)
    bar.close()
    seconds = time.perf_counter() - started
    final = _as_network(state["best"], initial, f"trained {config.task} network, seed {config.seed}")
    result = TrainingResult(initial, final, task_cost(final, config.task), state["iteration"], seconds,
                            state["history"])
    if out is not None:
        attrs = {"seed": config.seed, "task": config.task, "iterations": result.iterations,
                 "train_seconds": seconds, "validation_cost": state["best_cost"], "evaluation_cost": result.cost,
                 "opdims_version": __version__, "command": command, "config": repr(asdict(config)),
                 "history": np.array(state["history"], dtype=np.float64).reshape(-1, 3)}
        add_network_hdf5(out, net_id, {"init": initial, "final": final}, attrs=attrs, overwrite=overwrite)
        ckpt.unlink(missing_ok=True)
    return result
