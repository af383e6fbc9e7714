"""--account-scope: templates that pass alone can exhaust one account together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from samcheck.cli import cli

TEMPLATE = """\
Resources:
  {name}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {{ZipFile: "x"}}
      ReservedConcurrentExecutions: {amount}
"""


def lint(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--no-cache", "-j", "1", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_two_templates_pass_alone_and_fail_together(tmp_path: Path) -> None:
    orders, billing = tmp_path / "orders" / "template.yaml", tmp_path / "billing" / "template.yaml"
    for path, name, amount in ((orders, "Orders", 500), (billing, "Billing", 450)):
        path.parent.mkdir()
        path.write_text(TEMPLATE.format(name=name, amount=amount))
    assert lint(str(orders))[0] == 0 and lint(str(billing))[0] == 0
    assert lint(str(orders), str(billing))[0] == 0  # without --account-scope each is its own account
    code, document = lint("--account-scope", str(orders), str(billing))
    (finding,) = [f for f in document["findings"] if f["rule"] == "SC2001"]
    assert code == 1
    assert finding["message"].startswith("500 + 450 = 950 reserved in the account in us-east-1 > 900 available")
    assert str(orders) in finding["message"] and str(billing) in finding["message"]
    assert finding["file"] == str(orders) and finding["resource"] == "Orders"
    assert finding["related"] == [{"file": str(billing), "line": 9, "column": 7, "message": "Billing: 450"}]
    # different regions are different budgets
    (tmp_path / "billing" / ".samcheck.yaml").write_text("region: eu-west-1\naccount-scope: true\n")
    (tmp_path / "orders" / ".samcheck.yaml").write_text("account-scope: true\n")
    assert lint(str(orders), str(billing))[0] == 0
    (tmp_path / "billing" / ".samcheck.yaml").write_text("account-scope: true\n")
    assert lint(str(orders), str(billing))[0] == 1  # account-scope from the config files


def test_a_budget_spent_in_nested_templates_is_reported_where_they_are_deployed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The largest share may sit in a nested template that is not linted itself: the finding goes
    to the linted template, at the resource that deploys it, never to a file nobody sees."""
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "worker.yaml").write_text(TEMPLATE.format(name="Worker", amount=700))
    parent = tmp_path / "template.yaml"
    parent.write_text(
        "Resources:\n  Workers:\n    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n      TemplateURL: nested/worker.yaml\n"
    )
    other = tmp_path / "other" / "template.yaml"
    other.parent.mkdir()
    other.write_text(TEMPLATE.format(name="Other", amount=300))
    for args in ([str(parent), str(other)], [str(other), str(parent)]):
        code, document = lint("--account-scope", *args)
        (finding,) = [f for f in document["findings"] if f["rule"] == "SC2001"]
        assert code == 1 and finding["message"].startswith("700 + 300 = 1000 reserved in the account")
        # Other holds the largest share in a linted file of its own.
        assert (finding["file"], finding["line"], finding["resource"]) == (str(other), 9, "Other")
    assert lint("--account-scope", str(parent))[0] == 0  # 700 alone fits
    # Linted itself as well as through its parent (relative paths here, resolved ones there), the
    # nested template still counts once.
    monkeypatch.chdir(tmp_path)
    assert lint("--account-scope", "template.yaml", "nested/worker.yaml")[0] == 0
    (tmp_path / "nested" / "worker.yaml").write_text(TEMPLATE.format(name="Worker", amount=950))
    for extra in ([], ["--account-scope"]):
        code, document = lint(*extra, str(parent))
        (finding,) = [f for f in document["findings"] if f["rule"] == "SC2001"]
        assert (finding["file"], finding["line"], finding["column"]) == (str(parent), 5, 7)  # TemplateURL
        assert finding["related"][0]["file"] == str(tmp_path / "nested" / "worker.yaml")
