"""The overfit preset really overfits, and weight decay or early stopping helps."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bpdesk.core.files.documents import open_source, preset_names

ITERATIONS = 3000  # full batches: one iteration is one epoch


def _trained(**settings):
    stepper = open_source("overfit")
    stepper.set_config(replace(stepper.trainer.config, **settings))
    result = stepper.run(iterations=ITERATIONS)
    return stepper, result


def test_the_preset_is_listed_and_holds_three_parts():
    assert "overfit" in preset_names()
    trainer = open_source("overfit").trainer
    assert trainer.validation_inputs is not None and trainer.test_inputs is not None
    assert trainer.n_samples < trainer.network.spec.n_parameters  # fewer samples than weights


def test_validation_and_test_error_rise_while_training_error_falls():
    stepper, _ = _trained()
    trainer = stepper.trainer
    train = trainer.epoch_errors.values()
    validation = trainer.validation_errors.values()
    test = trainer.test_errors.values()
    best = int(np.argmin(validation))
    assert best < ITERATIONS // 10  # the best epoch comes early
    # After it, the training error keeps falling and the held-out errors climb.
    assert train[-1] < 0.1 * train[best]
    assert validation[-1] > 1.5 * validation[best]
    assert test[-1] > 1.5 * test[best]
    late = slice(best + 1, None)
    assert np.mean(np.diff(train[late]) < 0) > 0.9  # training error falls nearly every epoch
    # The last error recorded is the network's own error on each part, measured afresh.
    net = trainer.network
    assert net.error(trainer.validation_inputs, trainer.validation_targets) == validation[-1]


def test_weight_decay_keeps_the_test_error_low():
    plain, _ = _trained()
    decayed, _ = _trained(weight_decay=0.003)
    end_plain = plain.trainer.test_errors.values()[-1]
    end_decayed = decayed.trainer.test_errors.values()[-1]
    assert end_decayed < 0.7 * end_plain
    weights = [sum(float((w**2).sum()) for w in s.network.weights) for s in (plain, decayed)]
    assert weights[1] < weights[0]


def test_early_stopping_and_roll_back_keep_the_test_error_low():
    plain, _ = _trained()
    stopped, result = _trained(patience=50)
    assert result.early_stopped and stopped.trainer.epoch < ITERATIONS
    stopped.roll_back_to_best()
    trainer = stopped.trainer
    test_now = trainer.network.error(trainer.test_inputs, trainer.test_targets)
    assert test_now < 0.7 * plain.trainer.test_errors.values()[-1]
