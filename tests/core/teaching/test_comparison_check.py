"""A comparison checked on its first sample says what setting it up would say."""

from __future__ import annotations

import numpy as np
import pytest

from bpdesk.core.engine.init import initialize
from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.errors import ConfigError
from bpdesk.core.files.documents import open_source
from bpdesk.core.teaching.comparison import Comparison, check_comparison, iterations_per_epoch


@pytest.mark.parametrize(
    ("kind", "options"),
    [("eta", (0.1, 0.5, 2.0)), ("momentum", 0.9), ("order", None), ("restarts", (7, "xavier"))],
)
def test_the_check_counts_what_the_comparison_has(kind, options):
    trainer = open_source("spirals").trainer
    args = (trainer.network, trainer.inputs, trainer.targets, trainer.config, kind, options)
    runs, per_epoch = check_comparison(*args)
    built = Comparison(*args)
    assert (runs, per_epoch) == (built.n_runs, built.iterations_per_epoch)
    assert per_epoch == -(-trainer.inputs.shape[0] // trainer.config.batch_size) > 1


def test_the_check_refuses_what_the_comparison_refuses():
    trainer = open_source("xor").trainer
    bce = initialize(NetworkSpec.build([2, 2, 1], "sigmoid", loss="bce"))
    refused = [
        (bce, "optimizer", None),  # Levenberg–Marquardt needs squared errors
        (trainer.network, "restarts", (1, "uniform")),
        (trainer.network, "eta", ()),
    ]
    for network, kind, options in refused:
        with pytest.raises(ConfigError) as checked:
            check_comparison(
                network, trainer.inputs, trainer.targets, trainer.config, kind, options
            )
        with pytest.raises(ConfigError) as built:
            Comparison(network, trainer.inputs, trainer.targets, trainer.config, kind, options)
        assert str(checked.value) == str(built.value)


def test_iterations_per_epoch_count_the_partial_last_batch():
    config = open_source("spirals").trainer.config  # batches of 40
    assert iterations_per_epoch(320, config) == 8
    assert iterations_per_epoch(321, config) == 9
    assert iterations_per_epoch(7, config) == 1


def test_the_comparison_leaves_the_data_as_it_was():
    trainer = open_source("xor").trainer
    inputs = np.array(trainer.inputs)
    comparison = Comparison(trainer.network, inputs, trainer.targets, trainer.config, "order")
    comparison.advance(3)
    assert np.array_equal(inputs, trainer.inputs)  # read, never written
