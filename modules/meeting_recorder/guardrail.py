"""The Bedrock guardrail every summariser call goes through, pinned to a published version."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.bedrock_guardrail import (
    BedrockGuardrail,
    BedrockGuardrailContentPolicyConfig,
    BedrockGuardrailContentPolicyConfigFiltersConfig,
    BedrockGuardrailSensitiveInformationPolicyConfig,
    BedrockGuardrailSensitiveInformationPolicyConfigPiiEntitiesConfig,
)
from cdktf_cdktf_provider_aws.bedrock_guardrail_version import BedrockGuardrailVersion
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from meeting_recorder.names import WORKLOAD

FILTERS = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")
# Participants' names are the point of a summary ("Sarah owns the Q4 plan"), so names stay; secrets and
# identifiers someone read out in a meeting are masked before they are stored.
MASKED = ("AWS_ACCESS_KEY", "AWS_SECRET_KEY", "PASSWORD", "CREDIT_DEBIT_CARD_NUMBER", "CREDIT_DEBIT_CARD_CVV",
          "US_SOCIAL_SECURITY_NUMBER", "US_BANK_ACCOUNT_NUMBER", "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "PIN")


class Guardrail(Construct):
    def __init__(self, scope: Construct, id_: str, *, kms_key_arn: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        filters = [BedrockGuardrailContentPolicyConfigFiltersConfig(type=kind, input_strength="MEDIUM",
                                                                    output_strength="HIGH") for kind in FILTERS]
        # A transcript is untrusted input: someone can say "ignore your instructions" in a meeting.
        filters.append(BedrockGuardrailContentPolicyConfigFiltersConfig(type="PROMPT_ATTACK", input_strength="HIGH",
                                                                        output_strength="NONE"))
        self.guardrail = pin(BedrockGuardrail(
            self, "guardrail", name=WORKLOAD, description="Summaries of meeting transcripts.",
            blocked_input_messaging="This transcript cannot be summarised.",
            blocked_outputs_messaging="The summary was withheld by the content policy.", kms_key_arn=kms_key_arn,
            content_policy_config=[BedrockGuardrailContentPolicyConfig(filters_config=filters)],
            sensitive_information_policy_config=[BedrockGuardrailSensitiveInformationPolicyConfig(
                pii_entities_config=[BedrockGuardrailSensitiveInformationPolicyConfigPiiEntitiesConfig(
                    type=kind, action="ANONYMIZE") for kind in MASKED])],
            provider=provider), "bedrock_guardrail", WORKLOAD)
        self.version = pin(BedrockGuardrailVersion(self, "version", guardrail_arn=self.guardrail.guardrail_arn,
                                                   description="Deployed by landingzone", skip_destroy=True,
                                                   provider=provider), "bedrock_guardrail_version", WORKLOAD)
        self.arn = self.guardrail.guardrail_arn
        self.id = self.guardrail.guardrail_id
