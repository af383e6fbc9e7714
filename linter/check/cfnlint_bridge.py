"""cfn-lint's own checks in samcheck's report (``--with-cfn-lint``).

cfn-lint runs through its Python API on the template text; each match becomes a finding with the
rule id prefixed ``CFN-`` (``CFN-E3012``) and the severity of its letter, so formats,
suppressions, baselines and exit codes treat it like any other. A match on a line where samcheck
already reports something is left out, and a template samcheck cannot parse is not given to
cfn-lint at all (SC0001 says why). cfn-lint failing on a file is a finding, never a crash.
"""

from __future__ import annotations

import re

from samcheck.cfn.document import Document
from samcheck.findings import Finding, Severity, Span

_SEVERITY = {"E": Severity.ERROR, "W": Severity.WARNING, "I": Severity.INFO}
_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return "cfn-" + (_SLUG.sub("-", text.lower()).strip("-") or "check")


def cfn_lint_findings(document: Document, region: str, existing: list[Finding]) -> list[Finding]:
    if document.data is None:
        return []
    try:
        from cfnlint.api import lint

        matches = lint(document.text, regions=[region])
    except Exception as error:  # cfn-lint has crashed on odd templates; keep our own findings
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
                _slug(str(match.rule.shortdesc)),
                _SEVERITY[rule_id[0]],
                f"{match.message} (cfn-lint {rule_id})",
                str(document.path),
                span,
            )
        )
    return findings
