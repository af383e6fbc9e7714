"""S3 notification configurations (SC3032, SC3033) on templates built to be expensive: a key filter
whose rules each depend on their own condition must be judged rule by rule, never every combination
(2^n deployments), and still be reported."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import lint

RULES = 24


def _many_conditional_rules() -> str:
    parameters = "".join(f"  P{i}: {{Type: String, AllowedValues: [a, b]}}\n" for i in range(RULES))
    conditions = "".join(f"  C{i}: !Equals [!Ref P{i}, a]\n" for i in range(RULES))
    rules = "".join(f"                  - {{Name: !If [C{i}, prefix, suffix], Value: v{i}/}}\n" for i in range(RULES))
    return (
        f"Parameters:\n{parameters}Conditions:\n{conditions}Resources:\n"
        "  Inbox:\n    Type: AWS::SQS::Queue\n"
        "  Images:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n"
        "        QueueConfigurations:\n"
        "          - Event: s3:ObjectCreated:*\n            Queue: !GetAtt Inbox.Arn\n"
        f"            Filter:\n              S3Key:\n                Rules:\n{rules}"
        "          - Event: s3:ObjectCreated:Put\n            Queue: !GetAtt Inbox.Arn\n"
    )


def test_a_filter_whose_rules_each_have_a_condition_is_judged_pair_by_pair(
    write_template: Callable[[str], Path],
) -> None:
    path = write_template(_many_conditional_rules())
    started = time.monotonic()
    result = lint(path, select=("SC3032", "SC3033"))
    assert time.monotonic() - started < 30
    repeated = [f for f in result.findings if f.rule == "SC3033" and "a second" in f.message]
    # Each rule after the first may repeat an earlier one's name, in the deployments that say so.
    assert {f.span.line for f in repeated} == {2 * RULES + 16 + i for i in range(1, RULES)}
    # The second configuration, without a filter, overlaps the first whatever its filter is.
    assert [f.span.line for f in result.findings if f.rule == "SC3032"] == [2 * RULES + 13 + RULES + 3]


def _bucket(configurations: int) -> str:
    each = "          - Event: s3:ObjectCreated:*\n            Queue: arn:aws:sqs:us-east-1:123456789012:inbox\n"
    return (
        "Resources:\n  Images:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n"
        "        QueueConfigurations:\n" + each * configurations
    )


def test_each_configuration_is_reported_once_with_the_first_it_overlaps(
    write_template: Callable[[str], Path],
) -> None:
    result = lint(write_template(_bucket(4)), select=("SC3032",))
    assert [(f.span.line, f.related[0].message) for f in result.findings] == [
        (9, "QueueConfigurations[0] takes them too"),
        (11, "QueueConfigurations[0] takes them too"),
        (13, "QueueConfigurations[0] takes them too"),
    ]


def test_a_bucket_with_more_configurations_than_are_compared_is_reported_unchecked(
    write_template: Callable[[str], Path],
) -> None:
    started = time.monotonic()
    result = lint(write_template(_bucket(201)), select=("SC3032",))
    assert time.monotonic() - started < 30
    assert [(f.severity.name, f.span.line) for f in result.findings] == [("INFO", 5)]
    assert "201 notification configurations" in result.findings[0].message
