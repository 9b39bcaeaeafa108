@source:003.supported-ews-authentication-methods
Feature: ENS2 uses the authentication Boxer uses for ActiveSync
  The EAS authentication method used with Boxer must match the EWS authentication method, as
  ENS implicitly uses the method Boxer uses. SEG as EWS proxy supports Basic, certificate-based
  authentication with KCD and OAuth.

  Background:
    Given a Workspace ONE deployment with SEG V2 "2.12.0" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=true"

  Scenario Outline: Boxer with <boxer> for ActiveSync, EWS offering "<ews>"
    Given Exchange's ActiveSync offers "<activesync>"
    And Exchange's EWS offers "<ews>"
    And alice's Boxer authenticates with <boxer>
    When alice's Boxer syncs
    And alice's Boxer sets up push
    Then alice's Boxer syncs its Inbox
    And <outcome>

    Examples:
      | boxer       | activesync | ews              | outcome                                                                  |
      | Basic       | Basic      | Basic            | alice's Boxer is registered with ENS2                                    |
      | OAuth       | OAuth      | OAuth            | alice's Boxer is registered with ENS2                                    |
      | Certificate | Negotiate  | Negotiate        | alice's Boxer is registered with ENS2                                    |
      | Basic       | Basic      | OAuth            | ENS2 cannot register alice's Boxer because the server does not offer Basic authentication |
      | OAuth       | OAuth      | Basic            | ENS2 cannot register alice's Boxer because the server does not offer OAuth authentication |
      | Certificate | Negotiate  | Basic            | ENS2 cannot register alice's Boxer because the server does not offer Certificate authentication |
