"""Signs a made-up super-app user in on a running server, the way a host does (README, "Host
tokens"), and prints the session's `Cookie` header value: schemathesis sends it, so that the
member's operations are fuzzed past their sign-in.

    python3 tests/api/sign-in.py http://127.0.0.1:8080 demo-host-secret
"""

import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.request


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def host_token(secret: str) -> str:
    claims = {"host": "wechat", "user": "api-fuzz", "name": "Fuzz", "exp": int(time.time()) + 3600}
    signed = "v1." + b64url(json.dumps(claims).encode())
    mac = hmac.new(secret.encode(), signed.encode(), hashlib.sha256).digest()
    return signed + "." + b64url(mac)


def main() -> None:
    server, secret = sys.argv[1], sys.argv[2]
    request = urllib.request.Request(
        server + "/api/v1/auth/host-token",
        data=json.dumps({"token": host_token(secret)}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        cookie = answer.headers["Set-Cookie"]
    if not cookie:
        sys.exit("sign-in: no session cookie in the answer")
    print(cookie.split(";", 1)[0])


if __name__ == "__main__":
    main()
