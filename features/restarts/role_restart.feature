@source:004.data-flow.Q6
Feature: A role restarts: what it keeps, what it loses, and how push recovers
  An operator restarts a server's process. What a real deployment keeps on disk survives:
  Exchange's mailboxes and the ActiveSync sync state it keeps in them, the listener service's
  device registrations (its database), APNs's device tokens. What lives in the process's
  memory does not: Exchange keeps EWS push subscriptions in the memory of the EWS process and
  loses them when it restarts (Microsoft, "Handling notification-related errors in EWS":
  ErrorSubscriptionNotFound), so the listener hears nothing more from Exchange, and Secure
  Mail, in the foreground, subscribes again once the listener has not heard from Exchange for
  30 minutes (Data Flow Q6). Connections open to the restarted role are cut.

  Background:
    Given the default topology
    And alice has Secure Mail for iOS in the Americas region

  @spec:MS-OXWSNTIF.3.1.4.1
  Scenario: Exchange restarts: its push subscriptions are lost, and Secure Mail subscribes again after 30 minutes of silence
    When 2 messages arrive in alice's inbox
    And alice sets up push notifications
    Then alice's badge shows 2
    When 20 minutes pass
    And Exchange restarts
    And 1 message arrives in alice's inbox
    Then alice's badge shows 2
    # 29 minutes after the last keep-alive before the restart (15 minutes after subscribing)
    When 24 minutes pass
    Then the Americas listener has heard nothing from Exchange for alice since Exchange restarted
    And alice's Secure Mail has subscribed to EWS push 1 time
    # 31 minutes after it: the foreground check at 30 minutes resubscribed
    When 2 minutes pass
    Then alice's Secure Mail has subscribed to EWS push 2 times
    And Exchange has an active push subscription for alice
    And the Americas listener has a registration for alice with the EWS subscription ID
    And alice's badge shows 3
    When 1 message arrives in alice's inbox
    Then alice's badge shows 4

  @source:001.integration @spec:MS-ASCMD.2.2.1.21
  Scenario: Exchange restarts: Secure Mail's next ActiveSync Sync goes on with its SyncKey and gets only the new mail
    Given alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    When 2 messages arrive in alice's inbox
    And alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    When Exchange restarts
    And a message "After the restart" arrives in alice's inbox
    And alice's Secure Mail syncs over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail's last Inbox sync went on from its SyncKey and brought only "After the restart"

  @source:001.integration @spec:MS-ASCMD.2.2.1.13 @spec:MS-ASCMD.2.2.1.21
  Scenario: Exchange restarts during Secure Mail's ActiveSync Ping: the Ping is cut and reissued, and returns with the new mail
    Given alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has synced over ActiveSync
    When Exchange restarts 2 minutes into a Ping of alice's Secure Mail, and a message "Urgent" arrives 3 minutes later
    Then the Ping returned after 5 minutes with "Urgent" in alice's Secure Mail Inbox
    And alice's Secure Mail reissued its Ping 1 time
    And alice's Secure Mail's last Inbox sync went on from its SyncKey and brought only "Urgent"

  @source:004.data-flow.Q4
  Scenario: The listener service restarts: its device registrations survive, and new mail still reaches the device
    When alice sets up push notifications
    And the Americas listener service restarts
    Then the Americas listener has a registration for alice with the EWS subscription ID
    When 1 message arrives in alice's inbox
    Then the Americas listener's last APNs push was a badge push
    And alice's badge shows 1
    And alice's Secure Mail has subscribed to EWS push 1 time

  @source:004.data-flow.Q1
  Scenario: APNs restarts: the device token stays valid, and the next push is accepted
    When alice sets up push notifications
    And 1 message arrives in alice's inbox
    Then alice's badge shows 1
    When APNs restarts
    And 1 message arrives in alice's inbox
    Then the Americas listener's last APNs push was a badge push
    And APNs delivered a badge of 2 to alice's device last
    When 1 minute passes
    Then alice's badge shows 2
