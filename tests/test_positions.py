"""Generated resources are located where a user edits their source."""

from __future__ import annotations

from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.model.build import build_template

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 20
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Tracing: Active
      Events:
        FromQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Queue.Arn
            BatchSize: 5
        Get:
          Type: Api
          Properties:
            Path: /
            Method: get
"""


def test_locations_of_generated_resources(write_template) -> None:
    document = load_document(write_template(TEMPLATE))
    template = build_template(document, Settings())
    assert template is not None
    resources = template.resources
    mapping = resources["ConsumerFromQueue"]
    assert mapping.type == "AWS::Lambda::EventSourceMapping"
    assert (mapping.origin.resource, mapping.origin.event) == ("Consumer", "FromQueue")
    assert template.locate(mapping, ("BatchSize",)).span.line == 20
    assert template.locate(mapping, ("EventSourceArn",)).span.line == 19
    assert template.locate(mapping, ("FunctionName",)).span.line == 16  # the event entry
    function = resources["Consumer"]
    assert template.locate(function, ("TracingConfig", "Mode")).span.line == 14
    inherited = template.locate(function, ("Timeout",))
    assert inherited.span.line == 8 and inherited.related[0].span.line == 4
    role = resources["ConsumerRole"]
    assert role.source_id == "Consumer" and template.locate(role, ("Policies",)).span.line == 8
    api = resources["ServerlessRestApi"]
    assert (api.origin.resource, api.origin.event) == ("Consumer", "Get")
    assert template.locate(api).span.line == 21
    queue = resources["Queue"]
    assert not queue.origin.generated and template.locate(queue, ("VisibilityTimeout",)).span.line == 6
    timeout = template.property(function, "Timeout")
    assert timeout.candidates == (20,) and timeout.present
    assert template.property(resources["Queue"], "VisibilityTimeout", default=30).candidates == (30,)
