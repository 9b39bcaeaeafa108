@source:002.digital-id-provider
Feature: S/MIME certificates from a digital identity provider, through the MDX shared vault
  Seed 002: a digital identity provider's app (Entrust IdentityGuard, wrapped with the MDX
  Toolkit) puts the user's certificates in the MDX shared vault; with the policy "S/MIME
  certificate source" on the shared vault, "Enable S/MIME on first Secure Mail launch" decides
  whether Secure Mail turns S/MIME on at its first launch when the vault holds certificates, and
  asks the user to import certificates when it holds none. The policy is off by default: the
  user then turns S/MIME on in the settings. The feature table gives the identity provider
  integration to iOS only.

  Background:
    Given Active Directory Certificate Services with web enrollment
    And the CA issues the template "SecureMailSigning" duplicated from "Exchange Signature Only"
    And the CA issues the template "SecureMailEncryption" duplicated from "Exchange User"

  @source:002.features
  Scenario Outline: With the policy on and certificates in the vault, the first launch turns S/MIME on, on iOS only
    Given alice has Secure Mail for <platform> with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail takes its S/MIME certificates from the shared vault
    And alice's Secure Mail has the policy Enable S/MIME on first launch ON
    And the identity provider app puts alice's certificate from "SecureMailSigning" in the shared vault
    And the identity provider app puts alice's certificate from "SecureMailEncryption" in the shared vault
    When alice launches Secure Mail and allows notifications
    Then alice's Secure Mail <outcome>

    Examples:
      | platform | outcome                                                                               |
      | iOS      | turned S/MIME on with the certificates of the shared vault for signing and encryption |
      | Android  | leaves S/MIME off                                                                     |

  Scenario: With the policy on and nothing in the vault, the user is asked to import certificates
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail takes its S/MIME certificates from the shared vault
    And alice's Secure Mail has the policy Enable S/MIME on first launch ON
    When alice launches Secure Mail and allows notifications
    Then alice's Secure Mail asks the user to import certificates

  Scenario: With the policy at its default, off, S/MIME stays off though the vault holds certificates
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail takes its S/MIME certificates from the shared vault
    And the identity provider app puts alice's certificate from "SecureMailSigning" in the shared vault
    When alice launches Secure Mail and allows notifications
    Then alice's Secure Mail leaves S/MIME off
