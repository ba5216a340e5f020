"""Environment knobs with COU's meanings and defaults."""

from __future__ import annotations

import pytest

from octane.errors import UsageError
from octane.juju.settings import JujuSettings


def test_defaults_are_cous() -> None:
    conf = JujuSettings.from_env({})
    assert (conf.timeout, conf.model_retries, conf.model_retry_backoff) == (10.0, 5, 2.0)
    assert conf.max_frame_size == 2**30


def test_values_are_read() -> None:
    conf = JujuSettings.from_env({"OCTANE_TIMEOUT": "120", "OCTANE_MODEL_RETRIES": "0",
                                  "OCTANE_MODEL_RETRY_BACKOFF": "0.5"})
    assert (conf.timeout, conf.model_retries, conf.model_retry_backoff) == (120.0, 0, 0.5)


@pytest.mark.parametrize("env", [{"OCTANE_TIMEOUT": "soon"}, {"OCTANE_MODEL_RETRIES": "1.5"},
                                 {"OCTANE_MODEL_RETRY_BACKOFF": "-1"}])
def test_bad_values_are_usage_errors(env: dict[str, str]) -> None:
    with pytest.raises(UsageError, match=next(iter(env))):
        JujuSettings.from_env(env)
