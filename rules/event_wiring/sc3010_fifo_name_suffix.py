import re
from collections.abc import Iterator
from typing import NamedTuple

from samcheck.analysis.values import flags, qualifier, texts, together, written
from samcheck.analysis.wiring import FIFO_SUFFIX
from samcheck.rule import Finding, Rule, RuleContext, Severity

_NAME_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")


class _Kind(NamedTuple):
    noun: str
    flag: str
    name_key: str
    fifo_only: tuple[str, ...]
    fifo_only_severity: Severity  # SQS rejects them on a standard queue; SNS's answer is less documented
    name_limit: str


_KINDS = {
    "AWS::SQS::Queue": _Kind(
        "queue",
        "FifoQueue",
        "QueueName",
        ("ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"),
        Severity.ERROR,
        "sqs-queue-name-max",
    ),
    "AWS::SNS::Topic": _Kind(
        "topic",
        "FifoTopic",
        "TopicName",
        ("ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy"),
        Severity.WARNING,
        "sns-topic-name-max",
    ),
}


class FifoNameSuffix(Rule):
    """Queue and topic names and FIFO settings. A FIFO queue or topic with an explicit name must end
    in ``.fifo``, and a standard one must not. Names take only ASCII letters, digits, hyphens and
    underscores (besides the ``.fifo`` suffix), up to 80 characters for a queue and 256 for a topic,
    the suffix included. FIFO-only settings are rejected on a standard queue
    (``ContentBasedDeduplication``, ``DeduplicationScope``, ``FifoThroughputLimit``) and apply only to
    FIFO topics (``ContentBasedDeduplication``, ``FifoThroughputScope``, ``ArchivePolicy``: a warning).
    A flag, name or setting chosen by a parameter's allowed values or a condition is judged for each.

    **Anti-pattern**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
        QueueName: orders
    ```

    **Best practice**

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
        QueueName: orders.fifo
    ```
    """

    id = "SC3010"
    name = "fifo-name-suffix"
    severity = Severity.ERROR
    summary = "Queue or topic name: .fifo on FIFO only, allowed characters and length; FIFO-only settings on standard"
    url = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html"
    tags = ("sqs", "sns")
    resource_types = frozenset({"AWS::SQS::Queue", "AWS::SNS::Topic"})

    def check(self, context: RuleContext) -> Iterator[Finding]:
        template = context.template
        for resource in context.of_type(*_KINDS):
            kind = _KINDS[resource.type]
            fifos = flags(context.property(resource, kind.flag, False))
            name = context.property(resource, kind.name_key)
            for (fifo, text), when in together(fifos, texts(name)):
                problem = _name_problem(text, fifo, kind, context.limit(kind.name_limit), qualifier(when))
                if problem:
                    yield context.report(
                        name.location, problem, resource=resource.source_id, related=context.when_related(when)
                    )
            for key in kind.fifo_only:
                for (fifo, present), when in together(fifos, written(template, resource, (key,))):
                    if present and not fifo:
                        yield context.report(
                            context.locate(resource, (key,)),
                            f"{key} only applies to FIFO {kind.noun}s{qualifier(when)}; set {kind.flag}: true or "
                            f"remove {key}",
                            resource=resource.source_id,
                            severity=kind.fifo_only_severity,
                            related=context.when_related(when),
                        )


def _name_problem(text: str, fifo: bool, kind: _Kind, longest: float, when: str) -> str | None:
    """What is wrong with a name (``when``: the assumptions it is judged under, for the message)."""
    stem = text.removesuffix(FIFO_SUFFIX)
    if fifo and not text.endswith(FIFO_SUFFIX):
        return f"FIFO {kind.noun} name {text}{when} must end in {FIFO_SUFFIX}; rename it {text}{FIFO_SUFFIX}"
    if not fifo and text.endswith(FIFO_SUFFIX):
        return (
            f"{kind.noun} name {text} ends in {FIFO_SUFFIX} but {kind.flag} is not true{when}; "
            f"set {kind.flag}: true or rename it"
        )
    if len(text) > longest:
        return (
            f"{kind.noun} name is {len(text)} characters > {longest:g} allowed"
            f"{f' with {FIFO_SUFFIX}' if fifo else ''}{when}; shorten it"
        )
    if not _NAME_CHARACTERS.fullmatch(stem):
        bad = "".join(sorted({char for char in stem if not _NAME_CHARACTERS.fullmatch(char)}))
        return (
            f"{kind.noun} name {text!r}{when} contains {bad!r}; names take only ASCII letters, digits, hyphens and "
            f"underscores{f' (and the {FIFO_SUFFIX} suffix)' if fifo else ''}, so replace them"
        )
    return None
