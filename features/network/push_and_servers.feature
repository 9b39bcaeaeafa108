@source:001.connection-types @source:000.connection-types
Feature: Through the gateway, push notifications and Notes Traveler work as they do directly
  The guide integrates Secure Mail with an Exchange or a Notes Traveler server "on your internal
  network or behind NetScaler Gateway". Exchange itself reaches the cloud listener and APNs
  from inside; the phone's EWS subscription and listener registration go through the gateway
  like its mail, while APNs reaches the phone through iOS, outside the app's policies.

  @source:004.data-flow.Q1
  Scenario: With mail on the STA ticket, a new message still sets the badge
    Given the default topology
    And Secure Mail has the seed's STA policies
    And "mail.example.test" is on the internal network
    And alice has Secure Mail for iOS in the Americas region
    And alice has set up push notifications
    When 1 message arrives in alice's inbox
    Then alice's badge shows 1
    And alice's connection to "mail.example.test:443" went through the background gateway
    And alice's connection to "us-east-1.listener.example.test:443" went through the micro VPN
    And alice's connection to "api.push.apple.test:443" went directly

  @source:001.secure-mail-policies @source:000.secure-mail-policies
  Scenario Outline: Through the micro VPN, the Exchange Server policy reaches an internal <server> as <policy>
    Given a Notes Traveler server configured as the guide recommends
    And Secure Mail has the seed's micro VPN policies
    And alice has Secure Mail for iOS with the Exchange Server policy "<policy>"
    And "<host>" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And the gateway opened a tunnel to "<host>:443" for alice on their logon session

    Examples:
      | server   | policy                                                              | host                  |
      | Exchange | mail.example.test                                                   | mail.example.test     |
      | Traveler | https://traveler.example.test/traveler/Microsoft-Server-ActiveSync  | traveler.example.test |
