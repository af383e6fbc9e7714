"""Run the official aws-sam-translator: offline, under a time limit, its errors parsed.

The translator runs with its bundled managed-policy map and the Region in place of a boto3 session:
no AWS call, no credentials, no network (the AWS SDK it imports is not even loaded: ``deferred_imports``).
"""

from __future__ import annotations

import copy
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, NamedTuple

from samcheck.cfn.resolver import ACCOUNT_ID_PLACEHOLDER, partition_for

# The translator copies the whole OpenAPI document for every API event, so its time grows with
# the square of their number (250 events: 6 s, 1,000: 2 minutes); past this it is stopped.
TRANSLATE_SECONDS = 30.0
_RESOURCE_ID = re.compile(r"Resource with id \[([^\]]+)\]")
_EVENT_ID = re.compile(r"Event with id \[([^\]]+)\]")


class TransformError(NamedTuple):
    message: str
    resource: str | None
    event: str | None
    property_path: tuple[str, ...] = ()
    gave_up: bool = False  # samcheck stopped the translator: the template is not known to be wrong


class _RegionOnly(NamedTuple):
    """What the translator reads of its boto3 session: the Region (nothing calls AWS)."""

    region_name: str


@cache
def _share_policy_templates() -> None:
    """Have the translator read and validate its bundled policy templates once per process, when a
    template first names one: it does it for every template it expands (jsonschema over 70 KB, ~25 ms
    and the import of jsonschema: half of a corpus run), and the processor it builds from them is only
    read (each use copies the template it converts)."""
    from samtranslator.plugins.policies.policy_templates_plugin import PolicyTemplatesForResourcePlugin
    from samtranslator.translator import translator

    if hasattr(translator, "make_policy_template_for_function_plugin"):  # where the translator builds it (1.115)
        processor = _PolicyTemplatesOnFirstUse()
        translator.make_policy_template_for_function_plugin = lambda: PolicyTemplatesForResourcePlugin(processor)


class _PolicyTemplatesOnFirstUse:
    """The translator's policy-template processor, made when the translator first asks it something."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_policy_templates(), name)


@cache
def _policy_templates() -> Any:
    from samtranslator.policy_template_processor.processor import PolicyTemplatesProcessor

    return PolicyTemplatesProcessor(PolicyTemplatesProcessor.get_default_policy_templates_json())


Translation = tuple[dict[str, Any] | None, list[TransformError]]


def translate(
    template: dict[str, Any], parameter_values: dict[str, Any], region: str, errors: list[TransformError]
) -> dict[str, Any] | None:
    """The expanded template, or None; the translator's errors are added to ``errors``."""
    from samcheck.sam import translator_process

    translation = translator_process.call(translate_here, template, parameter_values, region)
    expanded, found = translation if translation is not None else translate_here(template, parameter_values, region)
    errors.extend(found)
    return expanded


def translate_here(template: dict[str, Any], parameter_values: dict[str, Any], region: str) -> Translation:
    """Run the translator in this process: the expanded template, or None and the errors."""
    import logging

    from samcheck.sam.deferred_imports import import_translator

    import_translator()

    from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    # The translator logs feature-toggle lookups as warnings; they say nothing to a user.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    _share_policy_templates()
    partition = partition_for(region)
    values = {
        "AWS::Region": region,
        "AWS::Partition": partition,
        "AWS::AccountId": ACCOUNT_ID_PLACEHOLDER,
        **parameter_values,
    }
    policies = get_bundled_managed_policy_map(partition) or get_bundled_managed_policy_map("aws") or {}
    # Metrics go to the dummy publisher; publishing empties the cache, which the translator's
    # Metrics destructor would otherwise complain about on stderr.
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), boto_session=_RegionOnly(region), metrics=metrics)
    try:
        with _time_limit(TRANSLATE_SECONDS):
            result: dict[str, Any] = translator.translate(
                copy.deepcopy(template),
                parameter_values=values,
                passthrough_metadata=True,
                get_managed_policy_map=lambda: policies,
            )
    except _OutOfTimeError:
        message = (
            f"the SAM translator was stopped after {TRANSLATE_SECONDS:g} s (its time grows with the square of the "
            "number of API events), so the SAM resources were not checked; splitting the API into several "
            "makes each expansion quicker"
        )
        return None, [TransformError(message, None, None, gave_up=True)]
    except InvalidDocumentException as document_error:
        return None, [_transform_error(cause) for cause in document_error.causes]
    except Exception as error:  # the translator has bugs on odd input; report, don't crash
        return None, [TransformError(f"SAM translator failed: {type(error).__name__}: {error}", None, None)]
    finally:
        metrics.publish()
    return result, []


class _OutOfTimeError(BaseException):
    """Raised inside the translator when its time is up; not an Exception, so that the
    translator's own ``except Exception`` handlers cannot swallow it."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds``: in the main thread where SIGALRM exists, and when no
    one else (a program embedding samcheck, a test timeout) has a timer running; else no limit."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getitimer(signal.ITIMER_REAL)[0] > 0
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _OutOfTimeError

    previous = signal.signal(signal.SIGALRM, expire)
    # Fired again every 50 ms until the block ends: an exception raised where Python discards it
    # (a garbage-collector callback, a destructor) must not let the translator run on unstopped.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    try:
        yield
    finally:
        while True:  # a repeat alarm may land here: disarm until it holds
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except _OutOfTimeError:
                continue


def _transform_error(cause: Any) -> TransformError:
    message = str(getattr(cause, "message", cause))
    resource = _RESOURCE_ID.search(message)
    event = _EVENT_ID.search(message)
    key_path = getattr(cause, "key_path", "")
    return TransformError(
        message,
        resource.group(1) if resource else None,
        event.group(1) if event else None,
        tuple(key_path.split(".")) if isinstance(key_path, str) and key_path else (),
    )
