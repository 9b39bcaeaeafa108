#!/usr/bin/env python3
"""exchangelib, unchanged, sending, finding and reading mail through the Exchange fake that
`mailconform serve` runs on a real socket: the item operations (CreateItem, FindItem, UpdateItem).

Usage: python3 tests/interop/ews_exchangelib_items.py <state-dir>

<state-dir> is the directory `mailconform serve --state-dir` wrote: ca.pem and endpoints.json.
Alice sends bob a message with `Message(...).send_and_save()` (CreateItem, SendAndSaveCopy);
bob finds it with `inbox.filter(subject=...)` (FindItem with an IsEqualTo restriction) and in
`inbox.all().only('subject', 'is_read')`, marks it read with
`item.save(update_fields=['is_read'])` (UpdateItem of message:IsRead), and his inbox's unread
count (GetFolder, after `refresh()`) goes up by one on arrival and down by one on reading. Alice
finds her copy in Sent Items. It prints one JSON line and exits 0, or says what went wrong and
exits 1 (2 for bad usage, 3 for missing packages).
"""

import json
import sys
import time
import uuid

sys.dont_write_bytecode = True
from served import Failure, clients, journal, load_role, main, trust_run_ca_in_exchangelib  # noqa: E402

with clients():
    from exchangelib import DELEGATE, Account, Configuration, Credentials, Mailbox, Message

ALICE = ("alice", "alice-pw", "alice@example.test")
BOB = ("bob", "bob-pw", "bob@example.test")
ARRIVAL_SECONDS = 10.0


def account(endpoint, who):
    login, password, email = who
    # No auth_type and no version: exchangelib probes both, as it does against a real server.
    config = Configuration(service_endpoint=endpoint, credentials=Credentials(login, password))
    return Account(primary_smtp_address=email, config=config, autodiscover=False, access_type=DELEGATE)


def check(state_dir):
    ca, exchange = load_role(state_dir, "exchange")
    trust_run_ca_in_exchangelib(ca)
    endpoint = exchange["base_url"].rstrip("/") + "/EWS/Exchange.asmx"
    alice, bob = account(endpoint, ALICE), account(endpoint, BOB)

    inbox = bob.inbox
    unread_before, total_before = inbox.unread_count, inbox.total_count
    if unread_before is None or total_before is None:
        raise Failure(f"GetFolder(inbox) gave unread_count={unread_before!r} total_count={total_before!r}; expected integers")

    subject = f"interop: exchangelib items {uuid.uuid4().hex[:8]} & <more>"
    sent = Message(account=alice, subject=subject, body="Sent by exchangelib through the fake.", to_recipients=[Mailbox(email_address=BOB[2])])
    sent.send_and_save()

    # Real Exchange hands the message to transport; it arrives a moment later. Poll as a client would.
    found, deadline = [], time.monotonic() + ARRIVAL_SECONDS
    while not found and time.monotonic() < deadline:
        found = list(inbox.filter(subject=subject).only("subject", "is_read"))
        if not found:
            time.sleep(0.2)
    if len(found) != 1:
        raise Failure(f"bob's inbox.filter(subject={subject!r}) found {len(found)} items within {ARRIVAL_SECONDS:.0f} s; expected 1")
    item = found[0]
    found_is_read = item.is_read
    if item.subject != subject or found_is_read is not False:
        raise Failure(f"FindItem gave subject={item.subject!r} is_read={item.is_read!r}; expected {subject!r} and False")
    listed = [(i.subject, i.is_read) for i in inbox.all().only("subject", "is_read")]
    if (subject, False) not in listed:
        raise Failure(f"inbox.all().only('subject', 'is_read') does not list ({subject!r}, False): {listed}")

    inbox.refresh()
    unread_after_send, total_after_send = inbox.unread_count, inbox.total_count

    changekey_before = item.changekey
    item.is_read = True
    item.save(update_fields=["is_read"])
    changekey_changed = item.changekey != changekey_before

    inbox.refresh()
    unread_after_read = inbox.unread_count
    reread = list(inbox.filter(subject=subject).only("is_read"))
    is_read_after = reread[0].is_read if len(reread) == 1 else None

    sent_copies = [(m.subject, m.is_read) for m in alice.sent.filter(subject=subject).only("subject", "is_read")]

    operations = sorted({r["operation"] for r in journal(ca, f"{exchange['control_url']}/requests")})

    print(
        json.dumps(
            {
                "client": "exchangelib",
                "ok": True,
                "version": str(bob.version.api_version),
                "subject": subject,
                "unread_before": unread_before,
                "total_before": total_before,
                "unread_after_send": unread_after_send,
                "total_after_send": total_after_send,
                "found_is_read": found_is_read,
                "listed": (subject, False) in listed,
                "changekey_changed": changekey_changed,
                "unread_after_read": unread_after_read,
                "is_read_after": is_read_after,
                "sent_copies": sent_copies,
                "operations": operations,
            }
        )
    )


if __name__ == "__main__":
    main("exchangelib", check)
