"""Trust policies that several constructs give their roles."""

from __future__ import annotations


def service_trust(service: str, account_id: str) -> dict[str, object]:
    """`service` may assume the role only while acting for `account_id`: aws:SourceAccount stops another
    account's use of the same service from borrowing the role (the confused deputy)."""
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]}
