"""The pack's rules, as its ``samcheck.rules`` entry point names them (importing them all)."""

from samcheck.rule import Rule
from samcheck.rules.event_wiring.sc3001_sqs_visibility_timeout import SqsVisibilityTimeout
from samcheck.rules.event_wiring.sc3002_redrive_dlq_type_mismatch import RedriveDlqTypeMismatch
from samcheck.rules.event_wiring.sc3003_lambda_dlq_type import LambdaDlqType
from samcheck.rules.event_wiring.sc3004_sns_fifo_subscription import SnsFifoSubscription
from samcheck.rules.event_wiring.sc3005_destination_type import DestinationType
from samcheck.rules.event_wiring.sc3006_esm_batch_size import EsmBatchSize
from samcheck.rules.event_wiring.sc3007_esm_parameter_range import EsmParameterRange
from samcheck.rules.event_wiring.sc3008_sqs_attribute_range import SqsAttributeRange
from samcheck.rules.event_wiring.sc3009_dlq_retention_shorter import DlqRetentionShorter
from samcheck.rules.event_wiring.sc3010_fifo_name_suffix import FifoNameSuffix
from samcheck.rules.event_wiring.sc3011_async_without_failure_handling import AsyncWithoutFailureHandling
from samcheck.rules.event_wiring.sc3012_dynamodb_stream_readers import DynamodbStreamReaders
from samcheck.rules.event_wiring.sc3013_eventbridge_targets import EventbridgeTargets
from samcheck.rules.event_wiring.sc3014_schedule_expression import ScheduleExpression
from samcheck.rules.event_wiring.sc3015_kinesis_retention_range import KinesisRetentionRange
from samcheck.rules.event_wiring.sc3016_delivery_dlq_type import DeliveryDlqType
from samcheck.rules.event_wiring.sc3017_fifo_target_settings import FifoTargetSettings
from samcheck.rules.event_wiring.sc3018_stream_retries_unbounded import StreamRetriesUnbounded
from samcheck.rules.event_wiring.sc3019_kinesis_stream_mode import KinesisStreamMode
from samcheck.rules.event_wiring.sc3020_failure_handling_never_reached import FailureHandlingNeverReached
from samcheck.rules.event_wiring.sc3030_event_pattern_invalid import EventPatternInvalid
from samcheck.rules.event_wiring.sc3031_event_pattern_never_matches import EventPatternNeverMatches
from samcheck.rules.event_wiring.sc3032_s3_notification_conflict import S3NotificationConflict
from samcheck.rules.event_wiring.sc3033_s3_notification_filter import S3NotificationFilter
from samcheck.rules.event_wiring.sc3034_filtered_mapping_on_shared_queue import FilteredMappingOnSharedQueue

RULES: list[type[Rule]] = [
    SqsVisibilityTimeout,
    RedriveDlqTypeMismatch,
    LambdaDlqType,
    SnsFifoSubscription,
    DestinationType,
    EsmBatchSize,
    EsmParameterRange,
    SqsAttributeRange,
    DlqRetentionShorter,
    FifoNameSuffix,
    AsyncWithoutFailureHandling,
    DynamodbStreamReaders,
    EventbridgeTargets,
    ScheduleExpression,
    KinesisRetentionRange,
    DeliveryDlqType,
    FifoTargetSettings,
    StreamRetriesUnbounded,
    KinesisStreamMode,
    FailureHandlingNeverReached,
    EventPatternInvalid,
    EventPatternNeverMatches,
    S3NotificationConflict,
    S3NotificationFilter,
    FilteredMappingOnSharedQueue,
]
