"""Exchange a Firebase ID token for short-lived AWS credentials scoped to the caller's own S3 prefix.

Runs behind a Lambda Function URL (payload format 2.0). The claims are checked here only to refuse
obvious junk cheaply; the signature is verified by STS (AssumeRoleWithWebIdentity against the
Firebase OIDC provider), so no crypto library is needed. Self-contained: zipped alone as the code.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import math
import os
import re
import time
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)
# botocore's DEBUG output includes request parameters, i.e. the WebIdentityToken; keep it out of the
# logs even if someone turns the function's log level up.
logging.getLogger("botocore").setLevel(logging.WARNING)

HEADERS = {"content-type": "application/json", "cache-control": "no-store"}
CLOCK_SKEW = 60
SESSION_MIN, SESSION_MAX, SESSION_DEFAULT = 900, 43200, 3600
# STS's own pattern. ASCII only: Python's \w would otherwise accept letters STS rejects, and \Z
# because $ would accept a trailing newline.
SESSION_NAME = re.compile(r"\A[\w+=,.@-]{2,64}\Z", re.ASCII)
STATUS_FOR_STS_ERROR = {
    "InvalidIdentityToken": 401,
    "ExpiredTokenException": 401,
    "IDPRejectedClaim": 401,
    "AccessDenied": 403,
}

_sts_client = None


class Refused(Exception):
    """A request we answer with an error status; `message` is safe to show the caller."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _sts() -> Any:
    # Created on first use, not at import, so tests can point AWS_ENDPOINT_URL somewhere first.
    global _sts_client
    if _sts_client is None:
        _sts_client = boto3.client("sts")
    return _sts_client


def _response(status: int, payload: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": status, "headers": dict(HEADERS), "body": json.dumps(payload)}


def _config() -> tuple[str, str, int]:
    role_arn = os.environ.get("APP_ROLE_ARN", "")
    project = os.environ.get("FIREBASE_PROJECT_ID", "")
    raw_seconds = os.environ.get("SESSION_SECONDS", str(SESSION_DEFAULT))
    try:
        seconds = int(raw_seconds)
    except ValueError:
        seconds = 0
    if not role_arn or not project or not SESSION_MIN <= seconds <= SESSION_MAX:
        LOG.error("misconfigured: APP_ROLE_ARN and FIREBASE_PROJECT_ID are required, SESSION_SECONDS 900..43200")
        raise Refused(500, "server misconfigured")
    return role_arn, project, seconds


def _method(event: dict[str, Any]) -> str:
    http = (event.get("requestContext") or {}).get("http") or {}
    return str(http.get("method", "")).upper()


def _token_from_body(event: dict[str, Any]) -> str:
    body = event.get("body") or ""
    try:
        if event.get("isBase64Encoded"):
            body = base64.b64decode(body, validate=True).decode("utf-8")
        payload = json.loads(body)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Refused(400, "body must be a JSON object") from None
    if not isinstance(payload, dict):
        raise Refused(400, "body must be a JSON object")
    unexpected = sorted(set(payload) - {"token"})
    if unexpected:
        raise Refused(400, "unexpected keys: " + ", ".join(unexpected))
    token = payload.get("token")
    if not isinstance(token, str) or not token:
        raise Refused(400, "token must be a non-empty string")
    return token


def _b64url_json(segment: str) -> dict[str, Any]:
    padded = segment + "=" * (-len(segment) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _decode(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise Refused(401, "malformed token")
    try:
        return _b64url_json(parts[0]), _b64url_json(parts[1])
    except (binascii.Error, UnicodeError, ValueError):
        raise Refused(401, "malformed token") from None


def _is_time(value: Any) -> bool:
    # json.loads accepts NaN and Infinity, and NaN compares false both ways, so it would pass any bound.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_claims(header: dict[str, Any], claims: dict[str, Any], project: str) -> str:
    """The Firebase UID (`sub`) if the unverified claims could possibly pass STS; refuse otherwise."""
    now = time.time()
    if header.get("alg") != "RS256":
        raise Refused(401, "unsupported token algorithm")
    if claims.get("iss") != f"https://securetoken.google.com/{project}" or claims.get("aud") != project:
        raise Refused(401, "token is not for this application")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not _is_time(exp) or not _is_time(iat) or exp <= now - CLOCK_SKEW or iat > now + CLOCK_SKEW:
        raise Refused(401, "token expired or not yet valid")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise Refused(401, "token has no subject")
    # Never shorten or rewrite: two users would then share a session name, and with it an S3 prefix.
    if not SESSION_NAME.match(sub):
        raise Refused(403, "user id cannot be used as a session name")
    return sub


def _assume(role_arn: str, sub: str, token: str, seconds: int) -> dict[str, Any]:
    try:
        return _sts().assume_role_with_web_identity(
            RoleArn=role_arn, RoleSessionName=sub, WebIdentityToken=token, DurationSeconds=seconds
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        # The code alone: AWS's message text can quote the token or its claims back.
        LOG.warning("AssumeRoleWithWebIdentity refused: %s", code)
        status = STATUS_FOR_STS_ERROR.get(code, 502)
        raise Refused(status, "token rejected" if status < 500 else "credential service error") from None
    except BotoCoreError as error:
        LOG.warning("AssumeRoleWithWebIdentity failed: %s", type(error).__name__)
        raise Refused(502, "credential service error") from None


def _credentials_for(sub: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The 200 body, only if STS bound the session to the verified UID and nothing else."""
    arn = (answer.get("AssumedRoleUser") or {}).get("Arn", "")
    if answer.get("SubjectFromWebIdentityToken") != sub or not arn.endswith("/" + sub):
        LOG.error("STS session does not match the token subject; refusing to hand out credentials")
        raise Refused(403, "session does not match the token subject")
    creds = answer["Credentials"]
    return {
        "accessKeyId": creds["AccessKeyId"],
        "secretAccessKey": creds["SecretAccessKey"],
        "sessionToken": creds["SessionToken"],
        "expiration": creds["Expiration"].isoformat(),
        "prefix": f"users/{sub}/",
    }


def _exchange(event: dict[str, Any]) -> dict[str, Any]:
    if _method(event) != "POST":
        raise Refused(405, "method not allowed")
    role_arn, project, seconds = _config()
    token = _token_from_body(event)
    header, claims = _decode(token)
    sub = _check_claims(header, claims, project)
    answer = _assume(role_arn, sub, token, seconds)
    body = _credentials_for(sub, answer)
    LOG.info("issued credentials for session %s", sub)
    return body


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        return _response(200, _exchange(event))
    except Refused as refusal:
        return _response(refusal.status, {"error": refusal.message})
