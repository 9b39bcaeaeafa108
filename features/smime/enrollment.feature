@source:002.email-distribution
Feature: Certificates for S/MIME from Active Directory Certificate Services
  Seed 002 distributes S/MIME certificates by e-mail: an administrator duplicates the
  "Exchange Signature Only" and "Exchange User" templates (signing and encryption, minimum key
  size 2048, private key exportable, published in Active Directory) and issues them; each user
  requests one certificate of each at the web enrollment page with a PKCS#10 request; the
  certificates land in the user's userCertificate attribute, which Secure Mail reads over LDAP;
  the user exports each with its private key and certification path as userX-sign.pfx and
  userX-enc.pfx and mails them.

  Background:
    Given Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"

  @source:002.email-distribution.templates @source:002.email-distribution.request
  Scenario: Each duplicated template gives a certificate of its one purpose, for the user's address
    When alice requests a certificate from the template "SecureMailSigning" with a 2048-bit key
    Then the CA issues alice a certificate for signing only
    When alice requests a certificate from the template "SecureMailEncryption" with a 2048-bit key
    Then the CA issues alice a certificate for encryption only

  @source:002.email-distribution.templates
  Scenario: A request with a key under the templates' 2048-bit minimum is denied
    When alice requests a certificate from the template "SecureMailEncryption" with a 1024-bit key
    Then the CA denies the request because the key is shorter than the template's minimum
    And alice's userCertificate in Active Directory is empty

  @source:002.email-distribution.templates
  Scenario: A template the CA was not told to issue gives no certificate
    When alice requests a certificate from the template "SecureMailSMIME" with a 2048-bit key
    Then the CA denies the request because the CA does not issue the template

  @source:002.email-distribution.validate
  Scenario: With "Publish certificate in Active Directory", both certificates are in the user's userCertificate
    When bob requests a certificate from the template "SecureMailSigning" with a 2048-bit key
    And bob requests a certificate from the template "SecureMailEncryption" with a 2048-bit key
    Then bob's userCertificate in Active Directory holds the certificate from "SecureMailSigning"
    And bob's userCertificate in Active Directory holds the certificate from "SecureMailEncryption"

  @source:002.email-distribution.templates
  Scenario: Without "Publish certificate in Active Directory", the user must publish the certificate himself
    Given the template "SecureMailEncryption" does not publish certificates in Active Directory
    When bob requests a certificate from the template "SecureMailEncryption" with a 2048-bit key
    Then the CA issues bob a certificate for encryption only
    And bob's userCertificate in Active Directory is empty

  @source:002.email-distribution.export
  Scenario: The exported PFX carries the certificate, its private key and the certification path, behind its password
    When alice requests a certificate from the template "SecureMailSigning" with a 2048-bit key
    And alice exports the certificate from "SecureMailSigning" as "alice-sign.pfx" with the password "Pfx-2026!"
    Then "alice-sign.pfx" opens with the password "Pfx-2026!" and holds alice's certificate from "SecureMailSigning", its key and the CA certificate
    And "alice-sign.pfx" does not open with the password "pfx-2026!"

  @source:002.email-distribution.templates @source:002.email-distribution.export
  Scenario: A template that does not allow the private key to be exported leaves nothing to mail
    Given the template "SecureMailEncryption" does not allow the private key to be exported
    When alice requests a certificate from the template "SecureMailEncryption" with a 2048-bit key
    And alice exports the certificate from "SecureMailEncryption" as "alice-enc.pfx" with the password "Pfx-2026!"
    Then the export is refused because the private key is not exportable

  @source:002.enable-smime
  Scenario: A template duplicated from "User" gives one certificate for signing and encryption
    Given the CA issues the template "SecureMailBoth" duplicated from "User"
    When alice requests a certificate from the template "SecureMailBoth" with a 2048-bit key
    Then the CA issues a certificate for signing and encryption

  @source:002.email-distribution.iis
  Scenario: With a certificate of the domain that allows client authentication, the user signs in to the enrollment site without a password
    Given the CA issues the template "SecureMailUser" duplicated from "User"
    When alice requests a certificate from the template "SecureMailUser" with a 2048-bit key
    And alice requests a certificate from the template "SecureMailSigning" with a 2048-bit key, signing in with the certificate from "SecureMailUser"
    Then the CA issues alice a certificate for signing only

  @source:002.email-distribution.iis
  Scenario: A certificate without Client Authentication is refused when the user signs in with it
    When alice requests a certificate from the template "SecureMailSigning" with a 2048-bit key
    And alice requests a certificate from the template "SecureMailEncryption" with a 2048-bit key, signing in with the certificate from "SecureMailSigning"
    Then the enrollment site refuses alice's certificate
