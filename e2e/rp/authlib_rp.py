#!/usr/bin/env python3
"""A relying party built on Authlib + requests, driven by e2e/tests/rp-authlib.test.mjs.

It runs the authorization-code flow with PKCE S256, state and nonce against the provider while
the test's browser does the user's part: discovery, the authorization URL, the code grant, the
ID token checked with ``authlib.jose.jwt.decode`` against the provider's JWKS and
``CodeIDToken.validate()`` (iss, aud, exp, iat, nonce, at_hash), userinfo, introspection,
refresh-token rotation and revocation, all with ``client_secret_basic``.

Usage: authlib_rp.py --issuer URL --client-id ID --redirect-uri URI [--scope SCOPE]
The client secret comes from the CLIENT_SECRET environment variable (argv is visible to ps).

Protocol on stdin/stdout, one JSON object a line:
  -> {"step": "authorize", "url": "..."}    the test opens it in the browser
  <- {"callback": "..."}                     the URL the browser landed on
  -> {"step": "done", "result": {...}}       what the provider answered, for the test to assert
A library error or a failed check prints {"step": "error", ...} and exits with status 1.
"""

import argparse
import base64
import json
import os
import sys
import traceback
import warnings
from urllib.parse import parse_qs, urlparse

import requests
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.core import CodeIDToken

# authlib.jose is Authlib 1.x's documented JOSE API; since 1.7 it warns that it will move to
# joserfc in 2.0. The warning says nothing about this test, so it is silenced here only.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, jwt
    from authlib.jose.errors import BadSignatureError

TIMEOUT = 10


def send(message):
    print(json.dumps(message), flush=True)


def receive():
    line = sys.stdin.readline()
    if not line:
        raise RuntimeError("the test closed stdin")
    return json.loads(line)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def oauth_error(fn):
    """The OAuth error code `fn` is refused with (it must be refused)."""
    try:
        fn()
    except OAuthError as e:
        return e.error
    raise AssertionError("expected the request to be refused")


class RelyingParty:
    def __init__(self, issuer, client_id, client_secret, redirect_uri, scope):
        self.issuer = issuer
        self.client_id = client_id
        r = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT)
        r.raise_for_status()
        self.meta = r.json()
        check(self.meta["issuer"] == issuer, f"discovered issuer {self.meta['issuer']!r} != {issuer!r}")
        check("S256" in self.meta.get("code_challenge_methods_supported", []), "S256 not advertised")
        r = requests.get(self.meta["jwks_uri"], timeout=TIMEOUT)
        r.raise_for_status()
        self.jwks = JsonWebKey.import_key_set(r.json())
        self.session = OAuth2Session(
            client_id,
            client_secret,
            scope=scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic",
        )
        self.session.timeout = TIMEOUT

    def id_token_claims(self, id_token, **params):
        """Verifies the signature against the JWKS and validates the claims (OIDC Core 3.1.3.7)."""
        claims = jwt.decode(
            id_token,
            self.jwks,
            claims_cls=CodeIDToken,
            claims_options={
                "iss": {"essential": True, "value": self.issuer},
                "aud": {"essential": True, "value": self.client_id},
                "sub": {"essential": True},
            },
            claims_params={"client_id": self.client_id, **params},
        )
        claims.validate(leeway=5)
        return dict(claims)

    def tampered_signature_rejected(self, id_token):
        header, payload, signature = id_token.split(".")
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        raw[0] ^= 0xFF
        forged = ".".join([header, payload, base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")])
        try:
            self.id_token_claims(forged)
        except BadSignatureError:
            return True
        return False

    def userinfo(self):
        r = self.session.get(self.meta["userinfo_endpoint"])
        return r.status_code, r.headers.get("WWW-Authenticate"), r.json()

    def introspect(self, token, hint):
        r = self.session.introspect_token(self.meta["introspection_endpoint"], token=token, token_type_hint=hint)
        r.raise_for_status()
        return r.json()

    def refresh(self, refresh_token):
        return self.session.refresh_token(self.meta["token_endpoint"], refresh_token=refresh_token)

    def run(self):
        code_verifier = generate_token(48)
        nonce = generate_token(24)
        url, state = self.session.create_authorization_url(
            self.meta["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce
        )
        send({"step": "authorize", "url": url})
        callback = receive()["callback"]
        query = parse_qs(urlparse(callback).query)
        # RFC 9207 (advertised by the provider): Authlib does not check `iss`, so we do.
        check(query.get("iss") == [self.issuer], f"iss of the authorization response: {query.get('iss')}")

        # Checks `state` against ours, then redeems the code with the PKCE verifier.
        token = self.session.fetch_token(
            self.meta["token_endpoint"], authorization_response=callback, state=state, code_verifier=code_verifier
        )
        first = dict(token)
        claims = self.id_token_claims(first["id_token"], nonce=nonce, access_token=first["access_token"])
        result = {
            "issuer": self.meta["issuer"],
            "state": state,
            "token_type": first["token_type"],
            "scope": first.get("scope"),
            "has_refresh_token": bool(first.get("refresh_token")),
            "id_token_claims": claims,
            "tampered_signature_rejected": self.tampered_signature_rejected(first["id_token"]),
        }
        status, _, info = self.userinfo()
        result["userinfo"] = {"status": status, "claims": info}
        result["introspection"] = self.introspect(first["access_token"], "access_token")

        refreshed = dict(self.refresh(first["refresh_token"]))
        refreshed_claims = None
        if refreshed.get("id_token"):
            refreshed_claims = self.id_token_claims(refreshed["id_token"], access_token=refreshed["access_token"])
        status, _, info = self.userinfo()  # the session now carries the refreshed token
        result["refresh"] = {
            "rotated": refreshed["refresh_token"] != first["refresh_token"],
            "new_access_token": refreshed["access_token"] != first["access_token"],
            "id_token_claims": refreshed_claims,
            "userinfo_status": status,
            "userinfo_sub": info.get("sub"),
        }

        # RFC 7009: revoking the refresh token ends its grant, access tokens included.
        r = self.session.revoke_token(
            self.meta["revocation_endpoint"], token=refreshed["refresh_token"], token_type_hint="refresh_token"
        )
        status, challenge, info = self.userinfo()
        result["revocation"] = {
            "status": r.status_code,
            "introspection_active": self.introspect(refreshed["refresh_token"], "refresh_token")["active"],
            "refresh_error": oauth_error(lambda: self.refresh(refreshed["refresh_token"])),
            "userinfo_status": status,
            "userinfo_www_authenticate": challenge,
            "userinfo_error": info.get("error"),
        }
        # The refresh token rotated out by the refresh is refused as well.
        result["old_refresh_error"] = oauth_error(lambda: self.refresh(first["refresh_token"]))
        send({"step": "done", "result": result})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--scope", default="openid profile email groups")
    args = parser.parse_args()
    secret = os.environ.get("CLIENT_SECRET")
    if not secret:
        parser.error("CLIENT_SECRET must be set")
    try:
        RelyingParty(args.issuer, args.client_id, secret, args.redirect_uri, args.scope).run()
    except Exception as e:  # reported to the test, which fails with it
        send({"step": "error", "type": type(e).__name__, "error": str(e), "traceback": traceback.format_exc()})
        sys.exit(1)


if __name__ == "__main__":
    main()
