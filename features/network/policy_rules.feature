@source:001.network-policies @source:000.network-policies
Feature: The background network policies take effect only when network access is tunneled
  The guide: "Background network services" lists the services reached in the background (an
  Exchange or ActiveSync server, e.g. mail.example.com:443); "Background network service
  gateway" names the NetScaler Gateway Secure Mail goes through to the internal Exchange. Each
  "takes effect when you configure the Network access policy": set it to "Tunneled to the
  internal network", as the guide says twice.

  Scenario: Background services and a gateway set while network access is Unrestricted change nothing
    Given Secure Mail has the seed's STA policies
    And Secure Mail's policy Network access is Unrestricted
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And every connection of alice's Secure Mail went directly
    And the gateway opened no tunnel

  Scenario: With network access Unrestricted, the background gateway does not carry mail to an internal Exchange
    Given Secure Mail has the seed's STA policies
    And Secure Mail's policy Network access is Unrestricted
    And "mail.example.test" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because the phone has no route to the internal network
    And the gateway opened no tunnel

  Scenario: A mail server missing from the background services goes through the micro VPN, not on the ticket
    Given Secure Mail has the seed's STA policies
    And Secure Mail's policy Background network services is "ad.example.test:389"
    And "mail.example.test" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's connection to "mail.example.test:443" went through the micro VPN
    And the gateway opened no tunnel for alice on their ticket

  Scenario: A background gateway without background services carries nothing on a ticket
    Given Secure Mail has the seed's micro VPN policies
    And Secure Mail's policy Background network service gateway is "gateway.example.test:443"
    And "mail.example.test" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's connection to "mail.example.test:443" went through the micro VPN
    And the gateway opened no tunnel for alice on their ticket

  Scenario: A service the ticket does not open is refused at the gateway
    Given Secure Mail has the seed's STA policies
    When a background connection with alice's ticket asks the gateway for "ad.example.test:389"
    Then the gateway refused a tunnel to "ad.example.test:389" with HTTP 403

  Scenario: A policy changed in Endpoint Management takes effect when the user logs on again
    Given Secure Mail has the seed's micro VPN policies
    And alice's Secure Mail has synced over ActiveSync
    When the administrator sets Network access to Unrestricted in Endpoint Management
    And alice's Secure Mail syncs over ActiveSync
    Then alice's connection to "mail.example.test:443" went through the micro VPN
    When alice logs on again
    And alice's Secure Mail syncs over ActiveSync
    Then alice's connection to "mail.example.test:443" went directly

  @source:001.network-policies.network-access @source:000.network-policies.network-access
  Scenario: Network access left at its default is tunneled: Secure Mail goes through the micro VPN
    Given Secure Mail's policy Network access is left at its default
    And "mail.example.test" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's connection to "mail.example.test:443" went through the micro VPN

  @source:001.network-policies.network-access @source:000.network-policies.network-access
  Scenario: Read the other way, the default is unrestricted: Secure Mail connects directly
    Given Secure Mail's policy Network access is left at its default
    And the default of Network access is read as Unrestricted
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And every connection of alice's Secure Mail went directly
