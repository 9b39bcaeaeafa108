@source:001.connection-types @source:000.connection-types
Feature: Secure Mail reaches its mail server directly, through a micro VPN or through the gateway with an STA ticket
  The guide draws three ways Secure Mail connects to its mail server, each with the MDX policies
  it takes: a direct connection (Network access "Unrestricted"), a micro VPN (Network access
  "Tunneled to the internal network", no background policies) and STA access (tunneled, the mail
  server as background network service, the NetScaler Gateway as background network service
  gateway, a ticket valid 168 hours). The seed's mail.exemple.com:443 and gateway3.exemple.com:443
  are the default world's mail.example.test:443 and gateway.example.test:443.

  Scenario Outline: Through the <type>, Secure Mail syncs with an Exchange on the internal network
    Given Secure Mail has the seed's <type> policies
    And "mail.example.test" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's connection to "mail.example.test:443" went <route>
    And the gateway opened a tunnel to "mail.example.test:443" for alice on their <basis>

    Examples:
      | type      | route                           | basis         |
      | micro VPN | through the micro VPN           | logon session |
      | STA       | through the background gateway  | ticket        |

  Scenario: A direct connection reaches a mail server on the internet without the gateway
    Given Secure Mail has the seed's direct connection policies
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And every connection of alice's Secure Mail went directly
    And the gateway opened no tunnel

  Scenario: A direct connection cannot reach a mail server on the internal network
    Given Secure Mail has the seed's direct connection policies
    And "mail.example.test" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because the phone has no route to the internal network
    And the gateway opened no tunnel

  @source:001.network-policies.network-access @source:000.network-policies.network-access
  Scenario: With network access Blocked, Secure Mail opens no connection at all
    Given Secure Mail's policy Network access is Blocked
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because network access is blocked
    And every connection of alice's Secure Mail went nowhere
    And the gateway opened no tunnel

  Scenario: The seed's STA configuration as Endpoint Management exports it
    Given Secure Mail's policies are exported as
      """
      <PolicyMetadata>
        <Policies>
          <Policy><PolicyName>NetworkAccess</PolicyName><PolicyValue>NetworkAccessTunneled</PolicyValue></Policy>
          <Policy><PolicyName>BackgroundServices</PolicyName><PolicyValue>mail.example.test: 443</PolicyValue></Policy>
          <Policy><PolicyName>BackgroundServicesExpiration</PolicyName><PolicyDefault>168</PolicyDefault></Policy>
          <Policy><PolicyName>BackgroundServicesGateway</PolicyName><PolicyValue>gateway.example.test:443</PolicyValue></Policy>
        </Policies>
      </PolicyMetadata>
      """
    And "mail.example.test" is on the internal network
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's connection to "mail.example.test:443" went through the background gateway
    And Endpoint Management issued alice a ticket valid for 168 hours
