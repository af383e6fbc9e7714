"""Attack: samcheck runs outside any git repository, from the home folder or from ``/`` (a
pre-commit hook or an editor started there); the template's project was the working directory, so
a ``DefinitionUri``/``AWS::Include`` of ``../secret...`` (anywhere in the home) was read and its
content quoted. So was everything in the home when the home itself is a git repository (dotfiles).

Promise: outside a repository the project is the template's own folder, never ``/`` nor the home
(nor a repository there): the references leading out of it are SC0016 and never read.
"""

from __future__ import annotations

from pathlib import Path

from _harness import Sandbox, UnsafeError, case

SECRET = "TOPSECRETSTATE"
TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies: []
      DefinitionUri: ../secret.asl.yaml
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: {Location: ../secret.json}
"""


def check(box: Sandbox) -> None:
    app = box.home / "app"
    app.mkdir()
    (app / "template.yaml").write_text(TEMPLATE)
    (box.home / "secret.asl.yaml").write_text(f"StartAt: A\nStates:\n  A: {{Type: Pass, Next: {SECRET}}}\n")
    (box.home / "secret.json").write_text(f'{{"swagger": "2.0", "info": {{"title": "{SECRET}"}}, "paths": 7}}')
    runs: list[tuple[Path, str]] = [(box.home, "app/template.yaml"), (Path("/"), str(app / "template.yaml"))]
    for dotfiles in (False, True):
        if dotfiles:
            (box.home / ".git").mkdir()  # the home is a repository: still not a project
        for cwd, path in runs:
            result = box.samcheck("--format", "json", path, cwd=cwd)
            if SECRET in result.out + result.err:
                raise UnsafeError(f"run from {cwd} read a file outside the template's folder:\n{result.describe()}")
            if result.out.count('"SC0016"') != 2:
                raise UnsafeError(f"run from {cwd}: expected two SC0016 findings:\n{result.describe()}")


case(check)
