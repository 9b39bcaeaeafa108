#!/usr/bin/env python3
"""Third-party EWS clients, unchanged, through the SEG V2 fake to the Exchange fake.

Usage: python3 tests/interop/seg_proxy.py <state-dir>

`mailconform serve exchange seg --ews-auth ntlm,basic --state-dir <state-dir>` must be running:
Exchange offers NTLM and Basic, and the served SEG proxies EWS with
remove.unsupported.auth.for.ews=true (no console served, so no compliance check). Through SEG
an unauthenticated request must be offered Basic only; requests with Basic authentication and
exchangelib with auth_type=BASIC read the inbox through it; requests-ntlm, a client without
Basic, gets its 401 back untouched. Prints one JSON line and exits 0, or says what went wrong
and exits 1 (2 for bad usage, 3 for missing packages).
"""

import json
import sys

sys.dont_write_bytecode = True
from served import Failure, clients, control, journal, load_role, main, trust_run_ca_in_exchangelib  # noqa: E402

with clients():
    import requests
    from requests_ntlm import HttpNtlmAuth
    from exchangelib import BASIC, DELEGATE, Account, Configuration, Credentials

from ews_ntlm import EMAIL, GET_FOLDER  # noqa: E402

LOGIN, PASSWORD = "alice", "alice-pw"
HEADERS = {"Content-Type": "text/xml; charset=utf-8"}


def session(ca, auth=None):
    s = requests.Session()
    s.trust_env = False
    s.verify = ca
    s.auth = auth
    return s


def check(state_dir):
    ca, seg = load_role(state_dir, "seg")
    endpoint = seg["base_url"].rstrip("/") + "/EWS/Exchange.asmx"

    probe = session(ca).post(endpoint, data=GET_FOLDER, headers=HEADERS, timeout=30)
    offered = [v.split()[0] for v in probe.raw.headers.getlist("WWW-Authenticate")]
    if probe.status_code != 401 or offered != ["Basic"]:
        raise Failure(f"through SEG an unauthenticated request got {probe.status_code} offering {offered}; expected 401 offering Basic only")

    basic = session(ca, requests.auth.HTTPBasicAuth(LOGIN, PASSWORD)).post(endpoint, data=GET_FOLDER, headers=HEADERS, timeout=30)
    if basic.status_code != 200 or "ResponseCode>NoError<" not in basic.text:
        raise Failure(f"Basic through SEG answered {basic.status_code}: {basic.text[:400]}")

    ntlm = session(ca, HttpNtlmAuth("EXAMPLE\\" + LOGIN, PASSWORD)).post(endpoint, data=GET_FOLDER, headers=HEADERS, timeout=30)
    if ntlm.status_code != 401:
        raise Failure(f"requests-ntlm through SEG got {ntlm.status_code}; with NTLM removed it must get the 401 back")

    trust_run_ca_in_exchangelib(ca)
    config = Configuration(service_endpoint=endpoint, credentials=Credentials(LOGIN, PASSWORD), auth_type=BASIC)
    inbox = Account(primary_smtp_address=EMAIL, config=config, autodiscover=False, access_type=DELEGATE).inbox
    if inbox.total_count is None:
        raise Failure("exchangelib through SEG read no inbox count")

    log = journal(ca, f"{seg['control_url']}/requests")
    if not log or any(r.get("service") != "ews" for r in log):
        raise Failure(f"SEG's log does not show the EWS requests: {log}")
    removed = sorted({c for r in log for c in r.get("removed_challenges", [])})

    print(json.dumps({
        "client": "requests+requests-ntlm+exchangelib through SEG",
        "ok": True,
        "offered": offered,
        "basic": basic.status_code,
        "ntlm_without_basic": ntlm.status_code,
        "exchangelib_total": inbox.total_count,
        "removed_challenges": removed,
        "seg_requests": len(log),
    }))


if __name__ == "__main__":
    main("seg_proxy", check)
