"""A real S3 API on loopback for the object-storage tests: moto's server in a subprocess.

``S3Server.start()`` runs ``python -m moto.server`` on a free port of 127.0.0.1 and waits until
it answers; each test gets a bucket of its own (``make_bucket``), so what a test leaves in it
can be listed exactly.
"""

import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass

import boto3

REGION = "us-east-1"
KEY_ID = "savad-test"
SECRET = "savad-test-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    process: subprocess.Popen
    endpoint: str

    @classmethod
    def start(cls, *, timeout: float = 30.0) -> "S3Server":
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError("moto.server exited at once (is moto[server] installed?)")
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()  # noqa: S310
                return cls(process, endpoint)
            except OSError:
                time.sleep(0.1)
        process.kill()
        raise RuntimeError(f"moto.server did not answer on {endpoint} within {timeout} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )

    def make_bucket(self) -> str:
        name = f"savad-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        """Every object key in ``bucket`` (any prefix)."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def storage_url(self, bucket: str) -> str:
        return f"s3://{bucket}?endpoint_url={self.endpoint}&region={REGION}"

    def environment(self, bucket: str) -> dict[str, str]:
        """The variables that point Savad at ``bucket``."""
        return {
            "MEDIA_STORAGE_URL": self.storage_url(bucket),
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET,
        }
