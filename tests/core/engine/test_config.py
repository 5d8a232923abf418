"""The training settings' rules: one plain sentence per refusal, the same wherever it is asked."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bpdesk.core.engine import config
from bpdesk.core.engine.config import (
    BATCH_SIZE,
    EPOCHS,
    HIDDEN_LAYERS,
    LEARNING_RATE,
    MOMENTUM,
    NEURONS,
    SEED,
    SETTINGS,
    TrainConfig,
    check_batch_size,
    check_setting,
)
from bpdesk.core.engine.network import MAX_HIDDEN_LAYERS
from bpdesk.core.errors import ConfigError


@pytest.mark.parametrize(
    ("setting", "value", "reason"),
    [
        (
            LEARNING_RATE,
            0,
            "The learning rate η must be a number above 0 and at most 1000000, not 0.",
        ),
        (
            LEARNING_RATE,
            float("nan"),
            "The learning rate η must be a number above 0 and at most 1000000, not NaN.",
        ),
        (MOMENTUM, 1.0, "The momentum α must be at least 0 and below 1, not 1."),
        (BATCH_SIZE, 2.5, "The batch size must be a whole number ≥ 1, not 2.5."),
        (EPOCHS, 0, "The number of epochs must be a whole number from 1 to 1000000, not 0."),
        (SEED, -1, "The seed must be a whole number from 0 to 2147483647, not -1."),
        (
            HIDDEN_LAYERS,
            7,
            "The number of hidden layers must be a whole number from 0 to 6, not 7.",
        ),
        (
            NEURONS,
            33,
            "The number of neurons in a hidden layer must be a whole number from 1 to 32, not 33.",
        ),
    ],
)
def test_each_refusal_is_one_plain_sentence(setting, value, reason):
    assert setting.check(value) == reason
    assert check_setting(setting.name, value) == reason
    with pytest.raises(ConfigError, match="must be"):
        setting.checked(value)


@pytest.mark.parametrize(
    ("setting", "good", "bad"),
    [
        (LEARNING_RATE, [1e-9, 0.5, 1e6], [0.0, -1.0, 1e6 + 1, float("inf"), True, "0.5"]),
        (MOMENTUM, [0.0, 0.5, 0.999], [-0.1, 1.0, float("nan")]),
        (BATCH_SIZE, [1, 7, 10**9], [0, -1, 1.5]),
        (EPOCHS, [1, 1_000_000], [0, 1_000_001, 2.5]),
        (SEED, [0, 2**31 - 1], [-1, 2**31, 10**400]),
        (HIDDEN_LAYERS, [0, MAX_HIDDEN_LAYERS], [-1, MAX_HIDDEN_LAYERS + 1]),
        (NEURONS, [1, 32], [0, 33]),
    ],
)
def test_limits_are_where_the_rules_say(setting, good, bad):
    assert all(setting.allows(v) for v in good)
    assert not any(setting.allows(v) for v in bad)
    assert all(setting.check(v) is not None for v in bad)


def test_every_setting_is_in_the_table_under_its_name():
    assert all(SETTINGS[s.name] is s for s in SETTINGS.values())
    assert set(SETTINGS) >= {"eta", "momentum", "batch_size", "epochs", "seed", "neurons"}


def test_whole_ranges_for_spin_boxes():
    assert NEURONS.whole_range() == (1, config.MAX_NEURONS)
    assert HIDDEN_LAYERS.whole_range() == (0, MAX_HIDDEN_LAYERS)
    with pytest.raises(ValueError):
        BATCH_SIZE.whole_range()  # no upper limit


def test_the_batch_size_may_be_held_to_the_sample_count():
    assert check_batch_size(5) is None  # the trainer takes B ≥ N as full batch
    assert check_batch_size(5, 4) == (
        "The batch size must be a whole number from 1 to 4 (the number of samples), not 5."
    )
    assert check_batch_size(0, 4) == BATCH_SIZE.check(0)  # the same reason as everywhere


@pytest.mark.parametrize(
    ("change", "setting", "value"),
    [
        ("eta", LEARNING_RATE, 0.0),
        ("eta", LEARNING_RATE, 2e6),
        ("momentum", MOMENTUM, -0.5),
        ("batch_size", BATCH_SIZE, 0),
        ("seed", SEED, -4),
        ("seed", SEED, 2**31),
    ],
)
def test_train_config_refuses_with_the_settings_reason(change, setting, value):
    with pytest.raises(ConfigError) as caught:
        replace(TrainConfig(), **{change: value}).validated()
    assert str(caught.value) == setting.check(value)


def test_trainer_still_names_the_config():
    from bpdesk.core.engine import trainer

    assert trainer.TrainConfig is TrainConfig and trainer.UPDATE_ORDERS == config.UPDATE_ORDERS
