@source:001.ssl-tls
Feature: The two tables of "Configuration du niveau de sécurité SSL/TLS", cell by cell
  Seed 001 gives, per device OS, whether Secure Mail uses SSLv3 and TLS under each value of the
  "Connection security level" policy ("Niveau de sécurité de la connexion"). The Spanish copy
  (seed 000) lost the "Oui" cells; the French one is the source. Each cell is one scenario: an
  SSLv3 cell against a Traveler server that speaks only SSL 3.0, a TLS cell against one that
  speaks only TLS 1.0 (Secure Mail's floor). "Oui" means the handshake negotiates that protocol
  and ActiveSync's OPTIONS answers over it; "Non" means the handshake is refused.

  @spec:RFC6101
  Scenario Outline: Policy "SSLv3 and TLS": <device>, SSLv3 <sslv3>
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail on <device> with the connection security level "SSLv3 and TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the SSLv3 cell "<sslv3>" holds on the wire

    Examples:
      | device           | sslv3 |
      | iOS before 9     | Oui   |
      | iOS 9 and later  | Non   |
      | Android before M | Oui   |
      | Android M and N  | Oui   |
      | Android O        | Non   |

  @spec:RFC2246
  Scenario Outline: Policy "SSLv3 and TLS": <device>, TLS <tls>
    Given a Notes Traveler server that speaks TLS 1.0 only
    And alice has Secure Mail on <device> with the connection security level "SSLv3 and TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the TLS cell "<tls>" holds on the wire

    Examples:
      | device           | tls |
      | iOS before 9     | Oui |
      | iOS 9 and later  | Oui |
      | Android before M | Oui |
      | Android M and N  | Oui |
      | Android O        | Oui |

  @spec:RFC6101
  Scenario Outline: Policy "TLS": <device>, SSLv3 <sslv3>
    Given a Notes Traveler server that speaks SSL 3.0 only
    And alice has Secure Mail on <device> with the connection security level "TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the SSLv3 cell "<sslv3>" holds on the wire

    Examples:
      | device           | sslv3 |
      | iOS before 9     | Non   |
      | iOS 9 and later  | Non   |
      | Android before M | Non   |
      | Android M and N  | Non   |
      | Android O        | Non   |

  @spec:RFC2246
  Scenario Outline: Policy "TLS": <device>, TLS <tls>
    Given a Notes Traveler server that speaks TLS 1.0 only
    And alice has Secure Mail on <device> with the connection security level "TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the TLS cell "<tls>" holds on the wire

    Examples:
      | device           | tls |
      | iOS before 9     | Oui |
      | iOS 9 and later  | Oui |
      | Android before M | Oui |
      | Android M and N  | Oui |
      | Android O        | Oui |
