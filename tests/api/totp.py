"""A TOTP generator (RFC 6238 over RFC 4226's HOTP, HMAC-SHA-1) for the
tests, checked against RFC 6238's own test vectors in test_twofactor."""

import base64
import hashlib
import hmac
import struct
import time

STEP = 30


def hotp(key, counter, digits=6):
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def totp(key, t=None, digits=6):
    """The code of key (bytes) at Unix time t (default now)."""
    return hotp(key, int((time.time() if t is None else t) // STEP), digits)


def b32key(secret):
    """The key bytes of a base32 secret as the API gives it."""
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def step_now():
    return int(time.time() // STEP)


def mid_step(margin=6):
    """Wait until the current step has margin seconds left (so that the
    server and the test agree on the step); return that step."""
    left = STEP - time.time() % STEP
    if left < margin:
        time.sleep(left + 0.2)
    return step_now()


def code_at(secret, step):
    return hotp(b32key(secret), step)
