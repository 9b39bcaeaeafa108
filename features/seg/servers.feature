@source:003.supported-servers
Feature: EWS and ActiveSync on different FQDNs, and SEG's settings towards the mail server
  With different FQDNs for EWS and ActiveSync, SEG 2.12 or later takes the EWS host in
  ews.email.server.host.and.port. Before 2.12 one SEG serves one email server FQDN, so two
  MEM configurations and two SEGs are needed; with one FQDN for both, one SEG proxies both. A
  separate EWS host still uses the server timeout, ignoreSslErrorsWithExch and the other
  settings of the EAS email server configuration, and a self-signed Exchange certificate must
  be in SEG's Java trust store.

  Background:
    Given Exchange serves EWS only at its own FQDN "ews.example.test"

  Scenario Outline: SEG <version> with ews.email.server.host.and.port
    Given a Workspace ONE deployment with SEG V2 "<version>" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And SEG's application.properties sets "ews.email.server.host.and.port=https://ews.example.test:443"
    When alice's Boxer syncs
    And alice's Boxer sets up push
    Then alice's Boxer syncs its Inbox
    And <outcome>

    Examples:
      | version | outcome                                                  |
      | 2.12.0  | alice's Boxer is registered with ENS2                    |
      | 2.11.0  | ENS2 cannot register alice's Boxer because the path is not found |

  Scenario: Before 2.12, a second SEG for the EWS FQDN
    Given a Workspace ONE deployment with SEG V2 "2.11.0" in front of Exchange
    And a second SEG V2 "2.11.0" at "seg-ews.example.test" for the email server "ews.example.test", proxying EWS
    And ENS2 reaches EWS through "seg-ews.example.test"
    When alice's Boxer syncs
    And alice's Boxer sets up push
    Then alice's Boxer syncs its Inbox
    And alice's Boxer is registered with ENS2
    When 1 message arrives in alice's inbox
    Then alice's Boxer receives a push with badge 1

  Scenario: The EWS host keeps the server timeout of the email server configuration
    Given a Workspace ONE deployment with SEG V2 "2.12.0" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And SEG's application.properties sets "ews.email.server.host.and.port=https://ews.example.test:443"
    And SEG's email server settings have a server timeout of 30 seconds
    When Exchange takes 45 seconds to answer
    And alice's Boxer sets up push
    Then ENS2 cannot register alice's Boxer because the gateway times out waiting for the mail server

