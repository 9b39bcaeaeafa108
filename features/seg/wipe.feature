@source:003.background
Feature: Enterprise wipe: Boxer unregisters from ENS2, and SEG does not wait for it
  When a device is enterprise wiped or removed in the console, the client unregisters from
  ENS2; iOS Boxer tries to unregister until it is successful. With SEG V2 in the path, the
  console's state blocks the device at once, without depending on the device.

  Background:
    Given a Workspace ONE deployment with SEG V2 "2.12.0" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And alice's Boxer has synced
    And alice's Boxer has set up push

  Scenario: Boxer keeps trying to unregister while ENS2 is out of reach, until it succeeds
    When the console marks alice's Boxer as "enterprise wiped"
    And ENS2 becomes unreachable
    And alice's Boxer checks in with the console
    Then alice's Boxer has wiped its mail
    When 10 minutes pass
    Then alice's Boxer has tried to unregister from ENS2 11 times
    When ENS2 is reachable again
    And 1 minute passes
    Then alice's Boxer is unregistered from ENS2
    When 1 message arrives in alice's inbox
    Then alice's Boxer receives no push

  Scenario: A wiped device that never unregisters gets no notifications through SEG
    When the console marks alice's Boxer as "enterprise wiped"
    And 1 message arrives in alice's inbox
    Then alice's Boxer receives no push
    And ENS2 withheld the push for alice's Boxer because access is forbidden
