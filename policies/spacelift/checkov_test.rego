# opa test policies/spacelift/checkov.rego policies/spacelift/checkov_test.rego
package spacelift

import rego.v1

finding := {"check_id": "CKV_AWS_18", "stack": "baseline-prod", "address": "aws_s3_bucket.logs", "message": "Ensure the S3 bucket has access logging enabled", "source": "accounts/prod.yaml"}

run(checkov) := {"spacelift": {"stack": {"id": "baseline-prod", "labels": ["landingzone"]}}, "third_party_metadata": {"custom": {"checkov": checkov}}}

test_an_unsuppressed_finding_fails_the_run if {
	msgs := deny with input as run({"stacks": ["baseline-prod"], "checks_run": 10, "failed": [finding], "suppressed": []})
	msgs == {"checkov CKV_AWS_18 failed on aws_s3_bucket.logs in stack baseline-prod (from accounts/prod.yaml): Ensure the S3 bucket has access logging enabled; fix it, or suppress it with a reason in policies/checkov/suppressions.yaml"}
}

suppressed_report := run({"stacks": ["baseline-prod"], "checks_run": 10, "failed": [], "suppressed": [object.union(finding, {"note": "logs of logs; owner platform-team"})]})

test_a_suppressed_finding_does_not_fail_the_run if {
	count(deny) == 0 with input as suppressed_report
}

test_a_suppressed_finding_warns_with_its_reason if {
	warnings := warn with input as suppressed_report
	warnings == {"checkov CKV_AWS_18 on aws_s3_bucket.logs is suppressed: logs of logs; owner platform-team"}
}

test_a_clean_report_passes if {
	count(deny) == 0 with input as run({"stacks": ["baseline-prod"], "checks_run": 10, "failed": [], "suppressed": []})
}

test_a_run_without_the_report_fails if {
	some msg in deny with input as {"spacelift": {"stack": {"id": "baseline-prod"}}}
	startswith(msg, "checkov reported nothing for this run")
}

test_a_report_for_another_stack_fails if {
	some msg in deny with input as run({"stacks": ["baseline-dev"], "checks_run": 10, "failed": [], "suppressed": []})
	contains(msg, "not for this stack (baseline-prod)")
}
