"""The summariser: a Lambda in the account's private subnets that calls Bedrock only through the hub's
PrivateLink endpoint, with per-task models and the guardrail."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.lambda_function import FunctionSpec, PythonFunction
from meeting_recorder.key import s3_through_key
from meeting_recorder.names import SUMMARIES, TRANSCRIPTS, WORKLOAD, user_folder
from meeting_recorder.parameters import Models

HANDLERS = Path(__file__).parent / "handlers"
GEOGRAPHIES = ("us.", "eu.", "apac.", "global.")
INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]


def model_arns(model: str, region: str, account_id: str) -> list[str]:
    """What invoking `model` needs: the foundation model, or for an inference profile the profile and the
    model in the regions the profile routes to (which AWS picks, hence the region wildcard)."""
    for geography in GEOGRAPHIES:
        if model.startswith(geography):
            base = model.removeprefix(geography)
            return [f"arn:aws:bedrock:{region}:{account_id}:inference-profile/{model}",
                    f"arn:aws:bedrock:*::foundation-model/{base}"]
    return [f"arn:aws:bedrock:{region}::foundation-model/{model}"]


def bedrock_statements(models: Models, guardrail_arn: str, endpoint_id: str, region: str,
                       account_id: str) -> list[dict[str, object]]:
    through_endpoint = {"StringEquals": {"aws:SourceVpce": endpoint_id}}
    arns = sorted({arn for model in (models.summary, models.extraction) for arn in model_arns(model, region,
                                                                                              account_id)})
    return [
        {"Sid": "ConfiguredModelsThroughCentralEndpoint", "Effect": "Allow", "Action": INVOKE, "Resource": arns,
         "Condition": through_endpoint},
        {"Sid": "GuardrailThroughCentralEndpoint", "Effect": "Allow", "Action": "bedrock:ApplyGuardrail",
         "Resource": guardrail_arn, "Condition": through_endpoint},
        # Even a policy attached later cannot open another path to Bedrock for this role.
        {"Sid": "NoBedrockOutsideCentralEndpoint", "Effect": "Deny", "Action": "bedrock:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": endpoint_id}}},
    ]


class Summariser(Construct):
    def __init__(self, scope: Construct, id_: str, *, models: Models, guardrail_arn: str, guardrail_id: str,
                 guardrail_version: str, endpoint_id: str, bucket_name: str, bucket_arn: str, key_arn: str,
                 account_id: str, region: str, subnet_ids: Sequence[str], security_group_id: str,
                 retention_days: int, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        statements = [
            {"Sid": "ReadAndClassifyTranscripts", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObjectTagging"],
             "Resource": f"{bucket_arn}/{user_folder(TRANSCRIPTS)}"},
            {"Sid": "WriteSummaries", "Effect": "Allow", "Action": ["s3:PutObject", "s3:PutObjectTagging"],
             "Resource": f"{bucket_arn}/{user_folder(SUMMARIES)}"},
            s3_through_key(key_arn, region),
            {"Sid": "GuardrailKey", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn},
            *bedrock_statements(models, guardrail_arn, endpoint_id, region, account_id)]
        self.function = PythonFunction(
            self, "function", workload=WORKLOAD, account_id=account_id, region=region, kms_key_arn=key_arn,
            retention_days=retention_days, provider=provider, spec=FunctionSpec(
                name="summarise", handler_file=HANDLERS / "summarise.py", timeout=300, memory_mib=512,
                description="Summarises a transcript and extracts its actions and decisions with Bedrock.",
                statements=statements, subnet_ids=subnet_ids, security_group_ids=[security_group_id],
                environment={"BUCKET": bucket_name, "SUMMARY_MODEL_ID": models.summary,
                             "EXTRACTION_MODEL_ID": models.extraction, "GUARDRAIL_ID": guardrail_id,
                             "GUARDRAIL_VERSION": guardrail_version}))
        self.arn = self.function.arn
        self.function_name = self.function.function_name
