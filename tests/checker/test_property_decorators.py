"""The property decorators (`checker.invariant` and the rest) as a model
writes them."""

from __future__ import annotations

import pytest

import checker
from checker.errors import ModelDefinitionError
from tests.toys import Counter


@pytest.mark.parametrize("decorator", ["invariant", "transition", "reachable", "eventually",
                                       "leads_to", "always_eventually", "eventually_always"])
def test_a_property_decorator_without_its_title_is_refused(decorator):
    # bare, the decorator took the method for its title and left no
    # property: the run checked nothing and said HOLDS
    with pytest.raises(ModelDefinitionError, match=(
            rf"^@{decorator} on small: give the property a title, as "
            rf"@{decorator}\(\"Small\"\)$")):
        class Bare(Counter):  # noqa: F841
            @getattr(checker, decorator)
            def small(self, state):
                return state < 2
    with pytest.raises(ModelDefinitionError, match=rf"^@{decorator}: the title must be a "
                                                  "string, not 3$"):
        getattr(checker, decorator)(3)
