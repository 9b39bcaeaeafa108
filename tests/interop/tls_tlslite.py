"""An independent SSL 3.0 stack (tlslite-ng, pure Python) against a served fake.

Usage: tls_tlslite.py HOST PORT VERSION PATH      (client)
       tls_tlslite.py serve PORT CERT KEY          (an SSL 3.0-only server)
VERSION is ssl3, tls1.0, tls1.1 or tls1.2; the client offers that version alone, completes the
handshake, sends ActiveSync's OPTIONS with alice's Basic credentials over it and prints:
    version=<major.minor> cipher=<name>
    status=<HTTP status line>
    ms-asprotocolversions=<header value>
A refused handshake prints `refused=<alert>` and exits 3. The server completes SSL 3.0
handshakes only, answers each connection with a small HTTP response and prints what it
negotiated, until it is killed.
"""
import base64
import socket
import sys

from tlslite.api import HandshakeSettings, TLSConnection
from tlslite.errors import TLSRemoteAlert, TLSLocalAlert
from tlslite.constants import AlertDescription

VERSIONS = {"ssl3": (3, 0), "tls1.0": (3, 1), "tls1.1": (3, 2), "tls1.2": (3, 3)}


def serve(port, cert, key):
    from tlslite.api import X509CertChain, parsePEMKey

    chain = X509CertChain()
    chain.parsePemList(open(cert).read())
    private = parsePEMKey(open(key).read(), private=True)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    while True:
        sock, _ = listener.accept()
        conn = TLSConnection(sock)
        settings = HandshakeSettings()
        settings.minVersion = (3, 0)
        settings.maxVersion = (3, 0)
        try:
            conn.handshakeServer(certChain=chain, privateKey=private, settings=settings)
            print("negotiated %d.%d %s" % (conn.version[0], conn.version[1], conn.getCipherName()), flush=True)
            conn.write(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
            conn.close()
        except Exception as e:  # a refused or broken handshake: log it and take the next one
            print("refused: %r" % (e,), flush=True)
            sock.close()


def main():
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3], sys.argv[4])
        return
    host, port, version, path = sys.argv[1], int(sys.argv[2]), VERSIONS[sys.argv[3]], sys.argv[4]
    sock = socket.create_connection((host, port), timeout=30)
    conn = TLSConnection(sock)
    settings = HandshakeSettings()
    settings.minVersion = version
    settings.maxVersion = version
    try:
        # tlslite refuses an IP address as server name; "localhost" is in the fake's certificate.
        conn.handshakeClientCert(settings=settings, serverName="localhost")
    except (TLSRemoteAlert, TLSLocalAlert) as e:
        print("refused=%s" % AlertDescription.toStr(e.description))
        sys.exit(3)
    print("version=%d.%d cipher=%s" % (conn.version[0], conn.version[1], conn.getCipherName()))
    credentials = base64.b64encode(b"alice:alice-pw").decode()
    request = (
        "OPTIONS %s HTTP/1.1\r\nHost: traveler.example.test\r\nAuthorization: Basic %s\r\n"
        "Connection: close\r\n\r\n" % (path, credentials)
    )
    conn.write(request.encode())
    data = b""
    while True:
        try:
            chunk = conn.read()
        except (TLSRemoteAlert, TLSLocalAlert, ConnectionError):
            break
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data:
            break
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    print("status=%s" % head[0])
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "ms-asprotocolversions":
            print("ms-asprotocolversions=%s" % value.strip())
    conn.close()


if __name__ == "__main__":
    main()
