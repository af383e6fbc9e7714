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


SUPPRESSED = """\
Resources:
  {name}:
    Type: AWS::Lambda::Function
    Metadata: {metadata}
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {{ZipFile: "x"}}
      ReservedConcurrentExecutions: {amount}{comment}
"""


def _two_templates(tmp_path: Path, comment: str = "", metadata: str = "{}") -> tuple[Path, Path]:
    paths = []
    for name in ("Orders", "Billing"):
        path = tmp_path / name.lower() / "template.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(SUPPRESSED.format(name=name, amount=500, comment=comment, metadata=metadata))
        paths.append(path)
    return paths[0], paths[1]


def _rules(document: dict) -> list[str]:
    return sorted(finding["rule"] for finding in document["findings"])


def test_account_budgets_honour_inline_suppressions_and_sc0008_judges_them(tmp_path: Path) -> None:
    """The reproduction of the layout issue: each reserving line carries an ignore comment."""
    orders, billing = _two_templates(tmp_path, comment="  # samcheck: ignore[SC2001] planned raise")
    code, document = lint("--account-scope", str(orders), str(billing))
    # The finding is reported in Orders (the first template of the largest shares), where the comment
    # silences it; the comment in Billing silences nothing in its own file, which SC0008 says (info).
    assert code == 0
    assert [(f["rule"], Path(f["file"]).parent.name, f["line"]) for f in document["findings"]] == [
        ("SC0008", "billing", 10)
    ]
    # Without the comments the same run fails: the comments, not a bug, made it pass.
    orders, billing = _two_templates(tmp_path)
    code, document = lint("--account-scope", str(orders), str(billing))
    assert (code, _rules(document)) == (1, ["SC2001"])


def test_account_budgets_honour_severity_overrides(tmp_path: Path) -> None:
    orders, billing = _two_templates(tmp_path)
    (tmp_path / ".samcheck.yaml").write_text("severity: {SC2001: info}\n")
    code, document = lint("--account-scope", str(orders), str(billing))
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in document["findings"]] == [("SC2001", "info")]


def test_account_budgets_honour_metadata_and_file_wide_suppressions(tmp_path: Path) -> None:
    orders, billing = _two_templates(tmp_path, metadata="{samcheck: {ignore: [SC2001]}}")
    code, document = lint("--account-scope", str(orders), str(billing))
    # The budget is reported once, in one template: the other's Metadata entry silences nothing (info).
    assert (code, [(f["rule"], f["severity"]) for f in document["findings"]]) == (0, [("SC0008", "info")])
    orders, billing = _two_templates(tmp_path, comment="\n# samcheck: ignore-file[account-reserved-concurrency-budget]")
    code, document = lint("--account-scope", str(orders), str(billing))
    assert (code, _rules(document)) == (0, [])


def test_an_unused_comment_beside_an_account_budget_is_still_reported(tmp_path: Path) -> None:
    """SC0008 sees the findings the account stage added: a comment for another rule is unused."""
    orders, billing = _two_templates(tmp_path, comment="  # samcheck: ignore[SC2001]")
    orders.write_text(
        orders.read_text().replace("ReservedConcurrentExecutions: 500", "ReservedConcurrentExecutions: 5")
    )
    code, document = lint("--account-scope", str(orders), str(billing))
    # 5 + 500 fit the budget: both comments now silence nothing
    assert code == 0
    assert sorted((f["rule"], Path(f["file"]).parent.name) for f in document["findings"]) == [
        ("SC0008", "billing"),
        ("SC0008", "orders"),
    ]


PROVISIONED = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  {name}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      CodeUri: s3://artifacts/app.zip
      AutoPublishAlias: live
      ProvisionedConcurrencyConfig:
        ProvisionedConcurrentExecutions: {amount}
"""


def test_reservations_and_provisioned_concurrency_share_one_pool_across_templates(tmp_path: Path) -> None:
    """500 reserved in one template and 450 provisioned (no reservation) in another: each passes
    alone, and together they take 950 of the 900 the pool has."""
    orders, search = tmp_path / "orders" / "template.yaml", tmp_path / "search" / "template.yaml"
    orders.parent.mkdir()
    orders.write_text(TEMPLATE.format(name="Orders", amount=500))
    search.parent.mkdir()
    search.write_text(PROVISIONED.format(name="Search", amount=450))
    assert lint(str(orders), str(search))[0] == 0
    code, document = lint("--account-scope", str(orders), str(search))
    (finding,) = [f for f in document["findings"] if f["rule"] == "SC2005"]
    assert code == 1 and not any(f["rule"] == "SC2001" for f in document["findings"])
    assert finding["message"].startswith(
        "500 + 450 = 950 reserved + provisioned (of functions without a reservation) in the account in us-east-1 > 900"
    )
