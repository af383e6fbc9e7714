"""Settings: defaults, then the nearest configuration file, then the command line.

Configuration lives in ``.samcheck.yaml``, ``.samcheck.yml``, ``.samcheck.toml`` or
``[tool.samcheck]`` of ``pyproject.toml``, found from the template's folder upward; in one folder
the first of these is read (as ruff reads ``.ruff.toml`` before ``pyproject.toml``) and the others
are named in a warning. A file's extension decides how it is read. Every value is validated
(``schemas/config.schema.json``, then what a schema cannot say: calendar dates, finite limits).
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import sys
from datetime import date, time
from pathlib import Path
from typing import Any, NamedTuple

from samcheck.datafiles import load_json
from samcheck.findings import Severity

DEFAULT_REGION = "us-east-1"


class ConfigError(Exception):
    """A configuration or usage problem: the run exits with code 2."""


class Settings(NamedTuple):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    region: str | None = None
    fail_level: str = "error"
    parameter_overrides: tuple[tuple[str, str], ...] = ()
    limits: tuple[tuple[str, float], ...] = ()
    as_of: date | None = None  # "today" for date-based rules, for reproducible runs
    with_cfn_lint: bool = False  # also run cfn-lint's checks and merge them in
    account_scope: bool = False  # add up concurrency budgets over all templates of a run
    source: Path | None = None  # the configuration file these came from
    exclude: tuple[str, ...] | None = None  # globs not to lint in folders (None: the default folders)
    extend_exclude: tuple[str, ...] = ()  # more globs not to lint
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, rule selectors)
    force_exclude: bool = False  # excludes apply to files named on the command line too
    shadowed: tuple[Path, ...] = ()  # configuration files beside ``source`` that are not read

    @property
    def today(self) -> date:
        return self.as_of or date.today()

    @property
    def effective_region(self) -> str:
        return self.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION

    @property
    def region_source(self) -> str:
        """Where ``effective_region`` comes from, for messages."""
        if self.region:
            return "--region, the configuration or samconfig.toml"
        return next((name for name in ("AWS_REGION", "AWS_DEFAULT_REGION") if os.environ.get(name)), "the default")

    def merged(self, command_line: dict[str, Any]) -> Settings:
        """These settings with the command line's values (those not None) on top."""
        values = {key: value for key, value in command_line.items() if value is not None}
        if "parameter_overrides" in values:
            values["parameter_overrides"] = tuple(
                {**dict(self.parameter_overrides), **dict(values["parameter_overrides"])}.items()
            )
        return self._replace(**values)


def parse_parameter_overrides(text: str) -> tuple[tuple[str, str], ...]:
    """SAM CLI syntax: ``Key=Value Key2='a b'``, or ``ParameterKey=K,ParameterValue=V``."""
    pairs: list[tuple[str, str]] = []
    for token in shlex.split(text):
        if token.startswith("ParameterKey="):
            key_part, _, value_part = token.partition(",ParameterValue=")
            pairs.append((key_part[len("ParameterKey=") :], value_part))
            continue
        key, separator, value = token.partition("=")
        if not separator or not key:
            raise ConfigError(f"parameter override '{token}' is not of the form Key=Value")
        pairs.append((key, value))
    return tuple(pairs)


def read_bytes(path: Path) -> bytes:
    """A configuration (or baseline) file's bytes, bounded like a template's and read as
    ``read_project_file`` reads; ConfigError when it cannot be."""
    from samcheck.cfn.document import MAX_FILE_BYTES
    from samcheck.cfn.local import OutsideProjectError, read_project_file

    try:
        raw = read_project_file(path, MAX_FILE_BYTES + 1)
    except OutsideProjectError:
        raise ConfigError(f"{path}: a link that leads outside the project; samcheck does not read it") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes, far beyond a file samcheck reads")
    return raw


def _read_toml(path: Path, raw: bytes | None = None) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        document: dict[str, Any] = tomllib.loads((read_bytes(path) if raw is None else raw).decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return document


def _read_pyproject(path: Path) -> dict[str, Any] | None:
    raw = read_bytes(path)
    if b"samcheck" not in raw:
        # Most projects' pyproject.toml configures other tools only: no [tool.samcheck] (dotted or
        # quoted, escapes aside) is written without the word; the TOML parser is not even loaded.
        return None
    section = _read_toml(path, raw).get("tool", {}).get("samcheck")
    return section if isinstance(section, dict) else None


def _read_yaml(path: Path) -> dict[str, Any]:
    from samcheck.cfn.document import parse_document

    document = parse_document(path, read_bytes(path))
    if document.data is None:
        raise ConfigError(f"{path}: {document.problems[0].message}")
    return document.data


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path}: the top level must be an object of settings, not {type(document).__name__}")
    return document


def _toml_dates_as_text(value: Any) -> Any:
    """TOML's own dates and times as the ISO text YAML and JSON give: validated (and reported)
    the same way, never as a Python repr."""
    if isinstance(value, (date, time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _toml_dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_toml_dates_as_text(item) for item in value]
    return value


def _validate(path: Path, raw: dict[str, Any]) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_json("config.schema.json"))
    error = jsonschema.exceptions.best_match(validator.iter_errors(raw))
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ConfigError(f"{path}: {where}: {error.message}")
    from samcheck.limits import Limits

    unknown = sorted(set(raw.get("limits", {})) - set(Limits.names()))
    if unknown:
        raise ConfigError(f"{path}: limits: unknown limit {', '.join(unknown)} (see `samcheck limits`)")
    for name, value in raw.get("limits", {}).items():
        if not math.isfinite(value):  # NaN would compare false everywhere: the rule silently off
            raise ConfigError(f"{path}: limits.{name}: {value} is not a finite number")
    problems = Limits(raw.get("limits", {})).problems()
    if problems:
        raise ConfigError(f"{path}: {problems[0]}")
    if "as-of" in raw:
        try:
            date.fromisoformat(raw["as-of"])
        except ValueError as error:
            raise ConfigError(f"{path}: as-of: '{raw['as-of']}' is not a date: {error}") from None


def settings_from_mapping(path: Path, raw: dict[str, Any]) -> Settings:
    _validate(path, raw)
    overrides = raw.get("parameter-overrides", {})
    if isinstance(overrides, str):
        try:
            parameter_overrides = parse_parameter_overrides(overrides)
        except ConfigError as error:
            raise ConfigError(f"{path}: parameter-overrides: {error}") from None
    else:
        parameter_overrides = tuple((key, parameter_text(value)) for key, value in overrides.items())
    return Settings(
        select=selector_list(raw.get("select", ())),
        ignore=selector_list(raw.get("ignore", ())),
        severity=tuple((key, Severity.parse(level)) for key, level in raw.get("severity", {}).items()),
        region=raw.get("region"),
        fail_level=raw.get("fail-level", "error"),
        parameter_overrides=parameter_overrides,
        limits=tuple(raw.get("limits", {}).items()),
        as_of=date.fromisoformat(raw["as-of"]) if "as-of" in raw else None,
        with_cfn_lint=bool(raw.get("cfn-lint", False)),
        account_scope=bool(raw.get("account-scope", False)),
        source=path,
        exclude=tuple(raw["exclude"]) if "exclude" in raw else None,
        extend_exclude=tuple(raw.get("extend-exclude", ())),
        force_exclude=bool(raw.get("force-exclude", False)),
        per_file_ignores=tuple(
            (pattern, selector_list(selectors)) for pattern, selectors in raw.get("per-file-ignores", {}).items()
        ),
    )


def ignored_for(path: Path, settings: Settings) -> tuple[str, ...]:
    """The rules ``per-file-ignores`` skips for ``path`` (globs relative to the configuration's folder)."""
    from fnmatch import fnmatch

    from samcheck.cfn.local import real

    base = settings.source.parent if settings.source else Path.cwd()
    try:
        relative = real(path).relative_to(real(base)).as_posix()
    except ValueError:
        relative = path.as_posix()
    return tuple(
        selector
        for pattern, selectors in settings.per_file_ignores
        if fnmatch(relative, pattern) or fnmatch(path.name, pattern)
        for selector in selectors
    )


def selector_list(value: Any) -> tuple[str, ...]:
    """Rule selectors, from a list or from text separated by commas or spaces ("SC1001 SC1002")."""
    items = [value] if isinstance(value, str) else list(value)
    return tuple(part for item in items for part in re.split(r"[,\s]+", str(item)) if part)


def parameter_text(value: Any) -> str:
    """A parameter value as CloudFormation passes it: a string, booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_config_file(path: Path) -> Settings:
    """A configuration file, read as its extension says: pyproject.toml's ``[tool.samcheck]``, the
    top level of any other TOML, YAML or JSON file."""
    suffix = path.suffix.lower()
    if path.name == "pyproject.toml":
        raw = _read_pyproject(path)
        if raw is None:
            raise ConfigError(f"{path}: no [tool.samcheck] section")
    elif suffix == ".toml":
        raw = _read_toml(path)
    elif suffix in (".yaml", ".yml"):
        raw = _read_yaml(path)
    elif suffix == ".json":
        raw = _read_json(path)
    else:
        raise ConfigError(
            f"{path}: a configuration file is .toml, .yaml, .yml or .json; its extension says how to read it"
        )
    return settings_from_mapping(path, _toml_dates_as_text(raw))


# The files samcheck reads its configuration from, in the order one folder's are tried
# (pyproject.toml only with [tool.samcheck]).
CONFIG_NAMES = (".samcheck.yaml", ".samcheck.yml", ".samcheck.toml", "pyproject.toml")


def _config_files(directory: Path) -> list[Path]:
    """The configuration files of one folder, in ``CONFIG_NAMES`` order."""
    return [
        path
        for path in (directory / name for name in CONFIG_NAMES)
        if path.is_file() and (path.name != "pyproject.toml" or _read_pyproject(path) is not None)
    ]


def discover_settings(folder: Path) -> Settings:
    """Settings from the nearest configuration file at or above ``folder``."""
    for directory in (folder, *folder.parents):
        files = _config_files(directory)
        if files:
            return load_config_file(files[0])._replace(shadowed=tuple(files[1:]))
    return Settings()


# The names SAM CLI reads its configuration from, in its order.
SAMCONFIG_NAMES = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")


def samconfig_path(folder: Path) -> Path | None:
    return next((folder / name for name in SAMCONFIG_NAMES if (folder / name).is_file()), None)


def samconfig_settings(folder: Path, environment: str) -> dict[str, Any]:
    """``region`` and ``parameter_overrides`` from samconfig.toml (or .yaml/.yml) beside a template,
    as ``sam deploy`` reads them for ``--config-env``: the deploy parameters, else the global ones."""
    path = samconfig_path(folder)
    if path is None:
        return {}
    document = _read_toml(path) if path.suffix == ".toml" else _read_yaml(path)
    if environment not in document and environment != "default":
        known = ", ".join(sorted(key for key, value in document.items() if isinstance(value, dict))) or "none"
        raise ConfigError(f"{path}: no environment '{environment}' (--config-env); it has: {known}")
    section = document.get(environment, {})
    values: dict[str, Any] = {}
    for scope in ("global", "deploy"):  # deploy wins over global
        parameters = section.get(scope, {}).get("parameters", {}) if isinstance(section, dict) else {}
        if "region" in parameters:
            values["region"] = str(parameters["region"])
        overrides = parameters.get("parameter_overrides")
        if isinstance(overrides, list):
            overrides = " ".join(str(item) for item in overrides)
        if isinstance(overrides, str):
            values["parameter_overrides"] = parse_parameter_overrides(overrides)
    return values
