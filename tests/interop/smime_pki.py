#!/usr/bin/env python3
"""Standard clients, unchanged, against the AD CS fake and its directory.

Usage: python3 tests/interop/smime_pki.py <state-dir>

`mailconform serve adcs --state-dir <state-dir>` must be running. The script issues an
encryption template through the control API as the seed sets it (2048-bit minimum, published
in Active Directory), makes a PKCS#10 request with Python's `cryptography`, enrolls it with
the `certsrv` client as a domain user, reads the certificate back from the user's
`userCertificate;binary` with the `ldap3` client after a simple bind, and checks that a
1024-bit request is denied with AD CS's CERTSRV_E_KEY_LENGTH and that a search without a bind
is refused; the same search runs over LDAPS and after StartTLS, trusting only the run's CA; and
a certificate from a "User" template signs in to the site in place of a password (`certsrv`'s
client certificate authentication, as the seed's IIS client certificate mapping).
Prints one JSON line and exits 0, or says what went wrong and exits 1 (2 for bad
usage, 3 for missing packages).
"""

import json
import os
import ssl
import sys

sys.dont_write_bytecode = True
from served import Failure, clients, control, load_role, main  # noqa: E402

with clients():
    import certsrv
    import ldap3
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.x509.oid import NameOID

TEMPLATE = "SecureMailEncryption"
BASE_DN = "DC=example,DC=test"
LOGIN, PASSWORD, EMAIL = "alice", "alice-pw", "alice@example.test"


def request(bits):
    """A PKCS#10 request (PEM) for a new RSA key of `bits` bits."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOGIN)])).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM)


def check(state_dir):
    ca, role = load_role(state_dir, "adcs")
    base = role["base_url"]
    server = base.split("://", 1)[1]
    ldap_url = role.get("services", {}).get("ldap")
    if not ldap_url:
        raise Failure(f"endpoints.json lists no ldap service for adcs: {role}")
    control(ca, f"{role['control_url']}/templates/{TEMPLATE}", {"purpose": "encryption"}, method="PUT")

    enroll = certsrv.Certsrv(server, LOGIN, PASSWORD, auth_method="basic", cafile=ca)
    # requests lets REQUESTS_CA_BUNDLE and proxy variables override the session's own settings.
    enroll.session.trust_env = False
    pem = enroll.get_cert(request(2048), TEMPLATE, encoding="b64")
    cert = x509.load_pem_x509_certificate(pem)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    if not usage.key_encipherment or usage.digital_signature:
        raise Failure(f"the encryption template gave key usage {usage}")
    emails = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.RFC822Name)
    if emails != [EMAIL]:
        raise Failure(f"the certificate is for {emails}, not {EMAIL}")
    root = x509.load_pem_x509_certificate(enroll.get_ca_cert(encoding="b64"))
    root.public_key().verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)

    try:
        enroll.get_cert(request(1024), TEMPLATE)
        raise Failure("a 1024-bit request was issued")
    except certsrv.RequestDeniedException as e:
        if "0x80094811" not in str(e):
            raise Failure(f"a 1024-bit request was denied for another reason: {e}") from e

    host, port = ldap_url.split("://", 1)[1].rsplit(":", 1)
    directory = ldap3.Server(host, port=int(port), get_info=ldap3.NONE)
    anonymous = ldap3.Connection(directory)
    anonymous.open()
    anonymous.search(BASE_DN, f"(mail={EMAIL})", attributes=["userCertificate;binary"])
    if anonymous.result["result"] != 1:
        raise Failure(f"a search without a bind was answered: {anonymous.result}")
    anonymous.unbind()

    bound = ldap3.Connection(directory, user=EMAIL, password=PASSWORD, auto_bind=True)
    bound.search(BASE_DN, f"(&(objectClass=user)(mail={EMAIL}))", attributes=["userCertificate;binary", "sAMAccountName"])
    if len(bound.entries) != 1:
        raise Failure(f"the search found {len(bound.entries)} entries: {bound.result}")
    entry = bound.response[0]
    published = entry["raw_attributes"].get("userCertificate;binary", [])
    if published != [cert.public_bytes(serialization.Encoding.DER)]:
        raise Failure(f"userCertificate holds {len(published)} value(s), not the issued certificate")
    bound.unbind()

    tls = ldap3.Tls(ca_certs_file=ca, validate=ssl.CERT_REQUIRED)
    ldaps_url = role.get("services", {}).get("ldaps")
    if not ldaps_url:
        raise Failure(f"endpoints.json lists no ldaps service for adcs: {role}")
    lhost, lport = ldaps_url.split("://", 1)[1].rsplit(":", 1)
    over_tls = {
        "ldaps": ldap3.Connection(ldap3.Server(lhost, port=int(lport), use_ssl=True, tls=tls, get_info=ldap3.NONE), user=EMAIL, password=PASSWORD),
        "starttls": ldap3.Connection(ldap3.Server(host, port=int(port), tls=tls, get_info=ldap3.NONE), user=EMAIL, password=PASSWORD),
    }
    for how, conn in over_tls.items():
        conn.open()
        if how == "starttls" and not conn.start_tls():
            raise Failure(f"StartTLS failed: {conn.result}")
        if not conn.bind():
            raise Failure(f"the bind over {how} failed: {conn.result}")
        conn.search(BASE_DN, f"(mail={EMAIL})", attributes=["userCertificate;binary"])
        if conn.response[0]["raw_attributes"].get("userCertificate;binary", []) != published:
            raise Failure(f"over {how} the search read something else")
        conn.unbind()
    # IIS client certificate mapping: a certificate of a "User" template (Client Authentication)
    # signs in to the site instead of a password.
    control(ca, f"{role['control_url']}/templates/SecureMailUser", {}, method="PUT")
    user_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    user_csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOGIN)])).sign(user_key, hashes.SHA256())
    user_pem = enroll.get_cert(user_csr.public_bytes(serialization.Encoding.PEM), "SecureMailUser", encoding="b64")
    cert_file, key_file = os.path.join(state_dir, "alice-user.pem"), os.path.join(state_dir, "alice-user.key")
    with open(cert_file, "wb") as f:
        f.write(user_pem)
    with open(key_file, "wb") as f:
        f.write(user_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    by_certificate = certsrv.Certsrv(server, cert_file, key_file, auth_method="cert", cafile=ca)
    by_certificate.session.trust_env = False
    signed_in = x509.load_pem_x509_certificate(by_certificate.get_cert(request(2048), TEMPLATE, encoding="b64"))
    if signed_in.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value != EMAIL:
        raise Failure(f"signing in with alice's certificate gave a certificate for {signed_in.subject}")

    print(json.dumps({"ok": True, "dn": entry["dn"], "serial": cert.serial_number, "ldap": ldap_url, "ldaps": ldaps_url}))


if __name__ == "__main__":
    main("certsrv and ldap3", check)
