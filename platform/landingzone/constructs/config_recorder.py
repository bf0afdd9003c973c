"""AWS Config recording in one account and region, delivered to the organization's log archive."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.config_configuration_recorder import (
    ConfigConfigurationRecorder,
    ConfigConfigurationRecorderRecordingGroup,
)
from cdktf_cdktf_provider_aws.config_configuration_recorder_status import ConfigConfigurationRecorderStatus
from cdktf_cdktf_provider_aws.config_delivery_channel import (
    ConfigDeliveryChannel,
    ConfigDeliveryChannelSnapshotDeliveryProperties,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part


class ConfigRecorder(Part):
    """Every supported resource type; IAM and other global types only in the home region, where recording
    them once is enough. The recorder uses Config's service-linked role (created by `role_arn`'s owner)."""

    def __init__(self, scope: Construct, id_: str, *, region: str, home: bool, role_arn: str, bucket: str,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        recorder = pin(ConfigConfigurationRecorder(
            self, "recorder", name="landingzone", role_arn=role_arn, provider=provider,
            recording_group=ConfigConfigurationRecorderRecordingGroup(
                all_supported=True, include_global_resource_types=home)), "config_recorder", region)
        channel = pin(ConfigDeliveryChannel(
            self, "channel", name="landingzone", s3_bucket_name=bucket, depends_on=[recorder], provider=provider,
            snapshot_delivery_properties=ConfigDeliveryChannelSnapshotDeliveryProperties(
                delivery_frequency="TwentyFour_Hours")), "config_delivery", region)
        pin(ConfigConfigurationRecorderStatus(self, "status", name=ref(recorder, "name"), is_enabled=True,
                                              depends_on=[channel], provider=provider), "config_recording", region)
