@source:003.compliance
Feature: SEG V2 blocks and unblocks a device on the console's compliance, and ENS2 with it
  With ENS2 and SEG V2 integrated, requests of a device are blocked or let through according to
  the compliance criteria of the Workspace ONE UEM console, for ActiveSync and for the EWS
  traffic of ENS2, so that a blocked device also stops receiving notifications.

  Background:
    Given a Workspace ONE deployment with SEG V2 "2.12.0" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And alice's Boxer has synced
    And alice's Boxer has set up push

  Scenario: A non-compliant device is blocked, and unblocked when it is compliant again
    When the console marks alice's Boxer as "non-compliant"
    And alice's Boxer syncs
    Then alice's Boxer cannot sync because access is forbidden
    And SEG blocked alice's ActiveSync requests
    When 1 message arrives in alice's inbox
    Then alice's Boxer receives no push
    And ENS2 withheld the push for alice's Boxer because access is forbidden
    And SEG blocked alice's EWS requests
    When the console marks alice's Boxer as "compliant"
    And 1 message arrives in alice's inbox
    Then alice's Boxer receives a push with badge 2
    When alice's Boxer syncs
    Then alice's Boxer syncs its Inbox

  Scenario: A request that names no device is blocked: there is no device to find compliant
    When an EWS client that names no device asks SEG for EWS
    Then the EWS client gets HTTP 403

  Scenario Outline: A device the console shows as <state> gets <outcome>
    When the console marks alice's Boxer as "<state>"
    And alice's Boxer syncs
    And 1 message arrives in alice's inbox
    Then alice's Boxer <outcome>

    Examples:
      | state            | outcome                           |
      | compliant        | receives a push with badge 1      |
      | non-compliant    | receives no push                  |
      | enterprise wiped | receives no push                  |
      | removed          | receives no push                  |
