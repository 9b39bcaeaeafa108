@source:004.data-flow.Q6
Feature: The listener cannot be reached: Exchange retries, gives up, and the client resubscribes
  Data Flow Q6: the connection is retried for up to 15 minutes following StatusFrequency;
  without success Exchange ends the subscription; in the foreground Secure Mail checks its
  registration every 5 minutes and subscribes again once the listener has not heard from
  Exchange for 30 minutes. Secure Mail subscribes with StatusFrequency 15.

  Background:
    Given the default topology
    And alice has Secure Mail for iOS in the Americas region
    And alice has set up push notifications

  @spec:MS-OXWSNTIF.3.1.4.3
  Scenario: Exchange retries on the documented schedule, then ends the subscription at 15 minutes
    When the Americas listener becomes unreachable
    And 1 message arrives in alice's inbox
    And 16 minutes pass
    Then Exchange retried the failed notification to alice's listener at "0:30, 1:00, 2:00, 4:00, 8:00" after the first attempt
    And Exchange ended alice's first subscription 15 minutes after the first failed attempt
    And Exchange has ended the first push subscription of alice because no notification got through within StatusFrequency
    And Exchange sent nothing on alice's first subscription after it ended

  Scenario Outline: Every kind of failure is retried: <failure>
    When the Americas listener <failure>
    And 1 message arrives in alice's inbox
    And 16 minutes pass
    Then Exchange retried the failed notification to alice's listener at "0:30, 1:00, 2:00, 4:00, 8:00" after the first attempt
    And Exchange has ended the first push subscription of alice because no notification got through within StatusFrequency

    Examples:
      | failure                                  |
      | becomes unreachable                      |
      | stops answering                          |
      | answers every request with HTTP 503      |

  Scenario: A listener back within the window gets the notification and the subscription lives on
    When the Americas listener becomes unreachable
    And 1 message arrives in alice's inbox
    And 3 minutes pass
    Then Exchange shows alice's first subscription retrying since the first failed attempt
    When the Americas listener is reachable again
    And 2 minutes pass
    Then alice's badge shows 1
    And Exchange has an active push subscription for alice

  Scenario: Mail that queued up while the listener was away follows in several notifications, MoreEvents on all but the last
    When the Americas listener becomes unreachable
    And 60 messages arrive in alice's inbox
    And 3 minutes pass
    And the Americas listener is reachable again
    And 2 minutes pass
    Then Exchange sent the events queued for alice's listener in notifications of at most 50 events, MoreEvents on each but the last
    And alice's badge shows 60

  Scenario: After 30 minutes of silence the client resubscribes at its next foreground check
    When the Americas listener becomes unreachable
    And 1 message arrives in alice's inbox
    And 16 minutes pass
    And the Americas listener is reachable again
    And 13 minutes pass
    Then alice's Secure Mail has subscribed to EWS push 1 time
    When 2 minutes pass
    Then alice's Secure Mail has subscribed to EWS push 2 times
    And Exchange has an active push subscription for alice
    And the Americas listener has a registration for alice with the EWS subscription ID
    When 1 message arrives in alice's inbox
    Then alice's badge shows 2

  Scenario: In the foreground Secure Mail checks its registration every 5 minutes, in the background never
    When 22 minutes pass
    And alice sends Secure Mail to the background
    And 20 minutes pass
    Then the Americas listener saw alice's Secure Mail check its registration at "5:00, 10:00, 15:00, 20:00" after it registered
    And alice's Secure Mail checked its registration 4 times

  Scenario: No resubscription while the app is in the background
    When alice sends Secure Mail to the background
    And the Americas listener becomes unreachable
    And 1 message arrives in alice's inbox
    And 16 minutes pass
    And the Americas listener is reachable again
    And 45 minutes pass
    Then alice's Secure Mail has subscribed to EWS push 1 time
    When alice brings Secure Mail to the foreground
    Then alice's Secure Mail has subscribed to EWS push 2 times

  @spec:MS-OXWSNTIF.3.1.4.1
  Scenario: A live subscription keeps the listener informed with status events, so no resubscription
    When 90 minutes pass
    Then Exchange sent alice's listener a StatusEvent every 15 minutes
    And alice's Secure Mail has subscribed to EWS push 1 time
    And Exchange has an active push subscription for alice

  @spec:MS-OXWSNTIF.3.1.4.1
  Scenario: The listener answers Unsubscribe and Exchange drops the subscription
    When the Americas listener forgets alice's registration
    And 1 message arrives in alice's inbox
    Then Exchange has ended the first push subscription of alice because the subscriber answered Unsubscribe
