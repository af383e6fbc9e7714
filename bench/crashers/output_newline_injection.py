"""Attack: a template (and the name of a file in a walked folder) carries line breaks, ESC, C1
controls, bidi overrides and CI log commands ("\\n::error::owned", "\\n::add-mask::x", a key
"::error::fromsource" whose source line the text report shows, "##[add-mask]..." which GitHub's
runner obeys anywhere in a line), hoping the report prints them raw and CI runs them.

Promise: in every line-based report (text, github, vscode, junit) no line opens a workflow command
other than samcheck's own annotations in ``--format github``, no line holds ``##[`` or ``##vso[``, and
no control, bidi or invisible format character is printed raw; the findings are still reported,
quoting the values visibly (``\\n``, ``\\x1b``, ``\\u202e``).
"""

from __future__ import annotations

import re
import unicodedata

from _harness import Sandbox, UnsafeError, case

TEMPLATE = """\
Resources:
  Q:
    Type: AWS::SQS::Queue
Outputs:
  O:
    Value: !Ref "Bad\\n::error::owned\\n::add-mask::x\\e[31m\\u202eevil\\x85nel\\u2028ls ##[error]legacy ##vso[x]"
  "P\\r\\n::warning::logical\\u2066":
    Value: !Ref Q
  ::error::fromsource:
    Value: !Ref Q
"""
# A file name is the repository's too: a walked folder may hold one made of the same characters.
HOSTILE_NAME = "::error::header\n##[add-mask]walked\u202e\x1b[2J.yaml"
FINDINGS = 3  # a reference to nothing, two logical ids CloudFormation rejects

# The runner trims leading white space, then runs a line opening with "::" (TryParseV2) ...
_OURS = re.compile(r"::(error|warning|notice) file=[^:]*,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^:]*::")
# ... and, failing that, "##[command]" anywhere in it (TryParse); Azure Pipelines reads "##vso[".
_ANYWHERE = re.compile(r"##(vso)?\[", re.IGNORECASE)
_ACTING = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def _check_lines(output_format: str, out: str) -> int:
    """The lines of one report a CI log would obey; the number of samcheck's own annotations."""
    annotations = 0
    for line in out.split("\n"):
        acting = sorted({f"U+{ord(c):04X}" for c in line if unicodedata.category(c) in _ACTING})
        if acting:
            raise UnsafeError(f"--format {output_format} printed {', '.join(acting)} raw: {line!r}")
        if line.lstrip().startswith("::") and "::" in line.lstrip()[2:]:
            if output_format != "github" or not _OURS.match(line):
                raise UnsafeError(f"--format {output_format} printed a workflow command: {line!r}")
            annotations += 1
        elif _ANYWHERE.search(line):
            raise UnsafeError(f"--format {output_format} printed a legacy workflow command: {line!r}")
    return annotations


def check(box: Sandbox) -> None:
    (box.project / "template.yaml").write_text(TEMPLATE, encoding="utf-8")
    walked = box.project / "stacks"
    walked.mkdir()
    (walked / HOSTILE_NAME).write_text(TEMPLATE, encoding="utf-8")
    for output_format in ("text", "github", "vscode", "junit"):
        done = box.samcheck("--no-cache", "--format", output_format, "template.yaml", "stacks")
        if done.returncode != 1:
            raise UnsafeError(f"--format {output_format}: expected exit 1 (findings)\n{done.describe()}")
        annotations = _check_lines(output_format, done.out)
        if output_format == "github" and annotations != 2 * FINDINGS:
            raise UnsafeError(f"expected {2 * FINDINGS} annotations, got {annotations}\n{done.describe()}")
        if "owned" not in done.out or "\\n::add-mask::x\\x1b[31m\\u202eevil" not in done.out:
            raise UnsafeError(f"--format {output_format} lost the hostile value\n{done.describe()}")


if __name__ == "__main__":
    case(check)
