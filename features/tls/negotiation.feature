@source:001.ssl-tls
Feature: POODLE, the workaround, the fix and the fallback signal
  Seed 001: because of POODLE, Secure Mail disables SSL 3.0 by default and connects with TLS
  1.0, so it cannot reach a Notes Traveler server that only speaks SSL 3.0. The recommended fix
  is TLS 1.2 on the Traveler server (IBM's LO82423, 9.0.1 IF7, turns SSL 3.0 off between
  servers); the workaround is the "Connection security level" policy set to "SSLv3 and TLS".

  Scenario: With the default policy Secure Mail cannot reach an SSLv3-only Traveler server
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail on iOS before 9 with the default connection security level
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the handshake fails with protocol_version from the client
    And alice's Secure Mail cannot connect because the server chose SSL 3.0 and the device does not offer it
    And alice's Secure Mail cannot connect because Secure Mail disables SSL 3.0 unless the connection security level is "SSLv3 and TLS"

  Scenario Outline: The workaround "SSLv3 and TLS" works on <device>
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail on <device> with the connection security level "SSLv3 and TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the handshake negotiates SSL 3.0 on the wire

    Examples:
      | device           |
      | iOS before 9     |
      | Android before M |
      | Android M and N  |

  Scenario Outline: The workaround does not help on <device>
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail on <device> with the connection security level "SSLv3 and TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the handshake fails with <alert> from the <side>
    And alice's Secure Mail cannot connect because <reason>

    Examples:
      | device          | alert             | side   | reason                                                   |
      | iOS 9 and later | handshake_failure | server | the server speaks none of the versions the device offers |
      | Android O       | protocol_version  | client | the device's OS cannot use SSL 3.0 under any policy      |

  Scenario Outline: Once Traveler moves to TLS 1.2, <device> connects under "TLS"
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail on <device> with the connection security level "TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the result on the wire is "<before>"
    When the Traveler server moves to TLS 1.2 only
    And alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the handshake negotiates TLS 1.2 on the wire

    Examples:
      | device           | before                            |
      | iOS before 9     | protocol_version from the client  |
      | iOS 9 and later  | handshake_failure from the server |
      | Android before M | protocol_version from the client  |
      | Android M and N  | protocol_version from the client  |
      | Android O        | protocol_version from the client  |

  Scenario: Secure Mail's full ActiveSync sync works against the Traveler server moved to TLS 1.2
    Given a Notes Traveler server that speaks TLS 1.2 only
    And alice has Secure Mail for iOS with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts

  @source:001.ports
  Scenario: An SSLv3-only Traveler server still answers plain HTTP on port 80
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail for iOS with the Exchange Server policy "http://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts

  @spec:RFC7507
  Scenario: A fallback retry that signals TLS_FALLBACK_SCSV is refused by a server that speaks more
    Given a Notes Traveler server that speaks TLS 1.0 to TLS 1.2
    When a client that falls back to TLS 1.1 with TLS_FALLBACK_SCSV connects to the Traveler server
    Then the handshake fails with inappropriate_fallback from the server
    When a client that falls back to TLS 1.1 connects to the Traveler server
    Then the handshake negotiates TLS 1.1 on the wire

  @spec:RFC7507
  Scenario: TLS_FALLBACK_SCSV at the server's own highest version is accepted
    Given a Notes Traveler server that speaks SSL 3.0 to TLS 1.1
    When a client that falls back to TLS 1.1 with TLS_FALLBACK_SCSV connects to the Traveler server
    Then the handshake negotiates TLS 1.1 on the wire

  @spec:RFC2246
  Scenario: Exchange serving ActiveSync with TLS 1.0 only
    Given the Exchange server speaks TLS 1.0 only
    And alice has Secure Mail on iOS 9 and later with the default connection security level
    When alice's Secure Mail opens its ActiveSync connection to the Exchange server
    Then the handshake negotiates TLS 1.0 on the wire

  @spec:RFC8446
  Scenario: Exchange with TLS 1.3 only turns away a device that tops out at TLS 1.2
    Given the Exchange server speaks TLS 1.3 only
    And alice has Secure Mail on Android O with the default connection security level
    When alice's Secure Mail opens its ActiveSync connection to the Exchange server
    Then the handshake fails with protocol_version from the server

  @spec:RFC8446
  Scenario: A TLS 1.3 server negotiating lower marks its random; a server without TLS 1.3 does not
    Given a Notes Traveler server that speaks TLS 1.2 and TLS 1.3
    And alice has Secure Mail on Android O with the default connection security level
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the handshake negotiates TLS 1.2 on the wire
    And the ServerHello carries the downgrade sentinel for TLS 1.2
    When the Traveler server moves to TLS 1.0 to TLS 1.3
    And a client that falls back to TLS 1.1 connects to the Traveler server
    Then the handshake negotiates TLS 1.1 on the wire
    And the ServerHello carries the downgrade sentinel for TLS 1.1
    When the Traveler server moves to TLS 1.0 to TLS 1.2
    And alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the handshake negotiates TLS 1.2 on the wire
    And the ServerHello carries no downgrade sentinel

  Scenario Outline: Secure Mail's own ActiveSync client syncs over SSL 3.0 on <device> with the workaround
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail for <platform> with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    And alice has Secure Mail on <device> with the connection security level "SSLv3 and TLS"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail's ActiveSync connection negotiated SSL 3.0

    Examples:
      | platform | device           |
      | iOS      | iOS before 9     |
      | Android  | Android before M |
      | Android  | Android M and N  |

  Scenario: Secure Mail's own ActiveSync client under the default policy, before and after Traveler moves to TLS 1.2
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail for Android with the Exchange Server policy "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync"
    And alice has Secure Mail on Android M and N with the default connection security level
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because the device ends the TLS handshake with protocol_version
    When the Traveler server moves to TLS 1.2 only
    And alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail's ActiveSync connection negotiated TLS 1.2
