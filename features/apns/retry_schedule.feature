@source:004.data-flow.Q6
Feature: The retry schedule is a parameter
  Microsoft's StatusFrequency page gives the retry rule twice: its table (retries at 0:30, 1:00,
  2:00, 4:00, 8:00 ...) is the default here; its prose (each interval doubles) is one switch away.

  @spec:MS-OXWSNTIF.3.1.4.3
  Scenario: The retry schedule read from the documentation's prose
    Given the default topology
    And Exchange retries on the schedule of the documentation's prose
    And alice has Secure Mail for iOS in the Americas region
    And alice has set up push notifications
    When the Americas listener becomes unreachable
    And 1 message arrives in alice's inbox
    And 16 minutes pass
    Then Exchange retried the failed notification to alice's listener at "0:30, 1:30, 3:30, 7:30" after the first attempt
    And Exchange ended alice's first subscription 15 minutes after the first failed attempt

  @spec:MS-OXWSNTIF.2.2.4.5 @spec:MS-OXWSNTIF.3.1.4.3
  Scenario: A StatusFrequency of 5 minutes sets both the keep-alive interval and the retry window
    Given the default topology
    And alice has Secure Mail for iOS in the Americas region
    And alice's Secure Mail subscribes with a StatusFrequency of 5 minutes
    And alice has set up push notifications
    When 16 minutes pass
    Then Exchange sent alice's listener a StatusEvent every 5 minutes
    When the Americas listener becomes unreachable
    And 1 message arrives in alice's inbox
    And 6 minutes pass
    Then Exchange retried the failed notification to alice's listener at "0:30, 1:00, 2:00, 4:00" after the first attempt
    And Exchange ended alice's first subscription 5 minutes after the first failed attempt
    And Exchange has ended the first push subscription of alice because no notification got through within StatusFrequency

  @spec:MS-OXWSNTIF.2.2.4.5 @spec:MS-OXWSNTIF.3.1.4.3
  Scenario: At the smallest StatusFrequency, 1 minute, Exchange retries twice and ends the subscription at the minute
    Given the default topology
    And alice has Secure Mail for iOS in the Americas region
    And alice's Secure Mail subscribes with a StatusFrequency of 1 minute
    And alice has set up push notifications
    When the Americas listener becomes unreachable
    And 1 message arrives in alice's inbox
    And 75 seconds pass
    Then Exchange retried the failed notification to alice's listener at "0:30, 1:00" after the first attempt
    And Exchange ended alice's first subscription 1 minute after the first failed attempt
    And Exchange has ended the first push subscription of alice because no notification got through within StatusFrequency
