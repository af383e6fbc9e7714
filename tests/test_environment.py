"""samcheck needs no AWS account: no profile, no credentials, no config file is read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/fn.zip
      Handler: app.handler
      Runtime: python3.13
      Timeout: 1200
"""


def test_a_missing_profile_and_broken_aws_files_change_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    # Canaries: were either file read, botocore would fail to parse it (or find no such profile).
    (home / ".aws" / "config").write_text("[profile broken\nregion = nowhere\n")
    (home / ".aws" / "credentials").write_text("[default\naws_access_key_id = canary\n")
    template = tmp_path / "template.yaml"
    template.write_text(SAM)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_") or key == "AWS_REGION"}
    environment |= {"HOME": str(home), "AWS_PROFILE": "does-not-exist", "AWS_DEFAULT_PROFILE": "nor-this"}
    result = subprocess.run(
        [sys.executable, "-m", "samcheck", "--no-cache", "--format", "json", str(template)],
        capture_output=True,
        text=True,
        env=environment,
    )
    rules = {finding["rule"] for finding in json.loads(result.stdout)["findings"]}
    assert "SC0000" not in rules and "SC1001" in rules, result.stdout + result.stderr
    assert result.returncode == 1
