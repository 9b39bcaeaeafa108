#!/usr/bin/env python3
"""Third-party NTLM clients, unchanged, against the Exchange fake with NTLM on its EWS directory.

Usage: python3 tests/interop/ews_ntlm.py <state-dir>

`mailconform serve exchange --ews-auth ntlm --state-dir <state-dir>` must be running: EWS then
offers NTLM only, so nothing can fall back to Basic. The script authenticates with
requests-ntlm (pyspnego's NTLM under the hood) and sends a GetFolder for the inbox, checks that
the keep-alive connection stays authenticated for the next request, then lets exchangelib with
auth_type=NTLM read the inbox counts. With a wrong password both must be refused (401 and
UnauthorizedError). It checks through the fake's control API that the requests were
authenticated by NTLM. It prints one JSON line and exits 0, or says what went wrong and exits 1
(2 for bad usage, 3 for missing packages).
"""

import json
import sys

sys.dont_write_bytecode = True
from served import Failure, clients, control, journal, load_role, main, trust_run_ca_in_exchangelib  # noqa: E402

with clients():
    import requests
    from requests_ntlm import HttpNtlmAuth
    from exchangelib import DELEGATE, NTLM, Account, Configuration, Credentials
    from exchangelib.errors import UnauthorizedError

USER = "EXAMPLE\\alice"
PASSWORD = "alice-pw"
EMAIL = "alice@example.test"

GET_FOLDER = """<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
               xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
               xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header><t:RequestServerVersion Version="Exchange2013"/></soap:Header>
  <soap:Body>
    <m:GetFolder>
      <m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape>
      <m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds>
    </m:GetFolder>
  </soap:Body>
</soap:Envelope>"""


def with_requests_ntlm(ca, endpoint, password):
    """Two GetFolder requests on one session; returns (first, second) responses."""
    session = requests.Session()
    session.trust_env = False
    session.verify = ca
    session.auth = HttpNtlmAuth(USER, password)
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    first = session.post(endpoint, data=GET_FOLDER, headers=headers, timeout=30)
    second = session.post(endpoint, data=GET_FOLDER, headers=headers, timeout=30) if first.status_code == 200 else None
    return first, second


def with_exchangelib(ca, endpoint, password):
    trust_run_ca_in_exchangelib(ca)
    config = Configuration(service_endpoint=endpoint, credentials=Credentials(USER, password), auth_type=NTLM)
    account = Account(primary_smtp_address=EMAIL, config=config, autodiscover=False, access_type=DELEGATE)
    inbox = account.inbox
    return account, inbox.unread_count, inbox.total_count


def check(state_dir):
    ca, exchange = load_role(state_dir, "exchange")
    endpoint = exchange["base_url"].rstrip("/") + "/EWS/Exchange.asmx"

    probe = requests.post(endpoint, data=GET_FOLDER, verify=ca, timeout=30, proxies={"https": None, "http": None})
    offered = probe.headers.get("WWW-Authenticate", "")
    if probe.status_code != 401 or offered.strip().upper() != "NTLM":
        raise Failure(f"without credentials EWS answered {probe.status_code} with WWW-Authenticate {offered!r}; expected 401 and NTLM only (is serve running with --ews-auth ntlm?)")

    first, second = with_requests_ntlm(ca, endpoint, PASSWORD)
    if first.status_code != 200 or "DistinguishedFolderId" in first.text or "ResponseCode>NoError<" not in first.text:
        raise Failure(f"requests-ntlm GetFolder answered {first.status_code}: {first.text[:600]}")
    if second is None or second.status_code != 200:
        raise Failure(f"the second GetFolder on the authenticated session answered {getattr(second, 'status_code', None)}")
    legs = [r.status_code for r in first.history]

    wrong, _ = with_requests_ntlm(ca, endpoint, "not-" + PASSWORD)
    if wrong.status_code != 401:
        raise Failure(f"requests-ntlm with a wrong password got {wrong.status_code}; expected 401")

    account, unread, total = with_exchangelib(ca, endpoint, PASSWORD)
    if unread is None or total is None:
        raise Failure(f"exchangelib GetFolder(inbox) gave unread={unread!r} total={total!r}")
    if account.protocol.auth_type != NTLM:
        raise Failure(f"exchangelib used {account.protocol.auth_type!r}, not NTLM")

    try:
        with_exchangelib(ca, endpoint, "not-" + PASSWORD)
    except UnauthorizedError:
        refused = True
    else:
        raise Failure("exchangelib with a wrong password read the inbox")

    records = journal(ca, f"{exchange['control_url']}/requests")
    methods = sorted({r.get("auth") for r in records})
    if not records or methods != ["ntlm"]:
        raise Failure(f"the fake recorded requests authenticated by {methods}; expected only ntlm: {records}")

    print(json.dumps({
        "client": "requests-ntlm+exchangelib",
        "ok": True,
        "offered": offered,
        "requests_ntlm_legs": legs,
        "second_request": second.status_code,
        "wrong_password": wrong.status_code,
        "exchangelib_auth_type": account.protocol.auth_type,
        "exchangelib_unread": unread,
        "exchangelib_total": total,
        "exchangelib_wrong_password_refused": refused,
        "recorded_requests": len(records),
        "recorded_auth": methods,
    }))


if __name__ == "__main__":
    main("requests-ntlm", check)
