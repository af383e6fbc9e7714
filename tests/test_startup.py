"""What a run loads and repeats (issue 31), tested by structure, not by timing. Start-up: nothing
heavy that the run does not use, read from the modules a real ``samcheck`` process imports
(``python -X importtime``). (A SAM run imports
the translator in a child forked at start-up, whose standard error is closed: only this process's
modules are seen, which is the start-up path.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from samcheck.sam.translate import translate_here
from tests.conftest import FIXTURES, ROOT, lint

PLAIN = ROOT / "bench" / "plain.yaml"
SAM = FIXTURES / "example" / "template.yaml"
LANGUAGE_SERVER = {"pygls", "lsprotocol"}


def imported(template: Path, tmp_path: Path) -> tuple[int, str, set[str]]:
    """The exit code, the report and the full name of every module the run imported."""
    command = [sys.executable, "-X", "importtime", "-m", "samcheck", "--no-cache", str(template)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result.returncode, result.stdout, modules


def packages(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


def test_plain_template_loads_neither_translator_nor_graph_library(tmp_path: Path) -> None:
    code, report, modules = imported(PLAIN, tmp_path)
    assert code == 0 and "SC3011" in report  # it did lint (a warning)
    assert not {"samtranslator", "networkx", "jsonschema", "botocore", *LANGUAGE_SERVER} & packages(modules)
    # Rule packs are found by reading their dist-info folders: no importlib.metadata, nor the
    # email, zipfile and csv modules it imports (~30 ms at every start).
    assert not {"importlib.metadata", "email", "zipfile", "csv"} & modules


def test_a_pyproject_of_other_tools_loads_no_toml_parser(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_bytes(PLAIN.read_bytes())
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n\n[tool.ruff]\nline-length = 100\n')
    code, _, modules = imported(template, tmp_path)
    assert code == 0 and "tomllib" not in modules


# Opens every file the run reads, then lints as the ``samcheck`` command does.
_READS = """
import sys
def record(event, arguments):
    if event == "open" and isinstance(arguments[0], str) and arguments[0].endswith((".json", ".json.gz")):
        print("read", arguments[0], file=sys.stderr)
sys.addaudithook(record)
sys.argv = ["samcheck", "--no-cache", sys.argv[1]]
from samcheck.cli import main
main()
"""


def test_plain_template_reads_no_data_it_does_not_use(tmp_path: Path) -> None:
    """No state machine, no SAM policy template, no API, samcheck's default Region: neither the ASL
    field table, the translator's policy templates, botocore's Regions nor an API Gateway model is
    read (the schemas and service models of the template's own types are: SC0018, SC0019)."""
    command = [sys.executable, "-c", _READS, str(PLAIN)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert "SC3011" in result.stdout
    paths = [Path(line.split(" ", 1)[1]) for line in result.stderr.splitlines() if line.startswith("read ")]
    read = {path.name for path in paths}
    assert "limits.json" in read  # it did read what it uses
    assert not {"asl-fields.json", "policy_templates.json", "endpoints.json"} & read
    assert not [path for path in paths if "apigateway" in path.parts]


def test_sam_template_loads_no_language_server(tmp_path: Path) -> None:
    code, report, modules = imported(SAM, tmp_path)
    assert code == 1 and "SC1002" in report  # it did translate: the finding is on an expanded function
    assert not LANGUAGE_SERVER & packages(modules)


def test_translator_checks_its_policy_templates_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The translator validates its bundled policy templates against their JSON Schema for every
    template it expands (~25 ms); samcheck has it done once, with the same expansions."""
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    checks: list[object] = []
    validate = PolicyTemplatesProcessor._is_valid_templates_dict
    monkeypatch.setattr(
        PolicyTemplatesProcessor,
        "_is_valid_templates_dict",
        staticmethod(lambda *arguments: checks.append(arguments) or validate(*arguments)),
    )
    for queue in ("First", "Second", "Third"):
        template = {
            "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {
                queue: {"Type": "AWS::SQS::Queue"},
                "Reader": {
                    "Type": "AWS::Serverless::Function",
                    "Properties": {
                        "Runtime": "python3.12",
                        "Handler": "app.handler",
                        "CodeUri": "s3://bucket/reader.zip",
                        "Policies": [{"SQSPollerPolicy": {"QueueName": {"Fn::GetAtt": [queue, "QueueName"]}}}],
                    },
                },
            },
        }
        expanded, errors = translate_here(template, {}, "us-east-1")
        assert not errors and expanded is not None
        role = json.dumps(expanded["Resources"]["ReaderRole"])
        assert "sqs:ReceiveMessage" in role and queue in role
    assert len(checks) <= 1


def test_local_packages_are_looked_up_once_per_template(
    write_template, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Several rules measure a function's package; the links on its way are followed once, and the
    package is still measured (SC7001 reports it)."""
    from samcheck.analysis import artifacts

    lookups: list[Path] = []
    project_root = artifacts.project_root
    monkeypatch.setattr(artifacts, "project_root", lambda folder: lookups.append(folder) or project_root(folder))
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "big.bin").write_bytes(b"\0" * 2048)
    template = write_template(
        "Transform: AWS::Serverless-2016-10-31\n"
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: src/}\n"
    )
    result = lint(template, limits=(("lambda-package-unzipped-max", 1024),))
    assert [finding.rule for finding in result.findings if finding.rule.startswith("SC7")] == ["SC7001"]
    assert len(lookups) == 1


def test_an_included_file_is_parsed_once(write_template, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The translator's preparation reads a local ``AWS::Include`` file to inline it; SC0017 judges
    the same parse (its syntax error is still reported, at the include's Location)."""
    from samcheck.cfn import document

    parsed: list[Path] = []
    parse = document.parse_document
    monkeypatch.setattr(document, "parse_document", lambda path, raw: parsed.append(path) or parse(path, raw))
    (tmp_path / ".git").mkdir()
    (tmp_path / "api.yaml").write_text("swagger: [\n")
    template = write_template(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n"
        "    Properties:\n      StageName: prod\n      DefinitionBody:\n        Fn::Transform:\n"
        "          Name: AWS::Include\n          Parameters: {Location: api.yaml}\n"
    )
    result = lint(template)
    assert [(finding.rule, finding.span.line) for finding in result.findings] == [("SC0017", 10)]
    assert [path.name for path in parsed].count("api.yaml") == 1


def test_the_yaml_version_is_asked_once_per_document(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """ruamel's resolver asks which YAML version a text is in at every scalar (through two
    AttributeErrors on the C parser: a third of composing); samcheck has it asked once."""
    from ruamel.yaml.resolver import VersionedResolver

    from samcheck.cfn.document import parse_document

    asked: list[object] = []
    version = VersionedResolver.processing_version
    assert isinstance(version, property) and version.fget is not None
    monkeypatch.setattr(
        VersionedResolver, "processing_version", property(lambda self: asked.append(self) or version.fget(self))
    )
    text = "Resources:\n" + "".join(
        f"  Queue{n}:\n    Type: AWS::SQS::Queue\n    Properties: {{DelaySeconds: {n}, FifoQueue: true}}\n"
        for n in range(20)
    )
    document = parse_document(tmp_path / "template.yaml", text.encode())
    assert document.data["Resources"]["Queue7"]["Properties"] == {"DelaySeconds": 7, "FifoQueue": True}
    assert len(asked) == 1


def test_a_json_text_is_parsed_once_per_template(write_template, monkeypatch: pytest.MonkeyPatch) -> None:
    """An event pattern written as JSON text is read by SC0017 (does it parse) and by the pattern
    rules (SC3030, SC3031: what it matches); it is parsed once, and still judged (SC3030)."""
    pattern = '{"source": ["my.app"], "detail": {"size": [{"numeric": [">", "ten"]}]}}'
    parsed: list[str] = []
    loads = json.loads
    monkeypatch.setattr(json, "loads", lambda text, **kwargs: parsed.append(text) or loads(text, **kwargs))
    template = write_template(
        f"Resources:\n  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: '{pattern}'\n"
    )
    result = lint(template)
    assert "SC3030" in {finding.rule for finding in result.findings}
    assert parsed.count(pattern) == 1


# Expands a SAM template in a fresh process, as the translator child does, then prints which deferred
# modules it loaded; with "use", it then has the translator use them as it would to call AWS (build a
# client configuration) or for a policy template, which loads the real ones.
_TRANSLATE = """
import json, sys
from samcheck.sam.translate import translate_here
template = {"Transform": "AWS::Serverless-2016-10-31", "Resources": {"Fn": {"Type": "AWS::Serverless::Function",
    "Properties": {"Runtime": "python3.12", "Handler": "a.h", "CodeUri": "s3://b/k.zip",
    "Events": {"Q": {"Type": "SQS", "Properties": {"Queue": "arn:aws-cn:sqs:cn-north-1:123456789012:q"}}}}}}}
expanded, errors = translate_here(template, {}, "cn-north-1")
loaded = sorted(name for name in ("boto3", "botocore", "jsonschema") if name in sys.modules)
if sys.argv[1] == "use":
    import botocore.config
    from samtranslator.feature_toggle import feature_toggle
    from samtranslator.translator import arn_generator, translator
    from samtranslator.policy_template_processor import processor
    made = feature_toggle.Config(connect_timeout=7)
    template["Resources"]["Fn"]["Properties"]["Policies"] = [{"SQSPollerPolicy": {"QueueName": "q"}}]
    with_policy, _ = translate_here(template, {}, "cn-north-1")  # validates the policy templates
    import jsonschema.exceptions
    held = [feature_toggle.Config is botocore.config.Config, isinstance(made, botocore.config.Config),
            arn_generator.boto3 is sys.modules["boto3"], translator.Session is sys.modules["boto3"].Session,
            processor.jsonschema is jsonschema, processor.ValidationError is jsonschema.exceptions.ValidationError,
            "sqs:ReceiveMessage" in json.dumps(with_policy["Resources"]["FnRole"])]
    print(json.dumps(held))
print(json.dumps([errors, loaded, expanded["Resources"]["FnRole"]["Properties"]["ManagedPolicyArns"]]))
"""


def test_translating_loads_no_aws_sdk(tmp_path: Path) -> None:
    """The translator imports boto3 and botocore (a third of its import time) only to call AWS, which
    samcheck never lets it do: they are not loaded, and the Region is still the one given. Nor is
    jsonschema, which checks the translator's policy templates, with none used."""
    command = [sys.executable, "-c", _TRANSLATE, "lint"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=True)
    errors, loaded, policies = json.loads(result.stdout)
    assert errors == [] and loaded == []
    assert policies == [  # the partition of the Region given
        "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    ]


def test_the_deferred_modules_are_the_real_ones_once_used(tmp_path: Path) -> None:
    """Once the translator does use the SDK (or a policy template, jsonschema), it gets the real
    modules and classes, put back where its modules hold the stand-ins."""
    command = [sys.executable, "-c", _TRANSLATE, "use"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=True)
    held, (errors, loaded, _) = (json.loads(line) for line in result.stdout.splitlines())
    assert held == [True] * 7
    assert errors == [] and loaded == []  # loaded only after the translation


# Lints as the ``samcheck`` command does, then says which rule and analysis modules were imported.
_IMPORTED_RULES = """
import os, sys
leave = os._exit
def leaving(code):
    names = [name for name in sys.modules if name.startswith(("samcheck.rules.", "samcheck.analysis."))]
    os.write(2, ("imported " + " ".join(sorted(names)) + "\\n").encode())
    leave(code)
os._exit = leaving
sys.argv = ["samcheck", "--no-cache", sys.argv[1]]
from samcheck.cli import main
main()
"""


def test_a_lint_imports_only_the_rules_its_template_can_need(tmp_path: Path) -> None:
    """The plain template has a queue, a role, a function and a mapping: no rule about APIs, state
    machines, CloudFront or tables is imported, nor the analyses only they use; it still lints."""
    result = subprocess.run([sys.executable, "-c", _IMPORTED_RULES, str(PLAIN)], capture_output=True, text=True)
    assert "SC3011" in result.stdout
    line = next(line for line in result.stderr.splitlines() if line.startswith("imported "))
    modules = set(line.split()[1:])
    rules = {name.rsplit(".", 1)[1][:6] for name in modules if ".sc" in name}
    assert {"sc3001", "sc1001", "sc0018"} <= rules  # the queue's, the function's, every template's
    packs = {name.split(".")[2] for name in modules if name.startswith("samcheck.rules.") and ".sc" in name}
    assert not {"api_gateway", "step_functions", "edge", "data_stores"} & packs
    assert "samcheck.analysis.jsonata" not in modules and "samcheck.analysis.dynamodb" not in modules
