"""An account's monthly budget with alerts, and cost anomaly detection sent to the same people."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.budgets_budget import BudgetsBudget, BudgetsBudgetCostFilter, BudgetsBudgetNotification
from cdktf_cdktf_provider_aws.ce_anomaly_monitor import CeAnomalyMonitor
from cdktf_cdktf_provider_aws.ce_anomaly_subscription import (
    CeAnomalySubscription,
    CeAnomalySubscriptionSubscriber,
    CeAnomalySubscriptionThresholdExpression,
    CeAnomalySubscriptionThresholdExpressionDimension,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.config.security import Budget
from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part


def _amount(value: float) -> str:
    return f"{value:.2f}"


class CostControls(Part):
    """Alerts on actual spend at each threshold, and on a forecast above the limit; anomalies with at least the
    configured impact, in a daily digest (AWS allows email only for daily or weekly).

    `account` names the budget. Without `tag` both cover the whole account, anomalies by service (the one
    services monitor an account may have); with `tag` (key, value) both cover only resources carrying it: a
    workload's cost, which needs that tag activated as a cost allocation tag."""

    def __init__(self, scope: Construct, id_: str, *, account: str, budget: Budget,
                 tag: tuple[str, str] | None = None, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        emails = list(budget.alert_emails)
        notifications = [BudgetsBudgetNotification(comparison_operator="GREATER_THAN", threshold=threshold,
                                                    threshold_type="PERCENTAGE", notification_type="ACTUAL",
                                                    subscriber_email_addresses=emails)
                         for threshold in budget.alert_thresholds]
        notifications.append(BudgetsBudgetNotification(comparison_operator="GREATER_THAN", threshold=100,
                                                       threshold_type="PERCENTAGE", notification_type="FORECASTED",
                                                       subscriber_email_addresses=emails))
        pin(BudgetsBudget(self, "budget", name=f"landingzone-{account}-monthly", budget_type="COST",
                          time_unit="MONTHLY", limit_amount=_amount(budget.monthly_limit_usd), limit_unit="USD",
                          notification=notifications, provider=provider,
                          cost_filter=[BudgetsBudgetCostFilter(name="TagKeyValue", values=[f"user:{tag[0]}${tag[1]}"])]
                          if tag else None), "budget", account)
        if tag:
            monitor = pin(CeAnomalyMonitor(self, "monitor", name=f"landingzone-{account}-tagged", monitor_type="CUSTOM",
                                           monitor_specification=json.dumps({"Tags": {
                                               "Key": tag[0], "Values": [tag[1]], "MatchOptions": ["EQUALS"]}}),
                                           provider=provider), "anomaly_monitor", account)
        else:
            monitor = pin(CeAnomalyMonitor(self, "monitor", name=f"landingzone-{account}-services",
                                           monitor_type="DIMENSIONAL", monitor_dimension="SERVICE",
                                           provider=provider), "anomaly_monitor", account)
        pin(CeAnomalySubscription(
            self, "subscription", name=f"landingzone-{account}-anomalies", frequency="DAILY",
            monitor_arn_list=[ref(monitor, "arn")], provider=provider,
            subscriber=[CeAnomalySubscriptionSubscriber(type="EMAIL", address=email) for email in emails],
            threshold_expression=CeAnomalySubscriptionThresholdExpression(
                dimension=CeAnomalySubscriptionThresholdExpressionDimension(
                    key="ANOMALY_TOTAL_IMPACT_ABSOLUTE", match_options=["GREATER_THAN_OR_EQUAL"],
                    values=[_amount(budget.anomaly_threshold_usd)]))), "anomaly_subscription", account)
