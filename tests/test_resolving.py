from __future__ import annotations

from typing import Any

import pytest

from samcheck.cfn.resolver import NO_VALUE, UNKNOWN, Resolver, partition_for

TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "Env": {"Type": "String", "AllowedValues": ["dev", "prod"], "Default": "dev"},
        "Timeout": {"Type": "Number", "Default": "30"},
        "Size": {"Type": "Number", "AllowedValues": [128, 20480]},
        "Names": {"Type": "CommaDelimitedList", "Default": "a,b,c"},
        "FromSsm": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/my/param"},
        "Vpc": {"Type": "String"},
    },
    "Conditions": {
        "HasVpc": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Vpc"}, ""]}]},
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "IsEu": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]},
        "Loop": {"Condition": "Loop"},
    },
    "Mappings": {"Sizes": {"us-east-1": {"memory": 512}}},
}


def resolver(**overrides: str) -> Resolver:
    return Resolver(TEMPLATE, overrides, "us-east-1")


def test_parameters_default_override_and_allowed_values() -> None:
    assert resolver().resolve({"Ref": "Timeout"}).candidates == (30,)
    assert resolver(Timeout="60").resolve({"Ref": "Timeout"}).candidates == (60,)
    value = resolver().resolve({"Ref": "Size"})
    assert value.candidates == (128, 20480) and value.parameter == "Size"
    assert resolver(Size="128").resolve({"Ref": "Size"}).candidates == (128,)
    assert resolver().resolve({"Ref": "Names"}).candidates == (["a", "b", "c"],)
    assert not resolver().resolve({"Ref": "FromSsm"}).known


def test_pseudo_parameters_and_partitions() -> None:
    assert resolver().resolve({"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}"}).single == (
        "arn:aws:sqs:us-east-1"
    )
    assert partition_for("cn-north-1") == "aws-cn"
    assert partition_for("us-gov-west-1") == "aws-us-gov"
    assert resolver().resolve({"Ref": "AWS::NoValue"}).single is NO_VALUE


def test_sub_join_select_split_find_in_map() -> None:
    r = resolver()
    assert r.resolve({"Fn::Sub": ["${A}-${!Literal}", {"A": {"Ref": "Env"}}]}).candidates == (
        "dev-${Literal}",
        "prod-${Literal}",
    )
    assert r.resolve({"Fn::Join": ["-", ["a", {"Ref": "Timeout"}]]}).single == "a-30"
    assert r.resolve({"Fn::Select": [1, {"Fn::Split": [",", "x,y"]}]}).single == "y"
    assert r.resolve({"Fn::FindInMap": ["Sizes", {"Ref": "AWS::Region"}, "memory"]}).single == 512
    assert not r.resolve({"Fn::FindInMap": ["Sizes", "eu-west-1", "memory"]}).known


def test_conditions() -> None:
    r = resolver()
    assert r.resolve({"Fn::If": ["IsEu", 1, 2]}).candidates == (2,)
    assert r.resolve({"Fn::If": ["IsProd", 900, 1000]}).candidates == (900, 1000)
    assert resolver(Env="prod").resolve({"Fn::If": ["IsProd", 900, 1000]}).candidates == (900,)
    assert not r.resolve({"Fn::If": ["Loop", 1, 2]}).known
    assert not r.resolve({"Fn::If": ["Missing", 1, 2]}).known


def test_a_condition_on_an_unknown_value_takes_both_branches_and_is_named() -> None:
    value = resolver().resolve({"Fn::If": ["HasVpc", 10, 20]})
    assert value.candidates == (10, 20) and value.condition == "HasVpc"
    assert value.describe([10], "s") == "10 s (when condition HasVpc is true)"
    # A known condition takes its one branch and names nothing.
    assert resolver().resolve({"Fn::If": ["IsEu", 1, 2]}).condition is None


def test_each_candidate_says_when_it_is_deployed() -> None:
    r = resolver()
    size = r.resolve({"Ref": "Size"})
    assert [(case.value, case.qualifier) for case in size] == [
        (128, " (when parameter Size is 128)"),
        (20480, " (when parameter Size is 20480)"),
    ]
    # A condition decided by a parameter with several allowed values is split by those values.
    by_env = r.resolve({"Fn::If": ["IsProd", 900, 1000]})
    assert [(case.value, case.qualifier) for case in by_env] == [
        (900, " (when parameter Env is prod)"),
        (1000, " (when parameter Env is dev)"),
    ]
    assert by_env.describe([1000], "s") == "1000 s (when parameter Env is dev)"


def test_values_read_together_agree_on_their_assumptions() -> None:
    r = resolver()
    # The same parameter twice is one choice, not a product of two.
    joined = r.resolve({"Fn::Join": ["-", [{"Ref": "Env"}, {"Ref": "Env"}]]})
    assert joined.candidates == ("dev-dev", "prod-prod")
    # A branch taken only for prod never sees Env = dev.
    inside = r.resolve({"Fn::If": ["IsProd", {"Fn::Sub": "${Env}-only"}, "none"]})
    assert inside.candidates == ("prod-only", "none")


def test_paths_are_followed_through_if_objects_and_intrinsics() -> None:
    r = resolver()
    properties = {
        "Config": {
            "Fn::If": ["HasVpc", {"Cert": "arn:a", "Mode": "x"}, {"Cert": "arn:b"}],
        },
        "Mapped": {"Fn::FindInMap": ["Sizes", {"Ref": "AWS::Region"}, "memory"]},
        "Imported": {"Fn::ImportValue": "shared"},
    }
    value, present = r.resolve_path(properties, ("Config", "Cert"))
    assert present and value.candidates == ("arn:a", "arn:b") and value.condition == "HasVpc"
    mode, present = r.resolve_path(properties, ("Config", "Mode"))
    assert present and mode.candidates == ("x", NO_VALUE)  # the false branch leaves it out
    assert r.resolve_path(properties, ("Absent", "Deeper")) == (UNKNOWN, False)
    imported, present = r.resolve_path(properties, ("Imported", "Key"))
    assert present and not imported.known and "ImportValue" in imported.unknown_because


def test_unknown_values_say_why() -> None:
    r = resolver()
    assert "parameter Vpc has no Default" in r.resolve({"Ref": "Vpc"}).unknown_because
    assert "SSM" in r.resolve({"Ref": "FromSsm"}).unknown_because
    assert "another stack" in r.resolve({"Fn::GetAtt": ["Nested", "Outputs.QueueArn"]}).unknown_because
    assert "deployed" in r.resolve({"Ref": "SomeQueue"}).unknown_because
    for dynamic in ("{{resolve:ssm:/app/timeout}}", {"Fn::Sub": "{{resolve:secretsmanager:${AWS::Region}-db}}"}):
        assert "dynamic reference" in r.resolve(dynamic).unknown_because


def test_each_condition_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Conditions built from the two before them (cfn-lint#3717's nested-If slowness): judged
    naively, C60 alone would take a Fibonacci number (~10^12) of judgements."""
    conditions: dict[str, Any] = {
        "C0": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "C1": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
        "Cycle": {"Fn::Or": [{"Condition": "Cycle2"}, True]},
        "Cycle2": {"Condition": "Cycle"},
    }
    for index in range(2, 61):
        conditions[f"C{index}"] = {
            "Fn::Or": [{"Condition": f"C{index - 1}"}, {"Fn::Not": [{"Condition": f"C{index - 2}"}]}]
        }
    r = Resolver({**TEMPLATE, "Conditions": conditions}, {}, "us-east-1")
    judged: list[str] = []
    judge = r._judge_condition

    def counting(name: str) -> set[bool] | None:
        judged.append(name)
        return judge(name)

    monkeypatch.setattr(r, "_judge_condition", counting)
    # C3 = C1 or not C0 or not C1 holds whatever Vpc is, and so does every condition after it.
    assert r.resolve({"Fn::If": ["C60", 1, 2]}).candidates == (1,)
    assert r.resolve({"Fn::If": ["C2", 1, 2]}).candidates == (1, 2)
    assert sorted(judged) == sorted(f"C{index}" for index in range(61))
    assert not r.resolve({"Fn::If": ["Cycle", 1, 2]}).known  # a loop stays unknown, also the second time
    assert not r.resolve({"Fn::If": ["Cycle2", 1, 2]}).known


def test_wide_and_or_conditions_are_folded_not_multiplied_out() -> None:
    many = [{"Condition": "IsProd"}] * 500  # 2^500 combinations if multiplied out
    conditions = {
        **TEMPLATE["Conditions"],
        "Wide": {"Fn::And": [*many, {"Fn::Not": [{"Condition": "IsEu"}]}]},
        "WideOr": {"Fn::Or": [*many, {"Condition": "IsEu"}]},
        "Never": {"Fn::And": [*many, {"Condition": "IsEu"}]},
    }
    r = Resolver({**TEMPLATE, "Conditions": conditions}, {}, "us-east-1")
    assert r.condition("Wide") == {True, False}
    assert r.condition("WideOr") == {True, False}
    assert r.condition("Never") == {False}  # IsEu is false in us-east-1


def test_unknowable_values_are_unknown_never_guessed() -> None:
    r = resolver()
    for node in (
        {"Ref": "SomeResource"},
        {"Fn::GetAtt": ["Fn", "Arn"]},
        {"Fn::ImportValue": "x"},
        {"Fn::Sub": "${Fn.Arn}"},
        {"Fn::GetAZs": ""},
    ):
        assert not r.resolve(node).known, node


def test_nested_structures_drop_no_value() -> None:
    value = resolver().resolve(
        {"A": {"Fn::If": ["IsEu", 1, {"Ref": "AWS::NoValue"}]}, "B": [1, {"Ref": "AWS::NoValue"}]}
    )
    assert value.single == {"B": [1]}


def test_numbers_are_finite_or_unknown() -> None:
    from samcheck.analysis.values import as_number

    assert as_number("30") == 30 and as_number(1.5) == 1.5
    for value in ("NaN", "inf", float("nan"), float("-inf"), True, "abc", None, [1]):
        assert as_number(value) is None, value


def test_durations_read_as_people_read_them() -> None:
    from samcheck.analysis.units import duration

    assert duration(30) == "30 s"
    assert duration(1.5) == "1.5 s"
    assert duration(7200) == "7,200 s (2 h)"
    assert duration(86400) == "86,400 s (1 day)"
    assert duration(1_209_600) == "1,209,600 s (14 days)"
    assert duration(5400) == "5,400 s"


def test_settling_keeps_what_deploys_and_copies_nothing_else() -> None:
    r = resolver()
    untouched = {"A": [1, {"B": "x"}], "C": {"Ref": "Timeout"}}
    assert r.settle(untouched) is untouched
    settled = r.settle(
        {
            "Eu": {"Fn::If": ["IsEu", "eu", "other"]},  # decided: us-east-1
            "Gone": {"Fn::If": ["IsEu", "x", {"Ref": "AWS::NoValue"}]},
            "Never": {"Ref": "AWS::NoValue"},
            "Open": {"Fn::If": ["HasVpc", 1, 2]},  # both may deploy: kept as written
            "Same": {"Fn::If": ["HasVpc", [1], [1]]},
            "List": [{"Ref": "AWS::NoValue"}, 3],
        }
    )
    assert settled == {"Eu": "other", "Open": {"Fn::If": ["HasVpc", 1, 2]}, "Same": [1], "List": [3]}


def test_a_document_is_read_once_per_deployment_with_its_choices_written_in() -> None:
    """Languages inside templates (policies) read a document as written: each variant fixes every
    known-set choice, and says when it is deployed; references and literals ${!x} stay as written."""
    r = resolver()
    document = {
        "Action": {"Ref": "Env"},
        "Resource": {"Fn::Sub": "arn:${Env}:${!Literal}:${Other.Arn}"},
        "Deny": {"Fn::If": ["HasVpc", "yes", {"Ref": "AWS::NoValue"}]},
    }
    variants = {tuple(sorted(map(str, when))): node for node, when in r.variants(document)}
    assert variants[("condition HasVpc is true", "parameter Env is prod")] == {
        "Action": "prod",
        "Resource": {"Fn::Sub": "arn:prod:${!Literal}:${Other.Arn}"},
        "Deny": "yes",
    }
    assert variants[("condition HasVpc is false", "parameter Env is dev")]["Deny"] == {"Ref": "AWS::NoValue"}
    assert len(variants) == 4
    # Nothing to choose: the document itself, always.
    assert r.variants({"Action": "sqs:SendMessage"}) == [({"Action": "sqs:SendMessage"}, frozenset())]
