@source:002.public-certificate-sources
Feature: Recipients' public certificates from the directory, as the LDAP policies say
  Seed 002, "Configuration de sources de certificat public": to use recipients' public S/MIME
  certificates, set the public certificate source, the LDAP server address, the LDAP base DN
  and "LDAP anonymous access". Secure Mail binds as the user, or searches without a bind when
  anonymous access is on, under the base DN, and reads the recipient's userCertificate. Active
  Directory refuses a search without a bind unless it is set to allow one.

  Background:
    Given Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"

  Scenario: With anonymous access on, a directory that allows anonymous searches gives the recipient's certificate
    Given the directory allows anonymous searches
    And alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has the LDAP anonymous access policy ON
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite" left signed and encrypted

  Scenario: With anonymous access on, Active Directory's refusal of unbound searches leaves Secure Mail unable to look the recipient up
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has the LDAP anonymous access policy ON
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice tries to send "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's Secure Mail refuses it because the directory cannot be searched

  Scenario: A base DN outside the directory leaves Secure Mail unable to look the recipient up
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has the LDAP base DN "DC=other,DC=test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice tries to send "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's Secure Mail refuses it because the directory cannot be searched

  Scenario: With the LDAP server address on LDAPS, the lookup runs over TLS and finds the recipient's certificate
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has the LDAP server address "ldaps://ad.example.test:636"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite" left signed and encrypted

  Scenario: An LDAP server address where no directory answers leaves Secure Mail unable to look the recipient up
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has the LDAP server address "ad.example.test:3268"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice tries to send "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's Secure Mail refuses it because the directory cannot be searched
