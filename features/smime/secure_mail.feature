@source:002.enable-smime
Feature: S/MIME in Secure Mail: certificates imported from a mailed PFX, mail signed and encrypted
  Seed 002: the user opens the message carrying the PFX files in Secure Mail and imports each
  with its password; a single-purpose certificate is imported on its own with a notice (iOS
  only, per the feature table), one for both purposes asks which role it takes. With signing and
  encryption on, Secure Mail signs what the user sends and encrypts it to the recipients'
  encryption certificates, which it reads from their userCertificate over LDAP. The recipient's
  Secure Mail decrypts the message and checks the signature against the domain's CA, whose
  root the credentials policy delivered to the device.

  Background:
    Given Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"

  @source:002.features @source:002.email-distribution.export
  Scenario: On iOS, a single-purpose certificate mailed as PFX is imported on its own, with a notice
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail trusts the domain's CA
    When alice requests a certificate from the template "SecureMailSigning" with a 2048-bit key
    And alice exports the certificate from "SecureMailSigning" as "alice-sign.pfx" with the password "Pfx-2026!"
    And alice mails "alice-sign.pfx" to alice with the subject "My certificates"
    And alice imports "alice-sign.pfx" from "My certificates" in Secure Mail with the password "Pfx-2026!"
    Then alice's Secure Mail imported the certificate for signing on its own and said so

  @source:002.features
  Scenario: On Android, which the feature table leaves without automatic import, Secure Mail asks the certificate's role
    Given alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail trusts the domain's CA
    When alice requests a certificate from the template "SecureMailEncryption" with a 2048-bit key
    And alice exports the certificate from "SecureMailEncryption" as "alice-enc.pfx" with the password "Pfx-2026!"
    And alice mails "alice-enc.pfx" to alice with the subject "My certificates"
    And alice imports "alice-enc.pfx" from "My certificates" in Secure Mail with the password "Pfx-2026!"
    Then alice's Secure Mail asks which role the certificate takes
    When alice chooses encryption for the certificate

  @source:002.features
  Scenario: A certificate for signing and encryption asks which role it takes, on iOS too
    Given the CA issues the template "SecureMailBoth" duplicated from "User"
    And alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail trusts the domain's CA
    When alice requests a certificate from the template "SecureMailBoth" with a 2048-bit key
    And alice exports the certificate from "SecureMailBoth" as "alice.pfx" with the password "Pfx-2026!"
    And alice mails "alice.pfx" to alice with the subject "My certificate"
    And alice imports "alice.pfx" from "My certificate" in Secure Mail with the password "Pfx-2026!"
    Then alice's Secure Mail asks which role the certificate takes
    When alice chooses signing for the certificate

  @source:002.email-distribution.export
  Scenario: A PFX opened with another password than the one it was exported with is refused
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    When alice requests a certificate from the template "SecureMailSigning" with a 2048-bit key
    And alice exports the certificate from "SecureMailSigning" as "alice-sign.pfx" with the password "Pfx-2026!"
    And alice mails "alice-sign.pfx" to alice with the subject "My certificates"
    And alice imports "alice-sign.pfx" from "My certificates" in Secure Mail with the password "pfx-2026"
    Then alice's Secure Mail refuses it because the password is wrong

  @source:002.email-distribution @source:002.testing
  Scenario: The whole distribution by e-mail: enroll, export, mail, import, then a signed and encrypted message is read
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail trusts the domain's CA
    And bob's Secure Mail trusts the domain's CA
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Quarterly numbers" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Quarterly numbers" left signed and encrypted
    When bob opens "Quarterly numbers" in Secure Mail
    Then bob's Secure Mail shows "Quarterly numbers" decrypted
    And bob's Secure Mail shows a valid signature by "Alice Example" on "Quarterly numbers"

  @source:002.enable-smime.encrypt-by-default
  Scenario: With "Encrypt by default", a message is encrypted as it is composed
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob's Secure Mail trusts the domain's CA
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing, encryption and Encrypt by default
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Board pack" to "bob@example.test" from Secure Mail
    Then alice's message "Board pack" left signed and encrypted
    When bob opens "Board pack" in Secure Mail
    Then bob's Secure Mail shows "Board pack" decrypted

  @source:002.enable-smime.encrypt-by-default
  Scenario: Without "Encrypt by default", a message leaves unencrypted unless the lock is tapped
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Board pack" to "bob@example.test" from Secure Mail
    Then alice's message "Board pack" left signed, not encrypted

  @source:002.testing
  Scenario: One recipient of a group without a valid encryption key: the message goes unencrypted to all
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob's Secure Mail trusts the domain's CA
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Offsite" to "bob@example.test, carol@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite" left signed, not encrypted
    When bob opens "Offsite" in Secure Mail
    Then bob's Secure Mail shows "Offsite" unencrypted
    And bob's Secure Mail shows a valid signature by "Alice Example" on "Offsite"

  @source:002.email-distribution.validate
  Scenario: An empty userCertificate leaves Secure Mail unable to encrypt to that user
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And an administrator empties bob's userCertificate in Active Directory
    When alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite" left signed, not encrypted

  @source:002.email-distribution.validate
  Scenario: A signing certificate in userCertificate instead of the encryption one leaves Secure Mail unable to encrypt
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob's userCertificate in Active Directory holds only the certificate from "SecureMailSigning"
    When alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite" left signed, not encrypted

  @source:002.email-distribution.validate
  Scenario: An encryption certificate in userCertificate other than the one imported leaves Secure Mail unable to decrypt
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When bob requests a certificate from the template "SecureMailEncryption" with a 2048-bit key
    And bob's userCertificate in Active Directory holds only the certificate from "SecureMailEncryption"
    And alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite" left signed and encrypted
    When bob opens "Offsite" in Secure Mail
    Then bob's Secure Mail refuses it because it is not encrypted for its certificate

  @source:002.enable-smime.attachments @known-limitation
  Scenario: A signed message with attachments reaches a recipient without S/MIME without its attachments
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing
    When alice sends "Figures" with the attachment "numbers.pdf" to "bob@example.test" from Secure Mail
    Then alice's message "Figures" left signed, not encrypted
    When bob opens "Figures" in Secure Mail
    Then bob's Secure Mail shows "Figures" without its attachment

  @source:002.enable-smime.attachments
  Scenario: The same message reaches a recipient with S/MIME on with its attachment, and an unsigned one reaches anyone with it
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob's Secure Mail trusts the domain's CA
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Figures" with the attachment "numbers.pdf" to "bob@example.test" from Secure Mail
    And bob opens "Figures" in Secure Mail
    Then bob's Secure Mail shows "Figures" with the attachment "numbers.pdf"
    And bob's Secure Mail shows a valid signature by "Alice Example" on "Figures"
    When bob sends "Menu" with the attachment "menu.pdf" to "alice@example.test" from Secure Mail
    And alice opens "Menu" in Secure Mail
    Then alice's Secure Mail shows "Menu" with the attachment "menu.pdf"

  @source:002.email-distribution.requirements
  Scenario Outline: S/MIME needs Secure Mail 10.8.10 or later, on iOS and on Android
    Given alice has Secure Mail for <platform> with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail is version "<version>"
    When alice requests a certificate from the template "SecureMailSigning" with a 2048-bit key
    And alice exports the certificate from "SecureMailSigning" as "alice-sign.pfx" with the password "Pfx-2026!"
    And alice mails "alice-sign.pfx" to alice with the subject "My certificates"
    And alice imports "alice-sign.pfx" from "My certificates" in Secure Mail with the password "Pfx-2026!"
    Then alice's Secure Mail refuses it because the app is older than 10.8.10

    Examples:
      | platform | version |
      | iOS      | 10.8.9  |
      | Android  | 10.7.20 |

  @source:002.email-distribution.requirements
  Scenario: At 10.8.10, the minimum the seed names, S/MIME turns on
    Given alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail is version "10.8.10"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    Then alice's Secure Mail has S/MIME on with signing and encryption
