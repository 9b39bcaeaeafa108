#!/usr/bin/env python3
"""exchangelib, unchanged, against the Exchange fake that `mailconform serve` runs on a real socket.

Usage: python3 tests/interop/ews_exchangelib.py <state-dir>

<state-dir> is the directory `mailconform serve --state-dir` wrote: ca.pem and endpoints.json.
The script lets exchangelib probe the authentication type and guess the server version,
reads the inbox counts, subscribes the inbox to push notifications with a callback served
here, delivers a message through the fake's control API and waits for a SendNotification
that exchangelib parses into a NewMailEvent and a ModifiedEvent carrying the new unread
count. It prints one JSON line and exits 0, or says what went wrong and exits 1 (2 for bad
usage, 3 for missing packages).
"""

import json
import queue
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True
from served import Failure, clients, control, journal, load_role, main, trust_run_ca_in_exchangelib  # noqa: E402

with clients():
    from exchangelib import DELEGATE, Account, Configuration, Credentials
    from exchangelib.properties import ModifiedEvent, NewMailEvent
    from exchangelib.services import SendNotification

USER = "alice"
PASSWORD = "alice-pw"
EMAIL = "alice@example.test"
WAIT_SECONDS = 10.0


class Callback:
    """The push callback: an HTTP server that parses each POST with exchangelib's SendNotification."""

    def __init__(self):
        self.received = queue.Queue()
        self.errors = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                service = SendNotification(protocol=None)
                try:
                    notifications = list(service.parse(body))
                except Exception as e:  # the fake's body is what is under test
                    outer.errors.append(f"exchangelib could not parse the SendNotification body ({type(e).__name__}: {e}); body: {body[:2000]!r}")
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                for n in notifications:
                    outer.received.put(n)
                reply = service.ok_payload()
                self.send_response(200)
                self.send_header("Content-Type", "text/xml; charset=utf-8")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def check(state_dir):
    ca, exchange = load_role(state_dir, "exchange")

    trust_run_ca_in_exchangelib(ca)

    endpoint = exchange["base_url"].rstrip("/") + "/EWS/Exchange.asmx"
    # No auth_type and no version: exchangelib probes both, as it does against a real server.
    config = Configuration(service_endpoint=endpoint, credentials=Credentials(USER, PASSWORD))
    account = Account(primary_smtp_address=EMAIL, config=config, autodiscover=False, access_type=DELEGATE)

    inbox = account.inbox
    unread_before, total_before = inbox.unread_count, inbox.total_count
    if unread_before is None or total_before is None:
        raise Failure(f"GetFolder(inbox) gave unread_count={unread_before!r} total_count={total_before!r}; expected integers")

    callback = Callback()
    try:
        subscription_id, watermark = inbox.subscribe_to_push(callback.url, status_frequency=1)
        if not subscription_id or not watermark:
            raise Failure(f"Subscribe answered subscription_id={subscription_id!r} watermark={watermark!r}")

        subs = control(ca, f"{exchange['control_url']}/subscriptions")
        if not any(subscription_id in json.dumps(s) for s in subs):
            raise Failure(f"the fake lists no subscription {subscription_id} after Subscribe: {subs}")

        delivered = control(ca, f"{exchange['control_url']}/mailboxes/{EMAIL}/messages", {"subject": "interop: exchangelib push"})
        expected_unread = unread_before + 1

        new_mail, modified, seen = None, None, []
        deadline = time.monotonic() + WAIT_SECONDS
        while not (new_mail and modified) and time.monotonic() < deadline:
            if callback.errors:
                raise Failure(callback.errors[0])
            try:
                n = callback.received.get(timeout=max(0.0, min(0.25, deadline - time.monotonic())))
            except queue.Empty:
                continue
            if n.subscription_id != subscription_id:
                raise Failure(f"a notification for subscription {n.subscription_id!r} arrived; subscribed as {subscription_id!r}")
            for e in n.events:
                seen.append(f"{type(e).__name__}(unread_count={getattr(e, 'unread_count', None)})")
                if isinstance(e, NewMailEvent):
                    new_mail = e
                elif isinstance(e, ModifiedEvent) and e.unread_count is not None:
                    if e.unread_count == expected_unread:
                        modified = e
        if callback.errors:
            raise Failure(callback.errors[0])
        if not new_mail or not modified:
            deliveries = journal(ca, f"{exchange['control_url']}/deliveries")
            raise Failure(
                f"within {WAIT_SECONDS:.0f} s the callback saw events {seen or 'none'}; expected a NewMailEvent and a "
                f"ModifiedEvent with unread_count={expected_unread}. The fake's deliveries: {deliveries}"
            )

        inbox.refresh()
        if (inbox.unread_count, inbox.total_count) != (expected_unread, total_before + 1):
            raise Failure(
                f"after delivery GetFolder(inbox) gave unread={inbox.unread_count} total={inbox.total_count}; "
                f"expected unread={expected_unread} total={total_before + 1}"
            )

        outcomes = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            outcomes = [d for d in journal(ca, f"{exchange['control_url']}/deliveries") if d.get("subscription_id") == subscription_id]
            if any(d.get("outcome") == "ok" for d in outcomes):
                break
            time.sleep(0.1)
        else:
            raise Failure(f"the fake recorded no delivery with outcome `ok` for {subscription_id}: {outcomes}")
    finally:
        callback.close()

    print(
        json.dumps(
            {
                "client": "exchangelib",
                "ok": True,
                "auth_type": account.protocol.auth_type,
                "version": str(account.version.api_version),
                "unread_before": unread_before,
                "unread_after": expected_unread,
                "subscription_id": subscription_id,
                "item_id": delivered.get("item_id"),
                "events": seen,
            }
        )
    )


if __name__ == "__main__":
    main("exchangelib", check)
