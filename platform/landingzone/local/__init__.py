"""Local deployment: the landing zone applied to moto on a loopback port, verified with boto3, re-planned."""
