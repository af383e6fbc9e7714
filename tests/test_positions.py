"""Generated resources are located where a user edits their source."""

from __future__ import annotations

from samcheck.cfn.document import load_document
from samcheck.config import Settings
from samcheck.model.build import build_template
from tests.conftest import lint

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


HTTP_API_CORS = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: ["*", "https://app.example.com"]
        AllowCredentials: true
"""


def test_what_sam_writes_into_an_http_apis_openapi_is_located_at_its_cors_configuration(write_template) -> None:
    # Tested here rather than as an SC0021 fixture, which the known-set property would mutate: SAM
    # drops an AllowCredentials that is not a literal true (no deployment then has the error), and an
    # origin from a parameter reaches the OpenAPI definition without the candidate a finding could name.
    found = [f for f in lint(write_template(HTTP_API_CORS)).findings if f.rule == "SC0021"]
    assert [(f.resource, f.span.line) for f in found] == [("Api", 8)]
    assert found[0].related[0].span.line == 7  # the origin *
