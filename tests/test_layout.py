"""The engine's layout keeps its promises: the packages are the folders, the pipeline's layers
import downwards only, rules see one API, and the leaf types load nothing else."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from samcheck.rule import Rule
from tests.conftest import ROOT

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
# Where each installed package's source lives: pyproject.toml's package-dir, three roots.
SOURCES = {package: ROOT / folder for package, folder in SETUPTOOLS["package-dir"].items()}
PACKS = sorted(path.parent.name for path in (ROOT / "rules").glob("*/__init__.py"))


def _modules() -> dict[str, Path]:
    """Every samcheck module by its installed name."""
    modules = {}
    for package, folder in SOURCES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if package == "samcheck" and parts[0] == "rules":
                continue
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join([package, *parts])] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The samcheck modules ``name`` imports anywhere: at the top, in functions, under TYPE_CHECKING."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{name}: samcheck's own imports are absolute"
            base = node.module or ""
            # `from package import module` imports the module; `from module import name` the module
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target in MODULES and target != name}
    return found


def test_the_package_list_names_every_package_folder() -> None:
    """pyproject.toml lists the packages (setuptools' find cannot rename folders): a package folder
    left out would be missing from the wheel and from an install's link tree."""
    assert SOURCES.keys() == {"samcheck", "samcheck.rules", "samcheck.schemas"}
    folders = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert sorted(SETUPTOOLS["packages"]) == sorted(folders)


def test_there_is_no_import_cycle() -> None:
    graph = nx.DiGraph()
    for name, path in MODULES.items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in _imports(name, path))
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, "import cycles: " + "; ".join(" → ".join([*cycle, cycle[0]]) for cycle in cycles[:5])


# The pipeline's layers, lowest first: a module imports from its own layer and those below, never
# from one above, anywhere in the module (at the top, in functions, and under TYPE_CHECKING too:
# none is needed, so a type-only import upwards is no excuse either). The engine's stages (check,
# decide, fix, reporting, the run, the API, the server) stand on all of them.
LAYERS = (
    ("samcheck.cfn",),
    ("samcheck.sam",),
    ("samcheck.model",),
    ("samcheck.analysis",),
    ("samcheck.rule", "samcheck.rules"),
)
# What every layer may read: the findings, settings, limits and data files, the version, and
# Ctrl-C handling (the SAM translator's child process leaves it to its parent).
SHARED = {
    "samcheck",
    "samcheck.findings",
    "samcheck.config",
    "samcheck.limits",
    "samcheck.datafiles",
    "samcheck.schemas",
    "samcheck.interrupts",
}
# The rule API hands rules the suppression records (the rules reviewing them, SC0008, SC0009 and
# SC0015, read them) and says whether a selector names a rule: two leaf modules of the decide stage.
RULE_API_READS = {"samcheck.decide.directives", "samcheck.decide.selectors"}


def _layer(name: str) -> int | None:
    return next(
        (index for index, layer in enumerate(LAYERS) for top in layer if name == top or name.startswith(top + ".")),
        None,
    )


def test_layers_import_only_themselves_and_below() -> None:
    upwards = []
    for name, path in MODULES.items():
        own = _layer(name)
        if own is None:
            continue
        for target in _imports(name, path):
            layer = _layer(target)
            allowed = target in SHARED or (layer is not None and layer <= own)
            if not allowed and not (name == "samcheck.rule" and target in RULE_API_READS):
                upwards.append(f"{name} -> {target}")
    assert not upwards, upwards


def test_the_shared_modules_read_nothing_above_cfn() -> None:
    for name in sorted(SHARED & MODULES.keys()):
        for target in _imports(name, MODULES[name]):
            assert target in SHARED or _layer(target) == 0, f"{name} -> {target}"


def test_reporting_reads_findings_not_templates() -> None:
    """Reports are made of findings: no format reaches into the template, its expansion or the resolver."""
    forbidden = ("samcheck.model", "samcheck.analysis", "samcheck.sam", "samcheck.rules", "samcheck.cfn.resolver")
    for name, path in MODULES.items():
        if name.startswith("samcheck.reporting"):
            for target in _imports(name, path):
                assert not (target == "samcheck.rule" or target.startswith(forbidden)), f"{name} -> {target}"


def test_findings_is_a_leaf() -> None:
    assert _imports("samcheck.findings", MODULES["samcheck.findings"]) == set()
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, samcheck.findings; print(sorted(m for m in sys.modules if 'samcheck' in m))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert loaded.strip() == "['samcheck', 'samcheck.findings']"


@pytest.mark.parametrize("pack", PACKS)
def test_rules_import_only_the_rule_api_analyses_and_their_own_pack(pack: str) -> None:
    own_pack = f"samcheck.rules.{pack}"
    for name, path in MODULES.items():
        if not name.startswith(own_pack):
            continue
        for target in _imports(name, path):
            assert target == "samcheck.rule" or target.startswith(("samcheck.analysis", own_pack)), f"{name}: {target}"


@pytest.mark.parametrize("pack", PACKS)
def test_every_rule_module_of_a_pack_is_in_its_rules(pack: str) -> None:
    try:
        listed = importlib.import_module(f"samcheck.rules.{pack}.pack").RULES
    except ImportError as error:  # the strict editable install links files: a new module needs a reinstall
        pytest.fail(f"{error}; after adding a module, run the README's install command again")
    for path in sorted((ROOT / "rules" / pack).glob("sc*.py")):
        module = importlib.import_module(f"samcheck.rules.{pack}.{path.stem}")
        rules = [value for value in vars(module).values() if inspect.isclass(value) and issubclass(value, Rule)]
        defined = [rule for rule in rules if rule.__module__ == module.__name__]
        assert len(defined) == 1, f"{path.name} defines {len(defined)} rules; one rule per module"
        assert defined[0] in listed, f"{defined[0].__name__} ({path.name}) is not in samcheck.rules.{pack}.pack.RULES"
        assert path.stem.startswith(defined[0].id.lower() + "_"), f"{path.name} is not named after {defined[0].id}"


# A dataclass costs about 0.5 ms of start-up each (Python 3.11 compiles every generated method);
# a NamedTuple about a fifth of it. Records that do not change are NamedTuples, except these.
FROZEN_DATACLASSES = {
    "Value": "iterates its candidates: a tuple's own iteration must stay its fields",
    "Share": "a field with a default factory",
    "RuleCount": "a field named count, which a tuple's count() would shadow",
    "Encryption": "compared by identity (eq=False)",
    "_Use": "compared by identity (eq=False)",
    "Outcome": "generic in the value it carries",
}


def test_records_that_do_not_change_are_named_tuples() -> None:
    found = set()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                "dataclass" in ast.unparse(decorator) and "frozen=True" in ast.unparse(decorator)
                for decorator in node.decorator_list
            ):
                assert node.name in FROZEN_DATACLASSES, f"{name}.{node.name}: a frozen dataclass; make it a NamedTuple"
                found.add(node.name)
    assert found == set(FROZEN_DATACLASSES), "an exception no longer needed"
