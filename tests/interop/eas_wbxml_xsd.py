#!/usr/bin/env python3
"""Reads a directory of ActiveSync bodies (NNN-Command-side.wbxml, with this project's own
XML rendering beside each as .xml) and checks them against tools this project did not write:

1. libwbxml's wbxml2xml (language ACTIVESYNC) must decode each body to the same element
   tree as the project's decoder: the same namespaces, names, order and text;
2. every response must be valid against Microsoft's ActiveSync XSDs (Interop-TestSuites),
   the schema chosen by the root element as Microsoft's test suites do.

Prints one line per failure and a summary; exits 1 on any failure.
"""
import argparse
import base64
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import xmlschema

# The response schema of each command root: a response whose root has none is a failure.
RESPONSE_XSD = {
    "Provision": "ProvisionResponse.xsd",
    "FolderSync": "FolderSyncResponse.xsd",
    "FolderCreate": "FolderCreateResponse.xsd",
    "FolderDelete": "FolderDeleteResponse.xsd",
    "FolderUpdate": "FolderUpdateResponse.xsd",
    "Sync": "SyncResponse.xsd",
    "Ping": "PingResponse.xsd",
    "GetItemEstimate": "GetItemEstimateResponse.xsd",
    "ItemOperations": "ItemOperationsResponse.xsd",
    "MeetingResponse": "MeetingResponseResponse.xsd",
    "MoveItems": "MoveItemsResponse.xsd",
    "SendMail": "SendMailResponse.xsd",
    "Settings": "SettingsResponse.xsd",
    "Search": "SearchResponse.xsd",
    "ResolveRecipients": "ResolveRecipientsResponse.xsd",
    "ValidateCert": "ValidateCertResponse.xsd",
}

# Where libwbxml names a token otherwise than [MS-ASWBXML] and Microsoft's XSDs: Provision
# 0x10 under its 12.0 name, and two names in another letter case (DTStamp, SmtpAddress).
# The token is the same; the comparison reads these names as the specification's.
LIBWBXML_NAMES = {("Provision", "DeviceEncryptionEnabled"): "RequireStorageCardEncryption"}


def tree(elem):
    """(namespace, name, text, children) with libwbxml's "Page:" namespaces as "Page"."""
    tag = elem.tag
    ns, name = (tag[1:].split("}", 1) if tag.startswith("{") else ("", tag))
    text = (elem.text or "").strip()
    ns = ns.rstrip(":")
    name = LIBWBXML_NAMES.get((ns, name), name)
    return (ns, name.lower(), text, [tree(c) for c in elem])


def same_text(ours, theirs):
    """libwbxml prints OPAQUE data (a MIME body) as base64; this project as the text it is."""
    if ours == theirs:
        return True
    try:
        decoded = base64.b64decode(theirs, validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return decoded.replace("\r\n", "\n").strip() == ours


def first_difference(a, b, path=""):
    here = f"{path}/{a[1]}"
    if a[:2] != b[:2] or not same_text(a[2], b[2]):
        return f"{here}: ours {a[:3]!r}, libwbxml {b[:3]!r}"
    if len(a[3]) != len(b[3]):
        return f"{here}: ours has {len(a[3])} children, libwbxml {len(b[3])}"
    for x, y in zip(a[3], b[3]):
        d = first_difference(x, y, here)
        if d:
            return d
    return None


_schemas = {}
_workdir = tempfile.mkdtemp(prefix="eas-xsd-")
_hubs = None


def target_namespace(text):
    head = re.search(r"<xs:schema\b[^>]*>", text, re.S)
    m = re.search(r'targetNamespace="([^"]*)"', head.group(0))
    return head, (m.group(1) if m else None)


def build_hubs(xsd_dir):
    """Microsoft's harness loads every file into one schema set, and its files reference
    other namespaces by prefix only, several files sharing one namespace. For a standalone
    validator: one hub per namespace that xs:includes that namespace's files, and an
    xs:import of the hub of each namespace a file uses."""
    texts, by_ns = {}, {}
    for f in sorted(os.listdir(xsd_dir)):
        if f.endswith(".xsd"):
            with open(os.path.join(xsd_dir, f), encoding="utf-8-sig") as src:
                texts[f] = src.read()
            ns = target_namespace(texts[f])[1]
            if ns:
                by_ns.setdefault(ns, []).append(f)
    hub = {ns: f"hub-{ns}.xsd" for ns in by_ns}
    for f, text in texts.items():
        head, own = target_namespace(text)
        if own is None:
            continue
        used = set(re.findall(r'xmlns:\w+\s*=\s*"([^"]*)"', text)) - {own}
        imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{hub[ns]}"/>' for ns in sorted(used) if ns in hub)
        with open(os.path.join(_workdir, f), "w", encoding="utf-8") as dst:
            dst.write(text[: head.end()] + imports + text[head.end():])
    for ns, files in by_ns.items():
        includes = "".join(f'<xs:include schemaLocation="{f}"/>' for f in files)
        with open(os.path.join(_workdir, hub[ns]), "w", encoding="utf-8") as dst:
            dst.write(f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{ns}" '
                      f'elementFormDefault="qualified">{includes}</xs:schema>')
    return hub


def schema_for(xsd_dir, root_ns, root_name):
    global _hubs
    if root_name not in RESPONSE_XSD:
        return None
    if _hubs is None:
        _hubs = build_hubs(xsd_dir)
    if root_ns not in _schemas:
        _schemas[root_ns] = xmlschema.XMLSchema(os.path.join(_workdir, _hubs[root_ns]))
    return _schemas[root_ns]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wbxml2xml", required=True)
    ap.add_argument("--xsd", required=True)
    ap.add_argument("corpus")
    args = ap.parse_args()
    env = dict(os.environ)
    libdir = os.path.join(os.path.dirname(os.path.dirname(args.wbxml2xml)), "lib", "x86_64-linux-gnu")
    env["LD_LIBRARY_PATH"] = libdir + os.pathsep + env.get("LD_LIBRARY_PATH", "")
    failures, alike, valid = [], 0, 0
    for name in sorted(os.listdir(args.corpus)):
        if not name.endswith(".wbxml"):
            continue
        path = os.path.join(args.corpus, name)
        out = subprocess.run([args.wbxml2xml, "-l", "ACTIVESYNC", "-m", "0", "-o", "-", path],
                             capture_output=True, env=env)
        text = out.stdout.decode("utf-8", "replace")
        end = text.rfind(">")
        if out.returncode != 0 or end < 0:
            failures.append(f"{name}: wbxml2xml failed: {out.stderr.decode(errors='replace').strip()}")
            continue
        try:
            theirs = ET.fromstring(text[: end + 1].encode())
            ours = ET.parse(path[: -len(".wbxml")] + ".xml").getroot()
        except ET.ParseError as e:
            failures.append(f"{name}: not XML: {e}")
            continue
        diff = first_difference(tree(ours), tree(theirs))
        if diff:
            failures.append(f"{name}: decoders differ at {diff}")
            continue
        alike += 1
        if "-response" in name:
            root_ns, root_name = ours.tag[1:].split("}", 1)
            schema = schema_for(args.xsd, root_ns, root_name)
            if schema is None:
                failures.append(f"{name}: no published schema for a {root_name} response")
                continue
            errors = list(schema.iter_errors(ET.parse(path[: -len(".wbxml")] + ".xml")))
            if errors:
                e = errors[0]
                failures.append(f"{name}: invalid against the published {root_ns} schemas ({RESPONSE_XSD[root_name]}): {e.reason} at {e.path}")
                continue
            valid += 1
    for f in failures:
        print(f)
    print(f"{alike} bodies decoded alike, {valid} responses valid against the published XSDs, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
