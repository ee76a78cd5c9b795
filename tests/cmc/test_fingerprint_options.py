"""`--exact`, `--fp-seed` and the spec field `exact`: recorded in the JSON result."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cmc.main import cli

WHOLE = "model: die-hard\nproperties: [within_capacity]\n"


@pytest.fixture
def stats(toy_registry):
    def run(*args: str) -> dict:
        result = CliRunner().invoke(cli, ["check", "--format", "json", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["results"][0]["stats"]
    return run


def test_fingerprints_by_default_with_seed_0(stats, write_spec):
    found = stats(write_spec(WHOLE))
    assert (found["exact"], found["fp_seed"], found["distinct_states"]) == (False, 0, 16)
    assert found["new_states"] == {"Fill": 6, "Empty": 3, "Pour": 6}


def test_the_seed_is_recorded_and_changes_no_figure(stats, write_spec):
    found = stats("--fp-seed", "18446744073709551615", write_spec(WHOLE))
    assert (found["fp_seed"], found["distinct_states"], found["generated_states"]) == (
        2**64 - 1, 16, 97)


def test_exact_from_the_option_or_the_spec(stats, write_spec):
    by_option = stats("--exact", write_spec(WHOLE))
    by_spec = stats(write_spec(WHOLE + "exact: true\n"))
    overridden = stats("--no-exact", write_spec(WHOLE + "exact: true\n"))
    assert (by_option["exact"], by_option["collision_probability"]) == (True, 0.0)
    assert (by_spec["exact"], overridden["exact"]) == (True, False)
    assert by_option["distinct_states"] == by_spec["distinct_states"] == 16


def test_a_seed_out_of_range_is_refused(toy_registry, write_spec):
    result = CliRunner().invoke(cli, ["check", "--fp-seed", "-1", write_spec(WHOLE)])
    assert result.exit_code == 2
    assert "Invalid value for '--fp-seed': -1 is not in the range 0<=x<=18446744073709551615" \
        in result.output
