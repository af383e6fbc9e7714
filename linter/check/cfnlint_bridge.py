"""cfn-lint's own checks in samcheck's report (``--with-cfn-lint``).

cfn-lint runs through its Python API on the template text; each match becomes a finding with the
rule id prefixed ``CFN-`` (``CFN-E3012``) and the severity of its letter, so formats,
suppressions, baselines and exit codes treat it like any other. A match on a line where samcheck
already reports something is left out, and a template samcheck cannot parse is not given to
cfn-lint at all (SC0001 says why). cfn-lint failing on a file is a finding, never a crash.

cfn-lint is given its configuration explicitly and never looks for one itself: left alone it reads
``.cfnlintrc`` from the current folder, where a repository's file could name a folder of its own
Python to import (``append_rules``). Of the ``.cfnlintrc`` in the folder samcheck runs in (the
repository's), only the keys that choose and configure checks are used; the keys that load code or
read other files are used only from the user's own ``~/.cfnlintrc``, and a repository's file that
sets them is told about on standard error (``cfn_lint_notices``).
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from samcheck.cfn.document import Document, load_document
from samcheck.findings import Finding, Severity, Span

_SEVERITY = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}
_SLUG = re.compile(r"[^a-z0-9]+")
_RC_NAMES = (".cfnlintrc", ".cfnlintrc.yaml", ".cfnlintrc.yml")  # cfn-lint's names, in its order
# Which checks run and how: what a repository's .cfnlintrc may set.
_CHECK_KEYS = ("ignore_checks", "include_checks", "mandatory_checks", "configure_rules", "include_experimental")
# Python rule folders or modules, spec patches, schema folders, rule files: only from the user's file.
_CODE_KEYS = ("append_rules", "override_spec", "custom_rules", "registry_schemas")


class CfnLintSettings(NamedTuple):
    """What cfn-lint is run with, besides the Region, and what was left out of it and why."""

    options: tuple[tuple[str, Any], ...]  # .cfnlintrc keys and values (paths made absolute)
    notices: tuple[str, ...]


def rule_slug(text: str) -> str:
    return "cfn-" + (_SLUG.sub("-", text.lower()).strip("-") or "check")


def cfn_lint_findings(document: Document, region: str, existing: list[Finding]) -> list[Finding]:
    if document.data is None:
        return []
    try:
        matches = _lint(document.text, region)
    except (Exception, SystemExit) as error:  # cfn-lint crashes on odd templates and exits on bad options
        message = f"cfn-lint failed on this file: {type(error).__name__}: {error}"
        return [Finding("CFN-E0000", "cfn-lint-failed", Severity.WARNING, message, str(document.path), Span.point())]
    taken = {finding.span.line for finding in existing}
    findings = []
    for match in matches:
        rule_id = str(match.rule.id)
        if match.linenumber in taken or rule_id[:1] not in _SEVERITY:
            continue
        span = Span(match.linenumber, match.columnnumber, match.linenumberend, match.columnnumberend)
        findings.append(
            Finding(
                f"CFN-{rule_id}",
                rule_slug(str(match.rule.shortdesc)),
                _SEVERITY[rule_id[0]],
                f"{match.message} (cfn-lint {rule_id})",
                str(document.path),
                span,
            )
        )
    return findings


def _lint(text: str, region: str) -> list[Any]:
    """``cfnlint.api.lint`` with an explicit configuration: that function reads .cfnlintrc files."""
    from cfnlint.config import ConfigMixIn
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import Runner

    template, errors = decode_str(text)
    if errors or template is None:
        return list(errors or [])
    options: dict[str, Any] = {**dict(cfn_lint_settings().options), "regions": [region]}
    # An explicit configuration file that is empty (os.devnull is no regular file, so cfn-lint
    # reads nothing) is cfn-lint's one way not to look for .cfnlintrc in this folder and the home.
    config = ConfigMixIn(["--config-file", os.devnull], **options)
    return list(Runner(config).validate_template(template))


def cfn_lint_settings() -> CfnLintSettings:
    """The user's ``~/.cfnlintrc`` (all its check and code keys, relative paths from the home
    folder) over the check keys of the ``.cfnlintrc`` in the current folder, as cfn-lint layers
    them; the current folder's file is the repository's, so its other keys are refused."""
    return _settings(Path.cwd(), Path.home())


@cache
def _settings(here: Path, home: Path) -> CfnLintSettings:
    notices: list[str] = []
    project = _read_rc(here, notices, trusted=False)
    refused = [key for key in _CODE_KEYS if key in project]
    if refused:
        notices.append(
            f"{_rc_path(here)}: cfn-lint's {', '.join(refused)} ignored: a repository's .cfnlintrc may not "
            "load code or read other files (set them in ~/.cfnlintrc)"
        )
    options = {key: value for key, value in project.items() if key in _CHECK_KEYS}
    if _same_folder(home, here):  # linting the home folder itself: its file is that folder's
        return CfnLintSettings(tuple(options.items()), tuple(notices))
    user = _read_rc(home, notices, trusted=True)
    for key, value in user.items():
        if key in _CHECK_KEYS:
            options[key] = value
        elif key in _CODE_KEYS:
            options[key] = _from_home(home, value)
    return CfnLintSettings(tuple(options.items()), tuple(notices))


def cfn_lint_notices() -> tuple[str, ...]:
    """What of the .cfnlintrc files was not used, to say once per run."""
    return cfn_lint_settings().notices


def _rc_path(folder: Path) -> Path | None:
    return next((folder / name for name in _RC_NAMES if os.path.lexists(folder / name)), None)


def _read_rc(folder: Path, notices: list[str], trusted: bool) -> dict[str, Any]:
    """The keys of the folder's .cfnlintrc that samcheck passes on, checked against cfn-lint's
    schema for them; {} when there is none, or (with a notice) when it cannot be used. An untrusted
    (repository's) file is not followed through a link, and notices name its keys, never values:
    it could be a link to a secret."""
    path = _rc_path(folder)
    if path is None:
        return {}
    if not trusted and path.is_symlink():
        notices.append(f"{path}: a symbolic link, not followed; cfn-lint runs without it")
        return {}
    document = load_document(path)
    if not isinstance(document.data, dict):
        reason = document.problems[0].message if document.problems else "not a mapping of keys"
        notices.append(f"{path}: cannot be read ({reason}); cfn-lint runs without it")
        return {}
    raw = {key: value for key, value in document.data.items() if key in (*_CHECK_KEYS, *_CODE_KEYS)}
    wrong = sorted(key for key, value in raw.items() if not _valid(key, value))
    if wrong:
        notices.append(f"{path}: {', '.join(wrong)} not what cfn-lint expects; cfn-lint runs without the file")
        return {}
    return raw


def _valid(key: str, value: Any) -> bool:
    import jsonschema

    return jsonschema.Draft7Validator(_rc_schema()["properties"][key]).is_valid(value)


@cache
def _rc_schema() -> dict[str, Any]:
    import json

    import cfnlint

    schema = Path(cfnlint.__file__).parent / "data" / "CfnLintCli" / "config" / "schema.json"
    loaded: dict[str, Any] = json.loads(schema.read_text(encoding="utf-8"))
    return loaded


def _from_home(home: Path, value: Any) -> Any:
    """A code key's paths made absolute from the home folder: cfn-lint would take them from the
    current folder, the repository's (so an ``append_rules`` module name, which cfn-lint takes
    for a folder when the current folder has one of that name, is a path here too)."""

    def absolute(entry: str) -> str:
        return str(home / os.path.expanduser(entry))

    return [absolute(entry) for entry in value] if isinstance(value, list) else absolute(value)


def _same_folder(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False
