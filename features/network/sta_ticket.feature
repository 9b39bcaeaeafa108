@source:001.network-policies.ticket-expiration @source:000.network-policies.ticket-expiration
Feature: The background services ticket lasts as long as its expiration policy, then the user logs on again
  The guide: when Secure Mail connects through NetScaler Gateway to an Exchange server running
  ActiveSync, Endpoint Management issues a token Secure Mail uses to connect to the internal
  Exchange server. "Background services ticket expiration" is how long Secure Mail may use it
  without asking for a new one; when it runs out, users must log on again to get a new token.
  The default is 168 hours (7 days).

  Background:
    Given Secure Mail has the seed's STA policies
    And "mail.example.test" is on the internal network

  Scenario Outline: A ticket of <hours> hours still works a minute before it expires, not when it expires
    Given Secure Mail's policy Background services ticket expiration is <hours> hours
    And alice's Secure Mail has synced over ActiveSync
    When <before> hours and 59 minutes pass
    And alice's Secure Mail syncs over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    When 1 minute passes
    And alice's Secure Mail syncs over ActiveSync
    Then alice's Secure Mail cannot sync because the gateway refuses its ticket
    And alice must log on again
    And the gateway refused a tunnel to "mail.example.test:443" with HTTP 407
    And Endpoint Management issued alice a ticket valid for <hours> hours

    Examples:
      | hours | before |
      | 168   | 167    |
      | 24    | 23     |

  Scenario: Logging on again gives a new ticket and the background connection works again
    Given alice's Secure Mail has synced over ActiveSync
    When 168 hours pass
    And alice's Secure Mail syncs over ActiveSync
    Then alice's Secure Mail cannot sync because the gateway refuses its ticket
    When alice logs on again
    And alice's Secure Mail syncs over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's connection to "mail.example.test:443" went through the background gateway
    And Endpoint Management issued alice a ticket valid for 168 hours
