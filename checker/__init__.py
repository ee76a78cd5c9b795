"""An explicit-state model checker for consensus protocols.

The engine explores every reachable state of a `Model` breadth-first and
checks its named properties; `check(model, config)` returns a `Result`.
The engine knows nothing about any protocol.
"""

from checker.errors import CheckerError, ModelDefinitionError, ParamError, SpecError
from checker.model import Model, Param
from checker.properties import (Fails, always_eventually, eventually, eventually_always,
                                invariant, leads_to, once_always, reachable, transition)
from checker.result import CheckConfig, Result, Finding, Step, Trace
from checker.explore import check
from checker.history import Invoke, KeyValue, Respond, linearizable, sequentially_consistent

__all__ = [
    "CheckConfig", "CheckerError", "Fails", "Finding", "Invoke", "KeyValue", "Model",
    "ModelDefinitionError", "Param", "ParamError", "Respond", "Result", "SpecError", "Step",
    "Trace", "always_eventually", "check", "eventually", "eventually_always", "invariant",
    "leads_to", "linearizable", "once_always", "reachable", "sequentially_consistent",
    "transition",
]
