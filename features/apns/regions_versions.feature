@source:004.general.Q11
Feature: Regions, Exchange versions, back ends and the APNs policy

  @source:004.general.Q12
  Scenario Outline: The device registers with the listener of its region and Exchange pushes there
    Given Secure Mail's APNs certificate is uploaded for the <region> region
    And alice has Secure Mail for iOS in the <region> region
    When alice sets up push notifications
    And 1 message arrives in alice's inbox
    Then the <region> listener has a registration for alice with the EWS subscription ID
    And the <other> listener has no registration for alice
    And Exchange's push subscription for alice points at the <region> listener
    And alice's badge shows 1

    Examples:
      | region   | other    |
      | Americas | EMEA     |
      | EMEA     | APAC     |
      | APAC     | Americas |

  @source:004.general.Q6
  Scenario Outline: APNs push works with <version>
    Exchange 2007 SP1 puts no UnreadCount in its folder events, so the listener wakes the app
    with a content-available push and the app counts its unread mail itself.

    Given the Exchange server is "<version>"
    And alice has Secure Mail for iOS in the Americas region
    When alice sets up push notifications
    And 2 messages arrive in alice's inbox
    Then alice's badge shows 2
    And alice's Secure Mail used EWS schema version "<schema>"
    And the Americas listener's last APNs push was a <push> push

    Examples:
      | version           | schema           | push       |
      | Exchange 2007 SP1 | Exchange2007_SP1 | background |
      | Exchange 2010     | Exchange2010     | badge      |
      | Exchange 2010 SP1 | Exchange2010_SP1 | badge      |
      | Exchange 2013     | Exchange2013     | badge      |
      | Office 365        | Exchange2013     | badge      |

  @source:004.general.Q7
  Scenario: A Notes Traveler account gets no APNs push, only background app refresh
    Given alice's mail account is on IBM Notes Traveler
    When alice launches Secure Mail and allows notifications
    And 1 message arrives in alice's inbox
    Then the Americas listener holds no registration at all
    And alice's Secure Mail received 0 pushes
    And alice's badge shows 0

  @source:004.general.Q2
  Scenario: With the APNs policy OFF (the default) the badge waits for background app refresh
    Given alice's Secure Mail has the APNs policy OFF
    When alice launches Secure Mail and allows notifications
    And 1 message arrives in alice's inbox
    Then alice's badge shows 0
    And the Americas listener holds no registration at all
    When iOS runs background app refresh for alice
    Then alice's badge shows 1

  @source:004.config.Q13
  Scenario: Turning the APNs policy ON takes effect at the next policy check-in
    Given alice's Secure Mail has the APNs policy OFF
    When alice launches Secure Mail and allows notifications
    And the admin turns the APNs policy ON for alice
    And 1 message arrives in alice's inbox
    Then alice's badge shows 0
    When alice's Secure Mail checks in for policies
    And 1 message arrives in alice's inbox
    Then alice's badge shows 2

  @source:004.config.Q13 @source:004.general.Q7
  Scenario: Turning the APNs policy ON changes nothing for a Notes Traveler account
    Given alice's mail account is on IBM Notes Traveler
    And alice's Secure Mail has the APNs policy OFF
    When alice launches Secure Mail and allows notifications
    And the admin turns the APNs policy ON for alice
    And alice's Secure Mail checks in for policies
    Then the Americas listener holds no registration at all
    And alice's Secure Mail has subscribed to EWS push 0 times

  @source:004.config.Q13
  Scenario Outline: A policy check-in that does not turn the APNs policy from OFF to ON sets nothing up: <from> to <to>
    Given alice's Secure Mail has the APNs policy <from>
    When alice launches Secure Mail and allows notifications
    And the admin turns the APNs policy <to> for alice
    And alice's Secure Mail checks in for policies
    Then alice's Secure Mail has subscribed to EWS push <subscriptions>

    Examples:
      | from | to  | subscriptions |
      | OFF  | OFF | 0 times       |
      | ON   | ON  | 1 time        |

  @source:004.config.Q13
  Scenario: Turning the APNs policy OFF is not supported: the badge keeps updating
    Given alice has Secure Mail for iOS in the Americas region
    When alice sets up push notifications
    And the admin turns the APNs policy OFF for alice
    And alice's Secure Mail checks in for policies
    And 1 message arrives in alice's inbox
    Then alice's badge shows 1
