"""Names the workload's pieces share: object layout, tags, resource names."""

from __future__ import annotations

WORKLOAD = "meeting-recorder"
# Every object lives under the user's prefix; what kind it is, the object tag `type` says. S3 lifecycle filters
# match prefixes literally (`users/*/chunks/` would match only a folder named `*`), so rules select by this tag.
USERS = "users/"
KIND_TAG = "type"
CHUNK, VIDEO, AUDIO, METADATA = "chunk", "video", "audio", "metadata"
CHUNKS, VIDEOS, AUDIO_FOLDER, TRANSCRIPTS, SUMMARIES = "chunks", "videos", "audio", "transcripts", "summaries"


def user_folder(folder: str) -> str:
    """`users/*/chunks/*`: the ARN pattern (where `*` does match) for one folder, any user."""
    return f"{USERS}*/{folder}/*"


def recordings_prefix(organization: str, account: str) -> str:
    """`acme-recordings-prod-`: the recordings bucket's name up to its account ID."""
    return f"{organization}-recordings-{account}-"


def data_buckets(organization: str) -> tuple[str, ...]:
    """`acme-recordings-`: every account's recordings bucket, and with it their access-log buckets
    (`acme-recordings-access-…`), whose few writes are log deliveries."""
    return (f"{organization}-recordings-",)
