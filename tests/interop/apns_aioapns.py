#!/usr/bin/env python3
"""aioapns, unchanged, against the APNs fake that `mailconform serve` runs on a real socket.

Usage: python3 tests/interop/apns_aioapns.py <state-dir>

<state-dir> is the directory `mailconform serve --state-dir` wrote: ca.pem, endpoints.json and
apns/ (provider certificate and key, the team's .p8 signing key and token.json). aioapns has no
host or port option: its protocol classes' APNS_SERVER and APNS_PORT class attributes are set
to the fake's address, and an ssl_context trusting the run's CA is passed in. Both modes are run:
certificate (TLS client certificate) and token (ES256 JWT). Each registers a device through the
fake's control API, pushes {"aps":{"badge":3}}, checks the device received it, and pushes to the
bad token "abc", expecting 400 BadDeviceToken. Prints one JSON line and exits 0, or says what
went wrong and exits 1 (2 for bad usage, 3 for missing packages).
"""

import asyncio
import json
import os
import ssl
import sys
import tempfile
import urllib.parse
import uuid

sys.dont_write_bytecode = True
from served import Failure, clients, control, journal, load_role, main  # noqa: E402

with clients():
    from aioapns import APNs, NotificationRequest
    from aioapns import connection as aioapns_connection

BUNDLE_ID = "com.example.securemail"
BADGE = 3


async def expected_errors(request, result):
    """aioapns' err_func: rejected pushes are checked by the caller, not logged."""


def load_state(state_dir):
    apns_dir = os.path.join(state_dir, "apns")
    token_file = os.path.join(apns_dir, "token.json")
    ca, apns_role = load_role(state_dir, "apns", required=(token_file,))
    with open(token_file) as f:
        token = json.load(f)
    return ca, apns_role, apns_dir, token


def point_aioapns_at(base_url):
    """aioapns connects to protocol_class.APNS_SERVER:APNS_PORT; both are class attributes."""
    u = urllib.parse.urlsplit(base_url)
    if u.scheme != "https" or not u.hostname or not u.port:
        raise Failure(f"the apns base_url {base_url!r} is not https://HOST:PORT")
    for cls in (aioapns_connection.APNsProductionClientProtocol, aioapns_connection.APNsDevelopmentClientProtocol):
        cls.APNS_SERVER = u.hostname
    aioapns_connection.APNsTLSClientProtocol.APNS_PORT = u.port


async def exercise(mode, client, ca, apns_role):
    """Push a badge to a registered device and to a bad token; return a summary."""
    token = control(ca, f"{apns_role['control_url']}/devices", {"bundle_id": BUNDLE_ID}).get("token")
    if not token:
        raise Failure(f"[{mode}] POST /devices answered without a token")

    request = NotificationRequest(device_token=token, message={"aps": {"badge": BADGE}}, notification_id=str(uuid.uuid4()))
    result = await asyncio.wait_for(client.send_notification(request), timeout=20)
    if not result.is_successful:
        raise Failure(f"[{mode}] push to a registered device: status {result.status} reason {result.description!r}; expected 200")
    if result.notification_id and result.notification_id.lower() != request.notification_id.lower():
        raise Failure(f"[{mode}] apns-id {result.notification_id!r} differs from the one sent, {request.notification_id!r}")

    got = control(ca, f"{apns_role['control_url']}/devices/{token}/notifications?after=0&wait_ms=2000")
    notes = got.get("notifications") or []
    badges = [((n.get("payload") or {}).get("aps") or {}).get("badge") for n in notes if isinstance(n.get("payload"), dict)]
    if BADGE not in badges:
        raise Failure(f"[{mode}] the device's notifications do not carry badge {BADGE}: {notes}")
    if any(n.get("topic") != BUNDLE_ID for n in notes):
        raise Failure(f"[{mode}] a notification arrived with a topic other than {BUNDLE_ID}: {notes}")

    bad = NotificationRequest(device_token="abc", message={"aps": {"badge": BADGE}}, notification_id=str(uuid.uuid4()))
    bad_result = await asyncio.wait_for(client.send_notification(bad), timeout=20)
    if bad_result.is_successful or bad_result.description != "BadDeviceToken":
        raise Failure(f"[{mode}] push to token 'abc': status {bad_result.status} reason {bad_result.description!r}; expected 400 BadDeviceToken")

    log = journal(ca, f"{apns_role['control_url']}/log")
    for apns_id, status in ((result.notification_id, 200), (bad_result.notification_id, 400)):
        entry = next((e for e in log if apns_id and e.get("apns_id", "").lower() == apns_id.lower()), None)
        if entry is None or entry.get("auth") != mode or entry.get("status") != status:
            raise Failure(f"[{mode}] the fake's log entry for apns-id {apns_id} is {entry}; expected auth {mode!r} and status {status}")

    return {"mode": mode, "status": result.status, "apns_id": result.notification_id, "bad_token": [bad_result.status, bad_result.description], "received": len(notes)}


async def certificate_mode(ca, apns_role, apns_dir):
    with tempfile.TemporaryDirectory() as tmp:
        client_cert = os.path.join(tmp, "provider.pem")
        with open(client_cert, "w") as out:
            for part in ("provider-cert.pem", "provider-key.pem"):
                with open(os.path.join(apns_dir, part)) as f:
                    out.write(f.read().rstrip("\n") + "\n")
        # aioapns loads client_cert into this context itself (load_cert_chain), and takes the
        # topic from the certificate's subject UID since none is given.
        ctx = ssl.create_default_context(cafile=ca)
        client = APNs(client_cert=client_cert, ssl_context=ctx, use_sandbox=False, max_connection_attempts=2, err_func=expected_errors)
        try:
            if client.pool.apns_topic != BUNDLE_ID:
                raise Failure(f"[certificate] aioapns read topic {client.pool.apns_topic!r} from the provider certificate's UID; expected {BUNDLE_ID!r}")
            return await exercise("certificate", client, ca, apns_role)
        finally:
            client.pool.close()


async def token_mode(ca, apns_role, apns_dir, token):
    with open(os.path.join(apns_dir, token["key_file"])) as f:
        key = f.read()
    ctx = ssl.create_default_context(cafile=ca)
    client = APNs(key=key, key_id=token["key_id"], team_id=token["team_id"], topic=token.get("topic", BUNDLE_ID), ssl_context=ctx, use_sandbox=False, max_connection_attempts=2, err_func=expected_errors)
    try:
        return await exercise("token", client, ca, apns_role)
    finally:
        client.pool.close()


async def run(state_dir):
    ca, apns_role, apns_dir, token = load_state(state_dir)
    point_aioapns_at(apns_role["base_url"])
    results = [await certificate_mode(ca, apns_role, apns_dir), await token_mode(ca, apns_role, apns_dir, token)]
    print(json.dumps({"client": "aioapns", "ok": True, "server": apns_role["base_url"], "modes": results}))


if __name__ == "__main__":
    main("aioapns", lambda state_dir: asyncio.run(run(state_dir)))
