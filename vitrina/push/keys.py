"""The instance's VAPID key pair (RFC 8292): push services accept messages signed with it.

VAPID_PRIVATE_KEY (base64url of the raw 32-byte P-256 private key) in production; otherwise one is
generated once into var/vapid_private_key, as the secret key is, so `make run` needs no set-up.
"""

import base64
from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid02


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _stored_private_key() -> str:
    if settings.VAPID_PRIVATE_KEY:
        return settings.VAPID_PRIVATE_KEY
    path = settings.VAR_DIR / "vapid_private_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        path.write_text(_b64(key.private_numbers().private_value.to_bytes(32, "big")))
        path.chmod(0o600)
    return path.read_text().strip()


@cache
def vapid() -> Vapid02:
    return Vapid02.from_raw(_stored_private_key().encode())


def public_key() -> str:
    """The applicationServerKey a page subscribes with: base64url of the uncompressed public point."""
    return _b64(vapid().public_key.public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint))
