@source:001.traveler-config
Feature: Who manages the device policy, and which login names Traveler accepts

  Background:
    Given a Notes Traveler server configured as the guide recommends

  @source:001.traveler-config.notes-ini @spec:MS-ASPROV.3.1.5.1
  Scenario: NTS_AS_ENFORCE_POLICY=false leaves the device policy to Endpoint Management
    Given alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail received no EAS device policy from the server

  @source:001.traveler-config.notes-ini @spec:MS-ASPROV.3.1.5.1
  Scenario: With NTS_AS_ENFORCE_POLICY=true Traveler sends and enforces its own policy
    Given the Traveler notes.ini sets NTS_AS_ENFORCE_POLICY=true
    And alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail received an EAS device policy requiring a device password of at least 4 characters

  @source:001.traveler-config.security
  Scenario Outline: Login name "<login>" under "<variations>" name variations with a <directory> directory
    Given the Traveler server uses "<variations>" name variations with a <directory> directory
    And alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    And alice's Secure Mail logs in as "<login>"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail <outcome>

    Examples:
      | variations | directory | login              | outcome                                   |
      | fewer      | Domino    | alice@example.test | syncs its Inbox, Calendar and Contacts    |
      | fewer      | Domino    | Alice Example      | syncs its Inbox, Calendar and Contacts    |
      | fewer      | Domino    | Example            | cannot sync because the server refuses the credentials |
      | more       | Domino    | Example            | syncs its Inbox, Calendar and Contacts    |
      | fewer      | LDAP      | aexample           | syncs its Inbox, Calendar and Contacts    |
      | fewer      | Domino    | aexample           | cannot sync because the server refuses the credentials |

  @spec:MS-ASPROV.3.1.5.1.2
  Scenario: A remote wipe reaches the device through Provision
    Given alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    And alice's Secure Mail has synced over ActiveSync
    When the Traveler administrator wipes alice's device
    And alice's Secure Mail syncs over ActiveSync
    Then alice's Secure Mail has wiped its data

  @source:001.traveler-config.notes-ini @spec:MS-ASPROV.3.1.5.2
  Scenario Outline: A device that cannot apply Traveler's own policy, with NTS_AS_ENFORCE_POLICY=<enforce>
    Given the Traveler notes.ini sets NTS_AS_ENFORCE_POLICY=<enforce>
    And alice has Secure Mail for Android with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    And alice's device cannot enforce the EAS policy setting "MinDevicePasswordLength"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail <outcome>

    Examples:
      | enforce | outcome                                                              |
      | true    | cannot sync because the device cannot apply the server's policy setting MinDevicePasswordLength |
      | false   | syncs its Inbox, Calendar and Contacts                               |
