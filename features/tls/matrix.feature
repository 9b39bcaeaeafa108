@source:001.ssl-tls
Feature: The SSLv3/TLS matrix: every device OS under each policy against each server
  Secure Mail's ActiveSync connection from each device OS of the guide's tables, under each
  value of the "Connection security level" policy, to Notes Traveler servers that speak exactly
  one version or a mixed set. Each row asserts what the handshake negotiated on the wire, or the
  alert that ended it and who sent it: a client whose policy refuses the version a server picks
  sends protocol_version; a server with no version in common sends protocol_version, or
  handshake_failure when it only speaks SSL 3.0 (SSL 3.0 has no protocol_version alert).

  @spec:RFC5246 @spec:RFC8446
  Scenario Outline: Policy "TLS": <device> against a Traveler server speaking <server>
    Given a Notes Traveler server that speaks <server>
    And alice has Secure Mail on <device> with the connection security level "TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the result on the wire is "<result>"

    Examples:
      | device           | server              | result                            |
      | iOS before 9     | SSL 3.0             | protocol_version from the client  |
      | iOS before 9     | TLS 1.0             | TLS 1.0                           |
      | iOS before 9     | TLS 1.1             | TLS 1.1                           |
      | iOS before 9     | TLS 1.2             | TLS 1.2                           |
      | iOS before 9     | TLS 1.3             | protocol_version from the server  |
      | iOS before 9     | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | iOS before 9     | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | iOS before 9     | TLS 1.2 and TLS 1.3 | TLS 1.2                           |
      | iOS 9 and later  | SSL 3.0             | handshake_failure from the server |
      | iOS 9 and later  | TLS 1.0             | TLS 1.0                           |
      | iOS 9 and later  | TLS 1.1             | TLS 1.1                           |
      | iOS 9 and later  | TLS 1.2             | TLS 1.2                           |
      | iOS 9 and later  | TLS 1.3             | TLS 1.3                           |
      | iOS 9 and later  | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | iOS 9 and later  | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | iOS 9 and later  | TLS 1.2 and TLS 1.3 | TLS 1.3                           |
      | Android before M | SSL 3.0             | protocol_version from the client  |
      | Android before M | TLS 1.0             | TLS 1.0                           |
      | Android before M | TLS 1.1             | TLS 1.1                           |
      | Android before M | TLS 1.2             | TLS 1.2                           |
      | Android before M | TLS 1.3             | protocol_version from the server  |
      | Android before M | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | Android before M | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | Android before M | TLS 1.2 and TLS 1.3 | TLS 1.2                           |
      | Android M and N  | SSL 3.0             | protocol_version from the client  |
      | Android M and N  | TLS 1.0             | TLS 1.0                           |
      | Android M and N  | TLS 1.1             | TLS 1.1                           |
      | Android M and N  | TLS 1.2             | TLS 1.2                           |
      | Android M and N  | TLS 1.3             | protocol_version from the server  |
      | Android M and N  | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | Android M and N  | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | Android M and N  | TLS 1.2 and TLS 1.3 | TLS 1.2                           |
      | Android O        | SSL 3.0             | protocol_version from the client  |
      | Android O        | TLS 1.0             | TLS 1.0                           |
      | Android O        | TLS 1.1             | TLS 1.1                           |
      | Android O        | TLS 1.2             | TLS 1.2                           |
      | Android O        | TLS 1.3             | protocol_version from the server  |
      | Android O        | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | Android O        | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | Android O        | TLS 1.2 and TLS 1.3 | TLS 1.2                           |

  @spec:RFC5246 @spec:RFC8446
  Scenario Outline: Policy "SSLv3 and TLS": <device> against a Traveler server speaking <server>
    Given a Notes Traveler server that speaks <server>
    And alice has Secure Mail on <device> with the connection security level "SSLv3 and TLS"
    When alice's Secure Mail opens its ActiveSync connection to the Traveler server
    Then the result on the wire is "<result>"

    Examples:
      | device           | server              | result                            |
      | iOS before 9     | SSL 3.0             | SSL 3.0                           |
      | iOS before 9     | TLS 1.0             | TLS 1.0                           |
      | iOS before 9     | TLS 1.1             | TLS 1.1                           |
      | iOS before 9     | TLS 1.2             | TLS 1.2                           |
      | iOS before 9     | TLS 1.3             | protocol_version from the server  |
      | iOS before 9     | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | iOS before 9     | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | iOS before 9     | TLS 1.2 and TLS 1.3 | TLS 1.2                           |
      | iOS 9 and later  | SSL 3.0             | handshake_failure from the server |
      | iOS 9 and later  | TLS 1.0             | TLS 1.0                           |
      | iOS 9 and later  | TLS 1.1             | TLS 1.1                           |
      | iOS 9 and later  | TLS 1.2             | TLS 1.2                           |
      | iOS 9 and later  | TLS 1.3             | TLS 1.3                           |
      | iOS 9 and later  | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | iOS 9 and later  | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | iOS 9 and later  | TLS 1.2 and TLS 1.3 | TLS 1.3                           |
      | Android before M | SSL 3.0             | SSL 3.0                           |
      | Android before M | TLS 1.0             | TLS 1.0                           |
      | Android before M | TLS 1.1             | TLS 1.1                           |
      | Android before M | TLS 1.2             | TLS 1.2                           |
      | Android before M | TLS 1.3             | protocol_version from the server  |
      | Android before M | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | Android before M | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | Android before M | TLS 1.2 and TLS 1.3 | TLS 1.2                           |
      | Android M and N  | SSL 3.0             | SSL 3.0                           |
      | Android M and N  | TLS 1.0             | TLS 1.0                           |
      | Android M and N  | TLS 1.1             | TLS 1.1                           |
      | Android M and N  | TLS 1.2             | TLS 1.2                           |
      | Android M and N  | TLS 1.3             | protocol_version from the server  |
      | Android M and N  | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | Android M and N  | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | Android M and N  | TLS 1.2 and TLS 1.3 | TLS 1.2                           |
      | Android O        | SSL 3.0             | protocol_version from the client  |
      | Android O        | TLS 1.0             | TLS 1.0                           |
      | Android O        | TLS 1.1             | TLS 1.1                           |
      | Android O        | TLS 1.2             | TLS 1.2                           |
      | Android O        | TLS 1.3             | protocol_version from the server  |
      | Android O        | SSL 3.0 and TLS 1.0 | TLS 1.0                           |
      | Android O        | TLS 1.0 to TLS 1.2  | TLS 1.2                           |
      | Android O        | TLS 1.2 and TLS 1.3 | TLS 1.2                           |
