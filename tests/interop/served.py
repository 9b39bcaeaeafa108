"""What the interop scripts share: the state `mailconform serve --state-dir` writes, the fakes'
control API, and the scripts' command line and exit codes (0 passed, 1 failed, 2 bad usage,
3 missing packages).
"""

import contextlib
import json
import os
import ssl
import sys
import traceback
import urllib.error
import urllib.request

INSTALL_HINT = "pip install -r tests/interop/requirements.txt"


class Failure(Exception):
    pass


@contextlib.contextmanager
def clients():
    """Around the interop clients' imports: exits 3, saying how to install them, if one is missing."""
    try:
        yield
    except ImportError as e:  # pragma: no cover - depends on the machine
        print(f"missing Python package ({e}); install the interop clients with: {INSTALL_HINT}", file=sys.stderr)
        sys.exit(3)


def load_role(state_dir, role, required=()):
    """The run's CA file and the `role` entry of endpoints.json, once they and `required` exist."""
    ca = os.path.join(state_dir, "ca.pem")
    endpoints_file = os.path.join(state_dir, "endpoints.json")
    for f in (ca, endpoints_file, *required):
        if not os.path.isfile(f):
            raise Failure(f"{f} does not exist; is `mailconform serve {role} --state-dir {state_dir}` running?")
    with open(endpoints_file) as f:
        roles = json.load(f)["roles"]
    if role not in roles:
        raise Failure(f"endpoints.json has no `{role}` role (roles: {', '.join(sorted(roles))}); serve the {role} role")
    return ca, roles[role]


def control(ca, url, body=None, method=None):
    """A call to the fake's control API, trusting only the run's CA: GET without a body, POST
    (or `method`) with one."""
    ctx = ssl.create_default_context(cafile=ca)
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method or ("GET" if body is None else "POST"))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=ctx))
    try:
        with opener.open(req, timeout=10) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        raise Failure(f"control API {req.get_method()} {url} answered {e.code}: {e.read().decode(errors='replace')}") from e


def journal(ca, url):
    """Every entry a fake's journal holds (requests, deliveries, pushes), read page by page:
    journals answer `{first, next, more, skipped, dropped, capacity, entries}` for `?after=`."""
    entries, after = [], 0
    sep = "&" if "?" in url else "?"
    while True:
        page = control(ca, f"{url}{sep}after={after}")
        entries.extend(page["entries"])
        if not page["more"]:
            return entries
        after = page["next"]


def main(client, check):
    """Runs check(<state-dir>) from the command line and exits as the scripts' usage says."""
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} <state-dir of mailconform serve>", file=sys.stderr)
        sys.exit(2)
    try:
        check(sys.argv[1])
    except Failure as e:
        print(f"FAIL {client}: {e}", file=sys.stderr)
        sys.exit(1)
    except Exception as e:
        traceback.print_exc()
        print(f"FAIL {client}: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)


def trust_run_ca_in_exchangelib(ca):
    """Has exchangelib verify the fake's certificate against the run's CA and ignore proxy
    settings (it has no option for either)."""
    import requests
    from exchangelib.protocol import BaseProtocol

    class CaAdapter(requests.adapters.HTTPAdapter):
        def send(self, *args, **kwargs):
            kwargs["verify"] = ca
            kwargs["proxies"] = {}
            return super().send(*args, **kwargs)

    BaseProtocol.HTTP_ADAPTER_CLS = CaAdapter
