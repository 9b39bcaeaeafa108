@source:001.traveler-config
Feature: Secure Mail reaching an IBM Notes Traveler server over ActiveSync
  The French integration guide (section "Configuration du Serveur Notes Traveler"; the Spanish
  copy says the same) lists what a Traveler deployment must get right for Secure Mail to sync:
  the full /traveler/Microsoft-Server-ActiveSync path (no substitution rules needed any more),
  session authentication overridden for /traveler, ActiveSync rather than SyncML, ports 443 and 80.

  Background:
    Given a Notes Traveler server configured as the guide recommends

  @source:001.secure-mail-policies @source:000.secure-mail-policies
  Scenario Outline: The full Traveler path works on <platform>
    Given alice has Secure Mail for <platform> with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    When a message "Quarterly figures" arrives in alice's Traveler mailbox
    Then alice's Secure Mail shows "Quarterly figures" in its Inbox after one Ping

    Examples:
      | platform |
      | iOS      |
      | Android  |

  @source:001.secure-mail-policies
  Scenario: A bare FQDN does not reach Traveler without a substitution rule
    Given alice has Secure Mail for iOS with the Exchange Server policy "traveler.example.test"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because the path is not found
    When the Traveler site gets the substitution rule "/Microsoft-Server-ActiveSync*" to "/traveler/Microsoft-Server-ActiveSync*"
    And alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts

  @source:001.traveler-config.web-sites
  Scenario: Forms authentication on /traveler keeps Secure Mail out until it is overridden
    Given the Traveler site does not override session authentication for /traveler
    And alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because the server answers with a login form
    When the Traveler site overrides session authentication for "/traveler*"
    And alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts

  @source:001.traveler-config.sync-protocols
  Scenario: SyncML forced as the primary protocol: Secure Mail cannot reconnect
    Given alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    And alice's Secure Mail has synced over ActiveSync
    When the Traveler server forces SyncML as the primary protocol
    And alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because access is forbidden

  @source:001.ports
  Scenario Outline: Traveler answers on port <port>
    Given alice has Secure Mail for iOS with the Exchange Server policy "<url>"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts

    Examples:
      | port | url                                                           |
      | 443  | https://traveler.example.test/traveler/Microsoft-Server-ActiveSync |
      | 80   | http://traveler.example.test/traveler/Microsoft-Server-ActiveSync  |
