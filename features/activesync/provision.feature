@source:001.integration
Feature: Exchange's side of Provision: remote wipe, policy types, partial application
  Secure Mail provisions exactly as Exchange expects, so what Exchange answers to anything
  else is checked with a bare ActiveSync client that sends the Provision a scenario names:
  a wipe acknowledged or failed, a PolicyType of another version, a policy the device could
  only partly apply, a key the server never issued.

  @spec:MS-ASPROV.3.2.5.1.2.2
  Scenario: A device acknowledging a remote wipe nobody requested made a protocol error
    When an ActiveSync 14.1 client of alice acknowledges a remote wipe nobody requested with Status 1
    Then Exchange answers the ActiveSync client with Status 2

  @spec:MS-ASPROV.3.2.5.1.2.1 @spec:MS-ASPROV.3.2.5.1.2.2
  Scenario Outline: Exchange records the device's answer to a remote wipe: Status <ack>
    Given an ActiveSync 14.1 client of alice has provisioned with Exchange
    And the Exchange administrator wipes alice's ActiveSync client
    When the ActiveSync 14.1 client of alice receives the remote wipe and acknowledges it with Status <ack>
    Then <answer>
    And Exchange records the remote wipe of alice's ActiveSync client as <state>

    Examples:
      | ack | answer                                                 | state        |
      | 1   | Exchange carries out the ActiveSync client's command   | acknowledged |
      | 2   | Exchange answers with Status 2 and sends the remote wipe again | failed       |

  @spec:MS-ASPROV.2.2.2.42 @spec:MS-ASPROV.2.2.2.54.1
  Scenario Outline: Exchange hands out its policy only for the PolicyType of the version: <type> at <eas>
    When an ActiveSync <eas> client of alice asks Exchange for its policy with PolicyType "<type>"
    Then <answer>

    Examples:
      | eas  | type                      | answer                                                       |
      | 2.5  | MS-WAP-Provisioning-XML   | Exchange carries out the ActiveSync client's command         |
      | 2.5  | MS-EAS-Provisioning-WBXML | Exchange answers the ActiveSync client's Provision with Policy Status 3 |
      | 12.1 | MS-EAS-Provisioning-WBXML | Exchange carries out the ActiveSync client's command         |
      | 14.1 | MS-EAS-Provisioning-WBXML | Exchange carries out the ActiveSync client's command         |
      | 12.1 | MS-WAP-Provisioning-XML   | Exchange answers the ActiveSync client's Provision with Policy Status 3 |
      | 14.1 | MS-EAS-Provisioning-XML   | Exchange answers the ActiveSync client's Provision with Policy Status 3 |

  @spec:MS-ASPROV.2.2.2.54.1
  Scenario: Exchange refuses an acknowledgement of a policy key it never issued
    When an ActiveSync 14.1 client of alice acknowledges Exchange's policy with a key it was never given
    Then Exchange answers the ActiveSync client's Provision with Policy Status 5

  @spec:MS-ASPROV.3.1.5.2
  Scenario Outline: A device that applied the policy only in part: ActiveSync <eas>, devices that cannot apply it <rule>
    Given Exchange <rule> devices that cannot fully apply its policy
    When an ActiveSync <eas> client of alice acknowledges Exchange's policy with Policy Status 2
    Then <answer>

    Examples:
      | eas  | rule   | answer                                                 |
      | 14.1 | bars   | Exchange answers the ActiveSync client with Status 139 |
      | 12.1 | bars   | Exchange answers the ActiveSync client with HTTP 403   |
      | 14.1 | allows | Exchange carries out the ActiveSync client's command   |
      | 12.1 | allows | Exchange carries out the ActiveSync client's command   |
