"""Training the paper's networks (PyTorch, the ``torch`` extra) and writing them in the authors' layout.

Floor 3, beside :mod:`opdims.plotting`: it uses the core and io, and is called by ``opdims train``.
"""

from .trainer import (
    PARAMETERS,
    TASK_DEFAULTS,
    TASK_SIZES,
    TrainingConfig,
    TrainingResult,
    all_frequency_trials,
    evaluation_data,
    initial_network,
    task_cost,
    torch_forward,
    train_network,
    training_batch,
)

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
