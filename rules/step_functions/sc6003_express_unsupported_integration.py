from collections.abc import Iterator

from samcheck.analysis.statemachines import state_machines, walk_states
from samcheck.analysis.values import qualifier
from samcheck.rule import Finding, Rule, RuleContext, Severity, get_path


class ExpressUnsupportedIntegration(Rule):
    """EXPRESS workflows only support request-response integrations: ``.sync`` (run a job and wait)
    and ``.waitForTaskToken`` (callback) tasks, activities and Distributed Map are STANDARD-only, and
    creating the state machine fails. A type that is one of several (a parameter's allowed values, an
    ``Fn::If``) is judged for each: the finding says when the machine is EXPRESS.

    **Anti-pattern**

    ```yaml
    Type: EXPRESS
    Definition:
      StartAt: Build
      States:
        Build:
          Type: Task
          Resource: arn:aws:states:::codebuild:startBuild.sync
          End: true
    ```

    **Best practice**

    ```yaml
    Type: STANDARD
    ```
    """

    id = "SC6003"
    name = "express-unsupported-integration"
    severity = Severity.ERROR
    summary = "An EXPRESS workflow using .sync, .waitForTaskToken, an activity or a Distributed Map"
    url = "https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html"
    tags = ("stepfunctions",)
    resource_types = frozenset({"AWS::StepFunctions::StateMachine"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for machine in state_machines(context.template):
            express = machine.express
            if not express:
                continue
            for state in walk_states(machine.definition):
                resource = state.body.get("Resource")
                problem = None
                if isinstance(resource, str) and resource.endswith(".sync"):
                    problem = "a .sync integration (run a job and wait for it)"
                elif isinstance(resource, str) and resource.endswith(".waitForTaskToken"):
                    problem = "a .waitForTaskToken callback"
                elif isinstance(resource, str) and ":activity:" in resource:
                    problem = "an activity"
                elif get_path(state.body, ("ItemProcessor", "ProcessorConfig", "Mode")) == "DISTRIBUTED":
                    problem = "a Distributed Map"
                if not problem:
                    continue
                for kind in express:
                    yield context.report(
                        machine.span((*state.path, "Resource") if "Resource" in state.body else state.path),
                        f"{state.name} uses {problem}, which EXPRESS workflows do not support{qualifier(kind.when)}; "
                        "make the state machine STANDARD or use a request-response integration",
                        resource=machine.resource.source_id,
                        file=machine.file,
                        related=context.when_related(kind.when),
                    )
