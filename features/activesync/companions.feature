@source:001.secure-notes-tasks @source:000.secure-notes-tasks
Feature: Secure Notes and Secure Tasks
  The guide: Secure Notes for iOS integrates with an Exchange server through its own policies
  ("Secure Notes Exchange Server", "Secure Notes user domain"); Secure Notes and Secure Tasks for
  Android use the Secure Mail for Android account to sync Exchange notes and tasks.

  Scenario: Secure Notes for iOS syncs notes with its own Exchange Server and user domain policies
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Notes has the Exchange Server policy "mail.example.test" and the user domain "EXAMPLE"
    And a note "Parking: level 3" is in alice's Exchange mailbox
    And alice's Secure Mail has synced over ActiveSync
    When alice's Secure Notes syncs
    Then alice's Secure Notes shows "Parking: level 3"
    And Exchange knows 2 ActiveSync devices for alice

  Scenario: Secure Notes for iOS with the wrong user domain cannot sign in
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Notes has the Exchange Server policy "mail.example.test" and the user domain "OTHER"
    When alice's Secure Notes syncs
    Then alice's Secure Notes cannot sign in

  Scenario: Secure Notes and Secure Tasks for Android sync through Secure Mail's account
    Given alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And a note "Parking: level 3" is in alice's Exchange mailbox
    And a task "File expenses" is in alice's Exchange mailbox
    And alice's Secure Mail has synced over ActiveSync
    When alice's Secure Notes syncs
    And alice's Secure Tasks syncs
    Then alice's Secure Notes shows "Parking: level 3"
    And alice's Secure Tasks shows "File expenses"
    And Exchange knows 1 ActiveSync device for alice
