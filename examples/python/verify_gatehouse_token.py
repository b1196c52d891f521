"""Verify a Gatehouse access token with nothing but its JWKS URL (PyJWT >= 2, with cryptography).

    pip install "pyjwt[crypto]"
    GATEHOUSE_URL=http://localhost:3000 python3 verify_gatehouse_token.py "$TOKEN"

Prints the token's claims as JSON, or exits 1 with the reason it was refused.
"""
import json
import os
import sys

import jwt

GATEHOUSE_URL = os.environ.get("GATEHOUSE_URL", "http://localhost:3000")

# One client per process: it caches the key set (and re-fetches for a kid it does not know).
jwks_client = jwt.PyJWKClient(f"{GATEHOUSE_URL}/.well-known/jwks.json", lifespan=300)


def verify(token: str) -> dict:
    signing_key = jwks_client.get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        signing_key.key,
        # Only Gatehouse's asymmetric algorithms: never HS256, never none.
        algorithms=["ES256", "EdDSA"],
        issuer="gatehouse",
        audience="gatehouse-api",
        options={"require": ["exp", "iat", "sub"]},
    )


if __name__ == "__main__":
    try:
        print(json.dumps(verify(sys.argv[1])))
    except (jwt.PyJWTError, IndexError) as error:
        print(f"refused: {error}", file=sys.stderr)
        sys.exit(1)
