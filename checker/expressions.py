"""Properties written in a spec as short Python expressions over a state.

A spec may add invariants of its own, each a name and an expression::

    invariants:
      one_value_learned: "len({l.learned for l in learners if l.learned >= 0}) <= 1"

The expression holds of a state when its value is true. It reads the names
the model offers (`checker.model.Model.expression_names`): for every model
``view`` (the state as reports show it: ``view["a0.promised"]``) and
``params`` (the parameters by name); for a model written with the kit
(`models.kit`), each role's records by the name of its set, in node order
(``acceptors[0].promised``, ``servers``), and ``messages``, the messages in
the network by type name (``messages["PromiseMsg"]``). Only the names an
expression uses are computed.

An expression is checked once, when the spec is loaded: it is parsed with
`ast` and may use only what a predicate needs: constants, names,
comparisons, boolean and arithmetic operators (no ``**``), conditional
expressions, subscripts and slices, attribute access to names that do not
start with ``_``, tuples, lists, sets and dicts, comprehensions and
generator expressions, and calls of a few functions (`CALLS`) by name.
Nothing else: no lambda, no assignment, no call of a method or of anything
computed, no dunder. It is evaluated with no builtins but those functions,
so it cannot reach the system. It must read only names offered (or bound by
its own comprehensions) and evaluate without error on the initial state.
Each mistake is a `SpecError` on ``invariants.<name>`` that says the fix;
an error while checking at a later state names the state.

Under symmetry reduction an expression must not tell interchangeable nodes
apart: one that reads a node by position (``acceptors[0]``) or compares a
field holding a node with a constant (``m.a == 0``) is refused before the
run (`ExpressionProperty.refuse_telling_apart`), wherever the states that
would show it lie; it belongs in a spec without symmetry.
"""

from __future__ import annotations

import ast
from typing import Any, Callable, Mapping

from checker.errors import SpecError
from checker.model import has_bounds
from checker.properties import PAIRED, Fails, Property, title_of

#: The functions an expression may call, by name.
CALLS: dict[str, Callable[..., Any]] = {
    "abs": abs, "all": all, "any": any, "enumerate": enumerate, "frozenset": frozenset,
    "len": len, "list": list, "max": max, "min": min, "range": range, "set": set,
    "sorted": sorted, "sum": sum, "tuple": tuple, "zip": zip,
}

_ALLOWED = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.BitOr, ast.BitAnd, ast.BitXor,  # sets: union, intersection, symmetric difference
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot, ast.IfExp, ast.Constant, ast.Name, ast.Load, ast.Store,
    ast.Attribute, ast.Subscript, ast.Slice, ast.Tuple, ast.List, ast.Set, ast.Dict,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension, ast.Call,
    ast.keyword,
)

_FIX = "write a boolean expression over the state (see docs/writing-a-model.md)"


class ExpressionProperty:
    """One spec invariant: its `Property` declaration and its predicate,
    ``predicate(state)`` true or a `Fails` quoting the expression."""

    def __init__(self, name: str, source: str, model: Any, path: str, line: int | None = None,
                 block: str = "invariants", field: str | None = None):
        self.name, self.source, self.path, self.line = name, source, path, line
        self.field = field or f"{block}.{name}"
        tree = self._parse()
        offered = model.expression_names()
        self.reads = sorted(_free_names(tree) - set(CALLS))
        unknown = [name for name in self.reads if name not in offered]
        if unknown:
            raise self._error(f"unknown name {unknown[0]!r}; the names are "
                              f"{', '.join(sorted(offered))} and the functions "
                              f"{', '.join(sorted(CALLS))}")
        self.readers = [(name, offered[name]) for name in self.reads]
        self.code = compile(tree, f"<{self.field}>", "eval")
        self.model = model
        self.property = Property(name=name, title=title_of(name),
                                 kind="invariant", doc=f"spec expression: {source}")

    def _parse(self) -> ast.Expression:
        if not isinstance(self.source, str) or not self.source.strip():
            kind = {"invariants": "invariant", "constraints": "constraint"}.get(
                self.field.split(".")[0], "condition")
            raise self._error(f"give the {kind} as an expression in quotes, e.g. "
                              "\"len(learners) > 0\"")
        try:
            tree = ast.parse(self.source.strip(), mode="eval")
        except SyntaxError as error:
            # (Python gives column 0 where the expression ends too soon)
            where = f"at column {error.offset}" if error.offset else "where it ends"
            raise self._error(f"not a Python expression ({error.msg} {where}); "
                              f"{_FIX}") from None
        for node in ast.walk(tree):
            if not isinstance(node, _ALLOWED):
                raise self._error(f"{type(node).__name__} is not allowed in an expression; "
                                  f"use comparisons, boolean operators, comprehensions and "
                                  f"the functions {', '.join(sorted(CALLS))}")
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                raise self._error(f"the attribute {node.attr!r} is not allowed (no name "
                                  "starting with _); read the record's fields")
            if isinstance(node, ast.Name) and node.id.startswith("_") and node.id != "_":
                raise self._error(f"the name {node.id!r} is not allowed (no name starting "
                                  "with _ but _ itself)")
            if isinstance(node, ast.Call) and not (
                    isinstance(node.func, ast.Name) and node.func.id in CALLS):
                raise self._error(f"only {', '.join(sorted(CALLS))} may be called, by "
                                  "name; compute the rest with operators and comprehensions")
            if isinstance(node, ast.keyword) and node.arg is None:
                raise self._error("** arguments are not allowed")
        return tree

    def _error(self, message: str) -> SpecError:
        return SpecError(message, path=self.path, field=self.field, line=self.line)

    def refuse_telling_apart(self, positions: dict[str, dict[str, Any]],
                             groups: dict[str, Any]) -> None:
        """Under symmetry (over the sets of `groups`: each a list of groups
        of interchangeable elements), refuse the expression unless each of
        its parts is shown to give the same answer on renamed copies
        (`_Kinds`): the reduction checks one state of each orbit, so an
        expression that tells elements apart (``acceptors[0]``, ``m.dst ==
        0``, records against a literal) could hold there and fail on a
        renamed copy. `Model.expression_positions` says where elements are.
        Quantified expressions (``all(a.promised <= 2 for a in acceptors)``)
        pass; the engine's sampling guard stays for the model's own
        properties."""
        tree = ast.parse(self.source.strip(), mode="eval")
        try:
            _Kinds(positions, groups).of(tree.body, {})
        except _Unproven as unproven:
            node, told = unproven.args
            if isinstance(node, ast.Name):  # the view, whose keys name elements
                offered = self.model.expression_names()
                instead = (f"read the records instead, quantified (all(... for x in {told}) "
                           "or any(...)), or check without symmetry (symmetry: false)"
                           if told in offered else
                           f"this model offers no records of its {told} to quantify over "
                           f"(only {', '.join(sorted(offered))}), so check without symmetry "
                           "(symmetry: false)")
                raise self._error(
                    f"{node.id} names the interchangeable {told} in its keys, and "
                    f"symmetry over {told} checks one state of each set of renamed "
                    f"copies; {instead}")
            raise self._error(
                f"{ast.unparse(node).strip()} tells the interchangeable {told} apart, and "
                f"symmetry over {told} checks one state of each set of renamed copies; "
                f"quantify over them (all(... for x in {told}) or any(...)) or check "
                "without symmetry (symmetry: false)")

    def check_initial(self, state: Any) -> None:
        """Evaluate on the initial state, so that a mistake shows at loading."""
        self(state)

    def __call__(self, state: Any) -> Any:
        # one namespace, as globals: comprehensions are scopes of their own
        # and see globals only
        names = {"__builtins__": {}, **CALLS}
        for name, read in self.readers:
            names[name] = read(state)
        try:
            value = eval(self.code, names)  # noqa: S307 (checked above)
        except Exception as error:
            raise self._error(
                f"raised {type(error).__name__}: {error}{_fields_of(error)} in the state "
                f"{_short(self.model.state_view(state))}; fix the expression") from None
        if not isinstance(value, bool):  # (TLC: an invariant that is not a boolean is an error)
            raise self._error(
                f"gave {_shortened(value)}, of type {type(value).__name__}, not True or False, in "
                f"the state {_short(self.model.state_view(state))}; write a comparison "
                "(len(...) > 0, x is not None)")
        return True if value else Fails(f"{self.source.strip()} is false")


class _Unproven(Exception):
    """(node, set name): a part of an expression not shown symmetric."""


#: What a value of an expression is, as far as renaming elements goes.
PLAIN = "plain"            # names no element: renaming leaves it as it is
ELEMENT = "element"        # an element, or a record or collection holding some
ORDER_P = "plain in order"   # plain values listed in the elements' order
ORDER_E = "elements in order"  # elements or records listed in their order
COMPUTED = "computed"      # computed from elements in a way renaming does not keep
#                           (m.a + 1, sorted ids): refused where it is used


class _Kinds:
    """Shows an expression symmetric, part by part, or raises `_Unproven`
    at the first part it cannot: each value is PLAIN, ELEMENT, ORDER_P or
    ORDER_E (or COMPUTED, refused where used), and only operations that
    commute with renaming are taken on what is not PLAIN (equality and
    membership of elements, set operations between them, counting,
    iterating, sorting or summing plain values)."""

    def __init__(self, positions: dict[str, dict[str, Any]], groups: dict[str, Any]):
        self.positions = positions
        # elements that no renaming moves (a partition keeps them apart)
        self.fixed = {name: {e for group in found if len(group) == 1 for e in group}
                      for name, found in groups.items()}
        self.any_set = next(iter([*positions["sequences"].values(),
                                  *positions["ids"].values()]), "elements")

    def _no(self, node: ast.AST, told: str | None = None) -> Any:
        raise _Unproven(node, told or self.any_set)

    def of(self, node: ast.AST, env: dict[str, str]) -> str:
        method = getattr(self, f"_{type(node).__name__}", None)
        return self._no(node) if method is None else method(node, env)

    def _Constant(self, node: ast.Constant, env: dict) -> str:
        return PLAIN

    def _Name(self, node: ast.Name, env: dict) -> str:
        if node.id in env:
            return env[node.id]
        if node.id in self.positions["sequences"]:
            return ORDER_E
        if node.id == "messages":
            return ELEMENT if self.positions["keyed"].get("messages") else PLAIN
        if node.id in self.positions["naming"]:
            return self._no(node, self.positions["naming"][node.id])
        if node.id in self.positions.get("elements", {}):
            return ELEMENT  # a global holding elements
        return PLAIN  # params, a role of no symmetric set

    def _Attribute(self, node: ast.Attribute, env: dict) -> str:
        if self.of(node.value, env) == COMPUTED:
            return self._no(node)
        # (by the field alone: a record of a role that is not symmetric may
        # hold elements of a set that is)
        if node.attr in self.positions["indexed"]:
            return ORDER_P
        return ELEMENT if node.attr in self.positions["ids"] else PLAIN

    def _Subscript(self, node: ast.Subscript, env: dict) -> str:
        value, index = node.value, node.slice
        if isinstance(value, ast.Name) and value.id == "messages" and "messages" not in env:
            if isinstance(index, ast.Constant):
                named = self.positions["keyed"].get("messages", {})
                return ORDER_E if index.value in named else PLAIN
            return ORDER_E if self.positions["keyed"].get("messages") else PLAIN
        held, by = self.of(value, env), self.of(index, env)
        if held == PLAIN and by == PLAIN:
            return PLAIN
        if held == COMPUTED and by == PLAIN:
            return COMPUTED  # sorted(ids)[0]
        if (held == ORDER_E and isinstance(value, ast.Name) and isinstance(index, ast.Constant)
                and index.value in self.fixed.get(self.positions["sequences"].get(value.id),
                                                  ())):
            return ELEMENT  # a node no renaming moves
        if held == ORDER_P and by == ELEMENT and isinstance(value, ast.Attribute):
            return PLAIN  # a field indexed by elements, read at an element
        return self._no(node)

    def _Slice(self, node: ast.Slice, env: dict) -> str:
        # (a slice of what is listed in the elements' order is refused where
        # it is taken, naming the whole subscript: `acceptors[1:]`)
        for part in (node.lower, node.upper, node.step):
            if part is not None and self.of(part, env) != PLAIN:
                self._no(node)
        return PLAIN

    def _Call(self, node: ast.Call, env: dict) -> str:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        kinds = [self.of(arg, env) for arg in node.args]
        kinds += [self.of(keyword.value, env) for keyword in node.keywords]
        if name == "len":
            return PLAIN
        if all(kind == PLAIN for kind in kinds):
            return PLAIN
        if name in ("set", "frozenset"):
            return PLAIN if set(kinds) <= {PLAIN, ORDER_P} else ELEMENT
        if name in ("list", "tuple") and len(kinds) == 1:
            return {PLAIN: ORDER_P, ORDER_P: ORDER_P, COMPUTED: COMPUTED}.get(kinds[0], ORDER_E)
        if name in ("sum", "min", "max", "sorted", "any", "all") and set(kinds) <= {
                PLAIN, ORDER_P}:
            return PLAIN
        if name == "sorted" and set(kinds) <= {ELEMENT, ORDER_E}:
            return COMPUTED  # elements in the order of their names
        return self._no(node)

    def _comprehension(self, node: Any, env: dict) -> tuple[dict, bool]:
        """The names its generators bind, and whether one iterates what
        is not plain (so what it lists comes in the elements' order)."""
        env, ordered = dict(env), False
        for generator in node.generators:
            kind = self.of(generator.iter, env)
            item = PLAIN if kind in (PLAIN, ORDER_P) else ELEMENT
            ordered = ordered or kind != PLAIN
            for target in ast.walk(generator.target):
                if isinstance(target, ast.Name):
                    env[target.id] = item
            for condition in generator.ifs:
                if self.of(condition, env) in (ELEMENT, COMPUTED):
                    self._no(generator)  # an element's truth: the first is false
        return env, ordered

    def _ListComp(self, node: Any, env: dict) -> str:
        inner, ordered = self._comprehension(node, env)
        kind = self.of(node.elt, inner)
        if kind == PLAIN:
            return ORDER_P if ordered else PLAIN
        return ORDER_E

    _GeneratorExp = _ListComp

    def _SetComp(self, node: ast.SetComp, env: dict) -> str:
        inner, _ = self._comprehension(node, env)
        return PLAIN if self.of(node.elt, inner) == PLAIN else ELEMENT

    def _DictComp(self, node: ast.DictComp, env: dict) -> str:
        inner, _ = self._comprehension(node, env)
        kinds = {self.of(node.key, inner), self.of(node.value, inner)}
        return PLAIN if kinds == {PLAIN} else ELEMENT

    def _literal(self, node: ast.AST, items: list, env: dict) -> str:
        kinds = {self.of(item, env) for item in items if item is not None and not (
            isinstance(item, ast.Constant) and item.value is None)}
        if kinds <= {PLAIN}:
            return PLAIN
        if PLAIN in kinds or COMPUTED in kinds:  # set([m.acc, 0]): one member where m.acc is 0
            return self._no(node)
        return ELEMENT

    def _Tuple(self, node: Any, env: dict) -> str:
        return self._literal(node, node.elts, env)

    _List = _Set = _Tuple

    def _Dict(self, node: ast.Dict, env: dict) -> str:
        return self._literal(node, [*node.keys, *node.values], env)

    def _truth(self, node: ast.AST, env: dict) -> None:
        # a collection's truth is whether it is empty; an element's is not
        # kept by renaming (the first is 0, false)
        if self.of(node, env) in (ELEMENT, COMPUTED):
            self._no(node)

    def _BoolOp(self, node: ast.BoolOp, env: dict) -> str:
        for value in node.values:
            self._truth(value, env)
        return PLAIN

    def _UnaryOp(self, node: ast.UnaryOp, env: dict) -> str:
        if isinstance(node.op, ast.Not):
            self._truth(node.operand, env)
            return PLAIN
        kind = self.of(node.operand, env)
        if kind == PLAIN:
            return PLAIN
        return COMPUTED if kind in (ELEMENT, COMPUTED) else self._no(node)

    def _BinOp(self, node: ast.BinOp, env: dict) -> str:
        kinds = {self.of(node.left, env), self.of(node.right, env)}
        if kinds == {PLAIN}:
            return PLAIN
        if kinds == {ELEMENT} and isinstance(node.op, (ast.BitOr, ast.BitAnd, ast.Sub,
                                                       ast.BitXor)):
            return ELEMENT  # set operations between collections of elements
        if kinds & {ELEMENT, COMPUTED} and kinds <= {PLAIN, ELEMENT, COMPUTED}:
            return COMPUTED  # m.a + 1
        return self._no(node)

    def _IfExp(self, node: ast.IfExp, env: dict) -> str:
        self._truth(node.test, env)
        kinds = {self.of(node.body, env), self.of(node.orelse, env)}
        return kinds.pop() if len(kinds) == 1 else self._no(node)

    def _Compare(self, node: ast.Compare, env: dict) -> str:
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:]):
            kinds = (self.of(left, env), self.of(right, env))
            if COMPUTED in kinds:
                self._no(node)
            if isinstance(op, (ast.Is, ast.IsNot)) and any(
                    isinstance(side, ast.Constant) and side.value is None
                    for side in (left, right)):
                continue
            if kinds == (PLAIN, PLAIN):
                continue
            if isinstance(op, (ast.Eq, ast.NotEq)) and kinds[0] == kinds[1]:
                continue  # two elements, two records, two lists in one order
            if isinstance(op, (ast.In, ast.NotIn)) and (
                    kinds in ((ELEMENT, ELEMENT), (ELEMENT, ORDER_E), (PLAIN, ORDER_P))):
                continue
            if isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) and kinds == (
                    ELEMENT, ELEMENT) and (self._is_set(left) or self._is_set(right)):
                # inclusion between sets of elements: renaming both keeps it
                # (a set against anything but a set raises, it cannot order)
                continue
            self._no(node)
        return PLAIN

    def _is_set(self, node: ast.AST) -> bool:
        """Whether `node` is a set, as its form or its field's type says."""
        if isinstance(node, (ast.Set, ast.SetComp)):
            return True
        if isinstance(node, ast.Call):
            return isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset")
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitOr, ast.BitAnd,
                                                                 ast.Sub, ast.BitXor)):
            return self._is_set(node.left) or self._is_set(node.right)
        return isinstance(node, ast.Attribute) and node.attr in self.positions.get("sets", {})


def _free_names(tree: ast.AST) -> set[str]:
    """The names an expression reads that its comprehensions do not bind."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            bound |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    return {node.id for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)} - bound


def _fields_of(error: Exception) -> str:
    """For a field a record lacks, the one meant and the fields it has."""
    fields = getattr(getattr(error, "obj", None), "_fields", None)
    if not isinstance(error, AttributeError) or not fields:
        return ""
    from checker.spec import suggest

    meant = suggest(error.name, fields)[2:-1]  # ("did you mean 'x'?")
    return (f" ({meant + ' ' if meant else ''}{type(error.obj).__name__}'s fields: "
            f"{', '.join(fields)})")


def _shortened(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _short(view: dict) -> str:
    """A state's view on one line, each value as reports print it (``none``
    for None, strings bare), cut at 300 characters."""
    from reports.text import text as printed  # (as `checker.explorer` prints views)

    text = ", ".join(f"{key}={printed(value)}" for key, value in view.items())
    return text if len(text) <= 300 else text[:300] + "…"


def constrain(model: Any, expressions: Mapping[str, str], path: str,
              lines: Mapping[str, int | None] = {}) -> None:
    """Bound `model` (an instance) by the spec's state constraints, TLC's
    CONSTRAINT: a state that breaks one is outside the bounds, with the
    model's own `within_bounds` (checked against the invariants, neither
    counted nor expanded). Kept as ``model.spec_constraints``, for symmetry
    to refuse one telling elements apart and for checkpoints to tell runs
    with other constraints apart."""
    if not expressions:
        return
    found = [ExpressionProperty(name, source, model, path, lines.get(name), "constraints")
             for name, source in expressions.items()]
    for constraint in found:
        for state in model.initial_states():
            constraint.check_initial(state)
    own = model.within_bounds if has_bounds(model) else None

    def within_bounds(state: Any) -> bool:
        return (own is None or own(state)) and all(
            constraint(state) is True for constraint in found)

    model.within_bounds = within_bounds
    model.spec_constraints = found


def attach(model: Any, expressions: dict[str, str], path: str,
           lines: Mapping[str, int | None] = {}) -> None:
    """Add the spec's expression invariants to `model` (an instance): each
    a property the engine checks like the model's own, after them
    (`lines`: where each stands in the file, for errors)."""
    _add(model, expressions, path, "invariants", "invariant",
         lambda name, source: ExpressionProperty(name, source, model, path, lines.get(name)))


def _add(model: Any, given: Mapping[str, Any], path: str, block: str, what: str,
         made: Callable[[str, Any], Any]) -> None:
    """Add the properties of a spec's `block` (`given`, by name) to `model`,
    each `made` from its name and source and tried on the initial states."""
    if not given:
        return
    properties = dict(model.properties)
    for name, source in given.items():
        if name in properties:
            raise SpecError(f"{model.name} already has a property {name!r}; give the "
                            f"{what} another name", path=path, field=f"{block}.{name}")
        # (reports write a file per property, and a file system may not tell
        # TypeOK from typeok)
        alike = next((known for known in properties if known.casefold() == name.casefold()),
                     None)
        if alike is not None:
            raise SpecError(f"{model.name} already has a property {alike!r}, which differs "
                            f"only by case; give the {what} another name", path=path,
                            field=f"{block}.{name}")
        if hasattr(model, name):  # (it would replace the model's own method or field)
            raise SpecError(f"{model.name} uses the name {name!r} itself (a method or "
                            f"attribute of the model); give the {what} another name",
                            path=path, field=f"{block}.{name}")
        found = made(name, source)
        for state in model.initial_states():
            found.check_initial(state)
        properties[name] = found.property
        setattr(model, name, found)
    model.properties = properties


#: The temporal forms a spec's `temporal:` block takes, as TLA+ writes them.
TEMPORAL_FORMS = {"eventually": "<>P", "leads_to": "P ~> Q",
                  "always_eventually": "[]<>P", "eventually_always": "<>[]P",
                  "once_always": "[](P => []Q)"}


class TemporalExpression:
    """One temporal property of a spec (TLC's PROPERTY), written as
    expressions over the state: ``{eventually: "P"}`` (``<>P``),
    ``{leads_to: ["P", "Q"]}`` (``P ~> Q``), ``{always_eventually: "P"}``
    (``[]<>P``), ``{eventually_always: "P"}`` (``<>[]P``) or
    ``{once_always: ["P", "Q"]}`` (``[](P => []Q)``). Checked as the
    model's own temporal properties are, under the spec's fairness: its
    predicate gives P's truth (a pair, P's and Q's, for leads_to and
    once_always)."""

    def __init__(self, name: str, form: Mapping[str, Any], model: Any, path: str,
                 line: int | None = None):
        (kind, given), = form.items()
        paired = kind in PAIRED
        sources = list(given) if paired else [given]
        field = f"temporal.{name}.{kind}"
        self.name, self.kind = name, kind
        self.parts = [ExpressionProperty(name, source, model, path, line, field=(
            f"{field}[{index}]" if paired else field))
            for index, source in enumerate(sources)]
        shown = self.parts[0].source.strip()
        if kind == "leads_to":
            shown = " ~> ".join(f"({part.source.strip()})" for part in self.parts)
        elif paired:
            shown = "[](({}) => []({}))".format(*(part.source.strip() for part in self.parts))
        self.property = Property(name=name, title=title_of(name),
                                 kind=kind, doc=f"spec expression: {kind} {shown}")

    def refuse_telling_apart(self, positions: dict[str, dict[str, Any]],
                             groups: dict[str, Any]) -> None:
        """Under symmetry, as `ExpressionProperty.refuse_telling_apart`, each part."""
        for part in self.parts:
            part.refuse_telling_apart(positions, groups)

    def check_initial(self, state: Any) -> None:
        for part in self.parts:
            part.check_initial(state)

    def __call__(self, state: Any) -> Any:
        if self.kind in PAIRED:
            return bool(self.parts[0](state)), bool(self.parts[1](state))
        return bool(self.parts[0](state))


def attach_temporal(model: Any, forms: Mapping[str, Mapping[str, Any]], path: str,
                    lines: Mapping[str, int | None] = {}) -> None:
    """Add the spec's temporal properties to `model` (an instance), after
    its own and the spec's invariants (`attach`)."""
    _add(model, forms, path, "temporal", "temporal property",
         lambda name, form: TemporalExpression(name, form, model, path, lines.get(name)))
