"""Attack: a repository's ``template.yaml`` is a link to ``~/.aws/credentials`` (or its ``infra``
folder a link to ``~/.aws``): samcheck read the file, failed to parse it, and its SC0001 report
quoted the access-key line, so a fork's pull request could have CI print the runner's secrets.

Promise: a template that is a link (or lies in a linked folder of the repository) leading outside
the project is never opened: SC0016 at line 1 names the link, exit 1, and the secret appears in no
output format (text, json, sarif, github), whether the template is named or found by a walk. A link
into the project, or the user's own link (outside any repository) to the repository, is followed.
"""

from __future__ import annotations

import json

from _harness import Sandbox, UnsafeError, case

SECRET = "AKIACRASHERSECRET0001"
GOOD = (
    "Resources:\n  F:\n    Type: AWS::Lambda::Function\n"
    "    Properties: {Runtime: python3.12, Handler: app.handler, Timeout: 1000}\n"
)


def check(box: Sandbox) -> None:
    aws = box.home / ".aws"
    aws.mkdir()
    # Not YAML, so a parse error would point at (and the text report quote) the key's line.
    (aws / "credentials").write_text(f"[default]\naws_access_key_id = {SECRET}\naws_secret_access_key = x\n")
    (aws / "template.yaml").symlink_to(aws / "credentials")
    (box.project / "template.yaml").symlink_to(aws / "credentials")
    (box.project / "infra").symlink_to(aws, target_is_directory=True)
    runs = [
        (["template.yaml"], "template.yaml"),
        (["."], "template.yaml"),
        (["infra/template.yaml"], "infra"),
        (["infra"], "infra"),
    ]
    for paths, link in runs:
        for output_format in ("text", "json", "sarif", "github"):
            result = box.samcheck("--format", output_format, *paths)
            if SECRET in result.out + result.err:
                raise UnsafeError(f"{paths} --format {output_format} printed the secret:\n{result.describe()}")
            if result.returncode != 1 or "SC0016" not in result.out or link not in result.out:
                raise UnsafeError(f"{paths} --format {output_format}: no SC0016 naming {link}:\n{result.describe()}")
    (box.project / "good").mkdir()
    (box.project / "good" / "template.yaml").write_text(GOOD)
    (box.project / "alias.template.yaml").symlink_to("good/template.yaml")
    (box.home / "work").symlink_to(box.project, target_is_directory=True)
    for cwd, path in ((box.project, "alias.template.yaml"), (box.home, "work/good/template.yaml")):
        result = box.samcheck("--format", "json", path, cwd=cwd)
        rules = {finding["rule"] for finding in json.loads(result.out or "{}").get("findings", [])}
        if result.returncode != 1 or rules != {"SC1001"}:
            raise UnsafeError(f"{path} from {cwd}: a link to be followed was not:\n{result.describe()}")


case(check)
