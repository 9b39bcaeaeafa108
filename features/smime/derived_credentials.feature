@source:002.derived-credentials
Feature: S/MIME certificates from derived credentials
  Seed 002: instead of a digital identity provider, the "S/MIME certificate source" policy can
  be derived credentials ("Informations d'identification dérivées"). The feature table's row
  for them has no mark under iOS nor Android, while the section says Secure Mail supports them
  and points to the article on derived credentials for iOS: the run follows the section (iOS),
  and a step reads the table as printed instead (see the README).

  Background:
    Given Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"

  @source:002.features
  Scenario Outline: With derived credentials as the source, the first launch turns S/MIME on with them, on iOS
    Given alice has Secure Mail for <platform> with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail takes its S/MIME certificates from derived credentials
    And alice's Secure Mail has the policy Enable S/MIME on first launch ON
    And Secure Hub holds alice's certificate from "SecureMailSigning" as a derived credential
    And Secure Hub holds alice's certificate from "SecureMailEncryption" as a derived credential
    When alice launches Secure Mail and allows notifications
    Then alice's Secure Mail <outcome>

    Examples:
      | platform | outcome                                                                                  |
      | iOS      | turned S/MIME on with the certificates of derived credentials for signing and encryption |
      | Android  | leaves S/MIME off                                                                        |

  @source:002.features
  Scenario: Read as printed, the table gives derived credentials to no platform
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail reads the seed's feature table as printed
    And alice's Secure Mail takes its S/MIME certificates from derived credentials
    And alice's Secure Mail has the policy Enable S/MIME on first launch ON
    And Secure Hub holds alice's certificate from "SecureMailSigning" as a derived credential
    When alice launches Secure Mail and allows notifications
    Then alice's Secure Mail leaves S/MIME off
