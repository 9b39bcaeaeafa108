@source:002.public-certificate-sources.network
Feature: Where the LDAP server sits decides how Secure Mail must reach it
  Seed 002, "Configuration de sources de certificat public", besides the app policies: when the
  LDAP servers are hosted on an internal network, on iOS do not set the "Background network
  service gateway" policy (users otherwise get frequent authentication prompts); on Android,
  add the LDAP server's URL to the list of that policy's background services.

  Background:
    Given "ad.example.test" is on the internal network
    And "mail.example.test" is on the internal network

  Scenario: On iOS with a background network service gateway, every lookup asks the user to authenticate
    Given Secure Mail has the seed's STA policies
    And Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"
    And alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    And alice sends "Offsite, again" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite, again" left signed and encrypted
    And alice was asked to authenticate 2 times

  Scenario: On iOS without a background network service gateway, lookups go through the micro VPN without prompts
    Given Secure Mail has the seed's micro VPN policies
    And Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"
    And alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    And alice sends "Offsite, again" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite, again" left signed and encrypted
    And alice's connection to "ad.example.test:389" went through the micro VPN
    And alice was asked to authenticate 0 times

  Scenario: On Android with the LDAP server among the background services, lookups go through the background gateway
    Given Secure Mail has the seed's STA policies
    And Secure Mail's policy Background network services is "mail.example.test:443, ad.example.test:389"
    And Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"
    And alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice sends "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's message "Offsite" left signed and encrypted
    And alice's connection to "ad.example.test:389" went through the background gateway
    And the gateway opened a tunnel to "ad.example.test:389" for alice on their ticket

  Scenario: On Android without the LDAP server among the background services, the lookup cannot reach it
    Given Secure Mail has the seed's STA policies
    And Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"
    And alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And bob has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And alice has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    And bob has imported signing and encryption certificates into Secure Mail and turned on S/MIME with signing and encryption
    When alice tries to send "Offsite" to "bob@example.test" from Secure Mail with the lock closed
    Then alice's Secure Mail refuses it because the directory cannot be searched
    And the gateway opened no tunnel for alice on their ticket to "ad.example.test:389"
