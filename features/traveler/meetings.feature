@source:001.cxm-47936 @source:000.cxm-47936
Feature: CXM-47936: deleting a meeting message in Secure Mail does not delete it on Traveler
  The guide states it twice: when a meeting message (a request, or a response to a meeting) is
  deleted from Secure Mail, it is not deleted on the IBM Notes Traveler server. These scenarios
  pass while the limitation holds; a Traveler that deletes the item makes them fail.

  Background:
    Given a Notes Traveler server configured as the guide recommends
    And alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"

  @known-limitation
  Scenario: A deleted meeting request stays on the Traveler server
    Given a meeting request "Budget review" arrives in alice's Traveler mailbox
    And alice's Secure Mail has synced over ActiveSync
    When alice deletes "Budget review" in Secure Mail
    Then alice's Secure Mail no longer shows "Budget review" in its Inbox
    But the Traveler server still holds "Budget review" in alice's Inbox

  @known-limitation
  Scenario: A deleted meeting response stays on the Traveler server
    Given a meeting response "Accepted: Budget review" arrives in alice's Traveler mailbox
    And alice's Secure Mail has synced over ActiveSync
    When alice deletes "Accepted: Budget review" in Secure Mail
    Then the Traveler server still holds "Accepted: Budget review" in alice's Inbox

  Scenario: An ordinary message deleted in Secure Mail is deleted on the server
    Given a message "Lunch?" arrives in alice's Traveler mailbox
    And alice's Secure Mail has synced over ActiveSync
    When alice deletes "Lunch?" in Secure Mail
    Then the Traveler server no longer holds "Lunch?" in alice's Inbox

  @spec:MS-ASCMD.2.2.1.11
  Scenario: Accepting a meeting request in Secure Mail puts it in the Traveler calendar
    Given a meeting request "Design review" arrives in alice's Traveler mailbox
    And alice's Secure Mail has synced over ActiveSync
    When alice accepts the meeting request "Design review" in Secure Mail
    Then the Traveler server holds "Design review" in alice's Calendar
    And alice's Secure Mail shows "Design review" in its Calendar

  @spec:MS-ASCMD.2.2.1.17
  Scenario: Mail sent from Secure Mail reaches the recipient's Traveler Inbox
    Given alice's Secure Mail has synced over ActiveSync
    When alice sends a message "Status report" to bob from Secure Mail
    Then the Traveler server holds "Status report" in bob's Inbox
    And the Traveler server holds "Status report" in alice's Sent Items
