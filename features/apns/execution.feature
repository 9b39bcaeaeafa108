@source:004.data-flow.Q1
Feature: New mail reaches the badge through the listener and APNs
  Execution (Data Flow Q1): mailbox activity makes Exchange send an EWS push notification to
  the listener, and the listener sends an APNs push carrying the total unread count of the
  inbox. The FAQ's own check (Configuration Q11): the badge equals the unread count Outlook shows.

  Background:
    Given the default topology
    And alice has Secure Mail for iOS in the Americas region
    And alice has set up push notifications

  @spec:MS-OXWSNTIF.3.1.4.1
  Scenario: One new message sets the badge to 1
    When 1 message arrives in alice's inbox
    Then alice's badge shows 1
    And APNs delivered a badge of 1 to alice's device last
    And the Americas listener counts 1 push APNs accepted for alice
    And alice's Secure Mail received 1 push
    When 2 messages arrive in alice's inbox
    Then the Americas listener counts 3 pushes APNs accepted for alice

  @source:004.config.Q11
  Scenario: The badge follows the inbox unread count up and down
    When 3 messages arrive in alice's inbox
    Then alice's badge shows 3
    And alice's badge equals the unread count of alice's inbox
    When alice reads 2 messages on another client
    Then alice's badge shows 1
    And alice's badge equals the unread count of alice's inbox
    When alice reads all messages on another client
    Then alice's badge shows 0

  @source:004.general.Q8
  Scenario: Only the badge count flows through the listener, not mail
    When 2 messages arrive in alice's inbox
    Then the Americas listener's state contains neither alice's e-mail address nor ActiveSync device ID
    And the Americas listener stores the SHA-256 of alice's e-mail address

  @source:004.general.Q8
  Scenario Outline: The listener refuses a registration that carries <flaw>
    When alice's Secure Mail registers with the Americas listener again with <flaw>
    Then the listener refuses the registration because <why>

    Examples:
      | flaw                                   | why                                   |
      | its e-mail address in clear            | an identifier is not a SHA-256 digest |
      | its ActiveSync device ID in clear      | an identifier is not a SHA-256 digest |
      | a device token that is not hexadecimal | the device token is not hexadecimal   |

  Scenario: Two users of the same app on one listener each keep their own registration and badge
    Given bob has Secure Mail for iOS in the Americas region
    And bob has set up push notifications
    When 2 messages arrive in alice's inbox
    And 1 message arrives in bob's inbox
    Then alice's badge shows 2
    And bob's badge shows 1
    And the Americas listener has a registration for alice with the EWS subscription ID
    And the Americas listener has a registration for bob with the EWS subscription ID
    And the Americas listener counts 2 pushes APNs accepted for alice
    And the Americas listener counts 1 push APNs accepted for bob

  @source:004.config.Q11
  Scenario: The badge keeps updating with the app in the background for more than 5 minutes
    When alice sends Secure Mail to the background
    And 6 minutes pass
    And 2 messages arrive in alice's inbox
    Then alice's badge shows 2

  @spec:MS-OXWSNTIF.3.1.4.1
  Scenario: The badge is the Inbox's count, whatever other folders report in the same notification
    When Exchange notifies the Americas listener for alice in one SendNotification:
      | notification | event         | folder     | unread |
      | 1            | ModifiedEvent | Inbox      | 2      |
      | 1            | ModifiedEvent | Sent Items | 7      |
    Then alice's badge shows 2

  @spec:MS-OXWSNTIF.3.1.4.1
  Scenario: Of several notifications in one SendNotification, the last Inbox count is the badge
    When Exchange notifies the Americas listener for alice in one SendNotification:
      | notification | event         | folder | unread |
      | 1            | ModifiedEvent | Inbox  | 4      |
      | 2            | ModifiedEvent | Inbox  | 1      |
      | 3            | NewMailEvent  | Inbox  |        |
    Then alice's badge shows 1
    And the Americas listener's last APNs push was a badge push
