from __future__ import annotations

from pathlib import Path

from samcheck.cfn.document import MAX_ALIAS_NODES, load_document, parse_document
from samcheck.findings import Span


def parse(text: str | bytes, name: str = "t.yaml"):
    raw = text.encode() if isinstance(text, str) else text
    return parse_document(Path(name), raw)


def test_short_forms_become_long_forms() -> None:
    document = parse(
        """
Resources:
  A:
    Type: AWS::SNS::Topic
    Properties:
      Ref: !Ref X
      Att: !GetAtt Fn.Arn
      Nested: !GetAtt Stack.Outputs.Url
      Sub: !Sub "${AWS::Region}"
      SubList: !Sub ["${a}", {a: !Ref B}]
      Join: !Join [",", [a, b]]
      If: !If [Cond, 1, !Ref AWS::NoValue]
      Cond: !Condition IsProd
      Map: !FindInMap [M, !Ref AWS::Region, k]
      Select: !Select [0, !GetAZs ""]
      B64: !Base64 abc
      Cidr: !Cidr [10.0.0.0/16, 2, 8]
      Import: !ImportValue shared
      Split: !Split [",", "a,b"]
      Equals: !Equals [a, b]
      Not: !Not [!Condition C]
      Transform: !Transform {Name: AWS::Include}
"""
    )
    properties = document.data["Resources"]["A"]["Properties"]
    assert properties["Ref"] == {"Ref": "X"}
    assert properties["Att"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert properties["Nested"] == {"Fn::GetAtt": ["Stack", "Outputs.Url"]}
    assert properties["SubList"] == {"Fn::Sub": ["${a}", {"a": {"Ref": "B"}}]}
    assert properties["If"] == {"Fn::If": ["Cond", 1, {"Ref": "AWS::NoValue"}]}
    assert properties["Cond"] == {"Condition": "IsProd"}
    assert properties["Select"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert properties["Not"] == {"Fn::Not": [{"Condition": "C"}]}
    assert properties["Transform"] == {"Fn::Transform": {"Name": "AWS::Include"}}
    assert not document.problems


def test_scalars_keep_cloudformation_meaning() -> None:
    document = parse("AWSTemplateFormatVersion: 2010-09-09\nA: 1\nB: 1.5\nC: true\nD: null\nE: '30'\nF: yes\nG: 0x10\n")
    data = document.data
    assert data["AWSTemplateFormatVersion"] == "2010-09-09"
    assert (data["A"], data["B"], data["C"], data["D"], data["E"], data["F"], data["G"]) == (
        1,
        1.5,
        True,
        None,
        "30",
        "yes",
        16,
    )


def test_positions_are_one_based_for_keys_and_values() -> None:
    document = parse("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n")
    source_map = document.source_map
    assert source_map.keys[("Resources", "Queue", "Type")] == Span(3, 5, 3, 9)
    assert source_map.values[("Resources", "Queue", "Type")] == Span(3, 11, 3, 26)
    assert source_map.entry(("Resources", "Queue", "Type")) == Span(3, 5, 3, 26)
    # a block mapping below its key: the key line is what a user edits
    assert source_map.entry(("Resources", "Queue")) == Span(2, 3, 2, 8)
    assert source_map.nearest(("Resources", "Queue", "Properties", "X")) == (
        ("Resources", "Queue"),
        Span(2, 3, 2, 8),
    )


def test_json_templates_have_positions() -> None:
    document = parse('{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue"}\n  }\n}\n', "t.json")
    assert document.data == {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    assert document.source_map.keys[("Resources", "Q")].line == 3


def test_duplicate_keys_are_problems_not_crashes() -> None:
    document = parse("Resources:\n  Q:\n    Type: A\n    Type: B\n")
    assert document.data["Resources"]["Q"]["Type"] == "B"
    (problem,) = document.problems
    assert problem.kind == "duplicate-key"
    assert problem.span.line == 4
    assert problem.related[0][1].line == 3


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    document = parse("\n".join(lines) + "\n")
    assert document.data is None
    assert f"{MAX_ALIAS_NODES:,}" in document.problems[0].message


def test_recursive_alias_and_deep_nesting_are_parse_errors() -> None:
    recursive = parse("a: &a [*a]\n")
    assert recursive.data is None and "contains it" in recursive.problems[0].message
    deep = parse("Resources: " + "[" * 2000 + "]" * 2000 + "\n")
    assert deep.data is None and "nest more than 1,000 levels deep" in deep.problems[0].message


def test_binary_invalid_utf8_and_unreadable(tmp_path: Path) -> None:
    assert "binary" in parse(b"\x00\x01\x02").problems[0].message
    invalid = parse(b"Resources:\n  A: \xff\xfe\n")
    assert "UTF-8" in invalid.problems[0].message and invalid.problems[0].span.line == 2
    assert "cannot read" in load_document(tmp_path / "missing.yaml").problems[0].message
    assert "mapping" in parse("- a\n- b\n").problems[0].message
    assert "empty" in parse("").problems[0].message
