#!/usr/bin/env python3
"""pyactivesync against the ActiveSync fakes that `mailconform serve` runs on real sockets.

Usage: python3 tests/interop/eas_pyactivesync.py <state-dir>

<state-dir> is the directory `mailconform serve --state-dir` wrote: ca.pem and endpoints.json.
The script runs against each of the `exchange` and `traveler` roles found there (at least one
is needed). For each one it sends OPTIONS and checks the versions and commands offered, lets
pyactivesync provision the device (both phases), list the folders with FolderSync and sync the
Inbox to its current state, then holds a Ping on the Inbox while a message is delivered through
the fake's control API, and syncs again until that message's subject arrives.

pyactivesync has no OPTIONS call and speaks only EAS 16.1, so:
- OPTIONS is sent with `requests`, with the same credentials, to the URL pyactivesync uses;
- Traveler offers 16.1 and is used as pyactivesync expects. Configured as recommended
  (NTS_AS_ENFORCE_POLICY=false) it has no device policy and answers Provision with Policy
  Status 2 and no PolicyKey, which pyactivesync 0.17.0 does not accept (ProvisionError). The
  script records that answer, then sets NTS_AS_ENFORCE_POLICY=true through the control API
  (Traveler's own default) and runs the whole flow with Traveler's policy;
- Exchange (profile Exchange 2013) offers up to 14.1 and refuses other versions with HTTP 400.
  pyactivesync's version is a module constant, `pyactivesync._http._EAS_PROTOCOL_VERSION`;
  the script sets it to 14.1 when 16.1 is not offered. The request bodies pyactivesync builds
  for Provision (with settings:DeviceInformation), FolderSync, Sync and Ping are valid 14.1.

The run's CA is trusted through REQUESTS_CA_BUNDLE and proxies are bypassed for the fakes'
host. Every ActiveSync exchange is recorded through a `requests` response hook, and a failure
shows the last ones: what pyactivesync sent and what the fake answered. The script prints one
JSON line and exits 0, or says what went wrong and exits 1 (2 for bad usage, 3 for missing
packages).
"""

import json
import os
import ssl
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True
from served import Failure, clients, control, load_role, main  # noqa: E402

with clients():
    import requests
    import pyactivesync
    import pyactivesync._http
    from pyactivesync import Client, FolderType, ProvisionError
    from pyactivesync._wbxml import WBXMLReader

USER = "alice"
PASSWORD = "alice-pw"
EMAIL = "alice@example.test"
CLIENT_VERSION = pyactivesync._http._EAS_PROTOCOL_VERSION
# The oldest version whose Provision carries settings:DeviceInformation, as pyactivesync's does.
OLDEST_USABLE = "14.1"
NEEDED_COMMANDS = ("Provision", "FolderSync", "Sync", "Ping")
EAS_PATH = {"exchange": "/Microsoft-Server-ActiveSync", "traveler": "/traveler/Microsoft-Server-ActiveSync"}
DEVICE_TYPE = "pyactivesync"
HEARTBEAT = 60
DELIVER_AFTER = 0.5
SYNC_ROUNDS = 10


def _version_key(v):
    return tuple(int(p) for p in v.split("."))


def _decode(body):
    if not body:
        return "(empty)"
    if isinstance(body, str):
        body = body.encode()
    try:
        parsed = WBXMLReader(body).parse()
    except Exception:
        parsed = None
    return repr(parsed) if parsed else repr(body[:600])


class Recorder:
    """Keeps every ActiveSync HTTP exchange of a client, for the failure messages."""

    def __init__(self):
        self.exchanges = []

    def attach(self, session):
        session.hooks["response"].append(self.record)

    def record(self, resp, *args, **kwargs):
        req = resp.request
        url = urllib.parse.urlsplit(req.url)
        self.exchanges.append(
            {
                "cmd": (urllib.parse.parse_qs(url.query).get("Cmd") or [req.method])[0],
                "request": f"{req.method} {url.path}?{url.query} "
                f"MS-ASProtocolVersion={req.headers.get('MS-ASProtocolVersion')} X-MS-PolicyKey={req.headers.get('X-MS-PolicyKey')} "
                f"body={_decode(req.body)}",
                "status": resp.status_code,
                "response": f"HTTP {resp.status_code} body={_decode(resp.content)}",
                "body": resp.content,
            }
        )

    def of(self, cmd):
        return [e for e in self.exchanges if e["cmd"] == cmd]

    def last(self, n=3):
        shown = self.exchanges[-n:]
        if not shown:
            return "no ActiveSync request was answered"
        return "\n".join(f"  pyactivesync sent: {e['request']}\n  the fake answered: {e['response']}" for e in shown)


def _find(nodes, path):
    """The text of the first element named path[-1] under the nested path, or None."""
    for tag, _, children in nodes:
        if tag == path[0]:
            if len(path) == 1:
                texts = [c[1] for c in children if c[0] == "#text"]
                return texts[0] if texts else ""
            found = _find(children, path[1:])
            if found is not None:
                return found
    return None


def put_control(ca, url, body):
    """A PUT to the fake's control API (the administrator's side), trusting only the run's CA."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca)))
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT", headers={"Content-Type": "application/json"})
    try:
        with opener.open(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        raise Failure(f"control API PUT {url} answered {e.code}: {e.read().decode(errors='replace')}") from e


def options(url):
    """OPTIONS on the ActiveSync URL: the versions and commands the server offers."""
    with requests.Session() as s:
        resp = s.options(url, auth=(USER, PASSWORD), timeout=15)
    if resp.status_code != 200:
        raise Failure(f"OPTIONS {url} answered HTTP {resp.status_code}: {resp.text[:500]!r}")
    versions = [v.strip() for v in resp.headers.get("MS-ASProtocolVersions", "").split(",") if v.strip()]
    commands = [c.strip() for c in resp.headers.get("MS-ASProtocolCommands", "").split(",") if c.strip()]
    if not versions:
        raise Failure(f"OPTIONS {url} sent no MS-ASProtocolVersions header; headers: {dict(resp.headers)}")
    missing = [c for c in NEEDED_COMMANDS if c not in commands]
    if missing:
        raise Failure(f"OPTIONS {url} does not offer {', '.join(missing)} (MS-ASProtocolCommands: {commands})")
    return versions, commands, resp.headers.get("MS-Server-ActiveSync")


def new_client(server_arg, device_id):
    client = Client(server=server_arg, username=USER, password=PASSWORD, device_id=device_id, user=EMAIL, device_type=DEVICE_TYPE)
    recorder = Recorder()
    recorder.attach(client._transport.session)
    return client, recorder


def step(recorder, what, fn):
    try:
        return fn()
    except Failure:
        raise
    except Exception as e:
        raise Failure(f"{what}: pyactivesync raised {type(e).__name__}: {e}\n{recorder.last()}") from e


def sync_until_current(client, recorder, inbox_id, sync_key):
    """Sync the Inbox from sync_key until the server has nothing more; returns (key, subjects)."""
    subjects = []
    for _ in range(SYNC_ROUNDS):
        result = step(recorder, f"Sync of the Inbox ({inbox_id}) from SyncKey {sync_key}", lambda: client.sync_folder(inbox_id, sync_key))
        sync_key = result.sync_key
        subjects += [item.fields.get("Email.Subject") for item in result.added]
        if not result.more_available:
            return sync_key, subjects
    raise Failure(f"the Inbox still had MoreAvailable after {SYNC_ROUNDS} Syncs\n{recorder.last()}")


def sync_flow(role, fake, ca, server_arg, device_id, version, subject):
    """Provision, FolderSync, Sync, Ping while a message is delivered, Sync: the run's facts."""
    client, recorder = new_client(server_arg, device_id)
    with client:
        policy_key = step(recorder, "Provision", client.provision)
        provisions = recorder.of("Provision")
        if len(provisions) != 2:
            raise Failure(f"pyactivesync sent {len(provisions)} Provision requests; expected the two phases\n{recorder.last()}")
        temporary = _find(WBXMLReader(provisions[0]["body"]).parse(), ["Provision.Provision", "Provision.Policies", "Provision.Policy", "Provision.PolicyKey"])

        folders = step(recorder, "FolderSync", client.list_folders)
        inbox = next((f for f in folders if f.type == FolderType.INBOX), None)
        if inbox is None:
            raise Failure(f"FolderSync listed no folder of type 2 (Inbox): {folders}\n{recorder.last()}")

        first = step(recorder, "Sync of the Inbox with SyncKey 0", lambda: client.sync_folder(inbox.id))
        if not first.sync_key or first.sync_key == "0":
            raise Failure(f"the initial Sync of the Inbox gave SyncKey {first.sync_key!r}\n{recorder.last()}")
        sync_key, before = sync_until_current(client, recorder, inbox.id, first.sync_key)
        if subject in before:
            raise Failure(f"the Inbox already holds {subject!r} before it was delivered")

        delivered, errors = {}, []

        def deliver():
            time.sleep(DELIVER_AFTER)
            try:
                delivered.update(control(ca, f"{fake['control_url']}/mailboxes/{EMAIL}/messages", {"subject": subject}))
            except Exception as e:
                errors.append(e)

        sender = threading.Thread(target=deliver, daemon=True)
        sender.start()
        started = time.monotonic()
        ping = step(recorder, f"Ping on the Inbox ({inbox.id})", lambda: client.ping(inbox.id, heartbeat=HEARTBEAT, timeout=HEARTBEAT + 30))
        waited = time.monotonic() - started
        sender.join(timeout=15)
        if errors:
            raise Failure(f"delivery through the control API failed: {errors[0]}")
        if ping.status != "2" or inbox.id not in ping.changed_folder_ids:
            raise Failure(
                f"the Ping held during delivery answered Status {ping.status!r} with folders {ping.changed_folder_ids}; "
                f"expected Status 2 naming the Inbox {inbox.id!r}\n{recorder.last()}"
            )

        sync_key, after = sync_until_current(client, recorder, inbox.id, sync_key)
        if subject not in after:
            raise Failure(f"after the Ping the Inbox Sync brought {after or 'nothing'}; expected {subject!r}\n{recorder.last()}")

    return {
        "device_id": device_id,
        "protocol_version": version,
        "provision": {"phases": len(provisions), "temporary_key": temporary, "policy_key": policy_key},
        "folders": len(folders),
        "inbox_id": inbox.id,
        "items_before": len(before),
        "ping_status": ping.status,
        "ping_seconds": round(waited, 2),
        "subject": subject,
        "delivered": delivered,
        "sync_key": sync_key,
    }


def recommended_traveler_provision(server_arg, device_id):
    """pyactivesync's Provision against Traveler without a device policy: what the fake answered."""
    client, recorder = new_client(server_arg, device_id)
    with client:
        try:
            key = client.provision()
            outcome = f"provisioned with PolicyKey {key}"
        except ProvisionError as e:
            outcome = f"ProvisionError: {e}"
        except Exception as e:
            raise Failure(f"Provision against Traveler as recommended: pyactivesync raised {type(e).__name__}: {e}\n{recorder.last()}") from e
    first = recorder.of("Provision")
    if not first or first[0]["status"] != 200:
        raise Failure(f"Provision against Traveler as recommended was not answered with HTTP 200\n{recorder.last()}")
    nodes = WBXMLReader(first[0]["body"]).parse()
    policy = ["Provision.Provision", "Provision.Policies", "Provision.Policy"]
    answer = {
        "provision_status": _find(nodes, ["Provision.Provision", "Provision.Status"]),
        "policy_status": _find(nodes, policy + ["Provision.Status"]),
        "policy_key": _find(nodes, policy + ["Provision.PolicyKey"]),
        "pyactivesync": outcome,
    }
    if answer["provision_status"] != "1":
        raise Failure(f"Provision against Traveler as recommended answered Status {answer['provision_status']!r}\n{recorder.last()}")
    return answer


def run_role(role, ca, fake):
    base = urllib.parse.urlsplit(fake["base_url"])
    if base.scheme != "https":
        raise Failure(f"the {role} base_url {fake['base_url']} is not https; pyactivesync only speaks https")
    path = EAS_PATH[role]
    url = f"https://{base.netloc}{path}"
    # pyactivesync posts to https://{server}/Microsoft-Server-ActiveSync.
    server_arg = base.netloc + path[: -len("/Microsoft-Server-ActiveSync")]
    versions, _, server_header = options(url)

    if CLIENT_VERSION in versions:
        version, override = CLIENT_VERSION, None
    else:
        usable = [v for v in versions if _version_key(v) >= _version_key(OLDEST_USABLE)]
        if not usable:
            raise Failure(f"{role} offers {versions}; pyactivesync's requests need {OLDEST_USABLE} or later")
        version = override = max(usable, key=_version_key)
    pyactivesync._http._EAS_PROTOCOL_VERSION = version
    out = {"role": role, "url": url, "server": server_header, "versions_offered": versions, "version_override": override}
    tag = "EXC" if role == "exchange" else "TRV"

    try:
        if role == "traveler":
            config = control(ca, f"{fake['control_url']}/config")
            enforce = str(config.get("notes_ini", {}).get("NTS_AS_ENFORCE_POLICY", "true")).strip().lower()
            out["notes_ini"] = config.get("notes_ini", {})
            if enforce in ("false", "0"):
                out["recommended"] = recommended_traveler_provision(server_arg, f"MCONF{tag}0001")
                if out["recommended"]["policy_key"]:
                    raise Failure(f"Traveler as recommended handed out a PolicyKey: {out['recommended']}")
                put_control(ca, f"{fake['control_url']}/notes-ini", {"NTS_AS_ENFORCE_POLICY": "true"})
                out["policy_enforced_for_the_run"] = True
        out.update(sync_flow(role, fake, ca, server_arg, f"MCONF{tag}0002", version, f"interop: pyactivesync via {role}"))
    finally:
        pyactivesync._http._EAS_PROTOCOL_VERSION = CLIENT_VERSION
    return out


def check(state_dir):
    endpoints_file = os.path.join(state_dir, "endpoints.json")
    try:
        with open(endpoints_file) as f:
            roles = json.load(f)["roles"]
        present = [r for r in ("exchange", "traveler") if r in roles]
    except (OSError, ValueError, KeyError) as e:
        raise Failure(f"cannot read the roles from {endpoints_file} ({e}); is `mailconform serve exchange traveler --state-dir {state_dir}` running?")
    if not present:
        raise Failure("endpoints.json has neither an `exchange` nor a `traveler` role; serve one of them")

    servers = []
    for role in present:
        ca, fake = load_role(state_dir, role)
        host = urllib.parse.urlsplit(fake["base_url"]).hostname
        os.environ["REQUESTS_CA_BUNDLE"] = ca
        for var in ("NO_PROXY", "no_proxy"):
            os.environ[var] = ",".join(filter(None, [os.environ.get(var, ""), host, "localhost"]))
        servers.append(run_role(role, ca, fake))

    print(json.dumps({"client": "pyactivesync", "ok": True, "client_version": CLIENT_VERSION, "servers": servers}))


if __name__ == "__main__":
    main("pyactivesync", check)
