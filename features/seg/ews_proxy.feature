@source:003.configure-ens2-with-seg
Feature: SEG V2 as the EWS proxy of ENS2
  When the EWS endpoint is not public, ENS2 subscribes to EWS push through SEG V2. Setting
  enable.boxer.ens.ews.proxy=true in SEG's application.properties (and restarting the
  service) makes SEG receive the /EWS and /ews endpoints for ENS's traffic. SEG supports both
  cloud and on-premises ENS deployments.

  Background:
    Given a Workspace ONE deployment with SEG V2 "2.12.0" in front of Exchange

  Scenario Outline: enable.boxer.ens.ews.proxy=<flag>: SEG <what> <path>
    Given SEG's application.properties sets "enable.boxer.ens.ews.proxy=<flag>"
    When an EWS client without credentials posts to SEG at "<path>"
    Then the EWS client gets HTTP <status>

    Examples:
      | flag  | what          | path               | status |
      | true  | serves        | /EWS/Exchange.asmx | 401    |
      | true  | serves        | /ews/exchange.asmx | 401    |
      | false | does not serve | /EWS/Exchange.asmx | 404    |
      | false | does not serve | /ews/exchange.asmx | 404    |

  @source:003.ens-integration-with-seg
  Scenario Outline: ENS2 <placement> subscribes through SEG and Boxer gets the unread count
    Given SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And ENS2 runs "<placement>"
    And alice's Boxer has synced
    When alice's Boxer sets up push
    Then alice's Boxer is registered with ENS2
    When 2 messages arrive in alice's inbox
    Then alice's Boxer receives a push with badge 2
    And Exchange authenticated alice's EWS requests by Basic

    Examples:
      | placement    |
      | in the cloud |
      | on premises  |

  @source:003.ens-integration-with-seg @spec:APNs.provider-api
  Scenario: ENS2 keeps one provider token, so a push minutes after the first still reaches Boxer
    Given SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And ENS2 runs "in the cloud"
    And alice's Boxer has synced
    When alice's Boxer sets up push
    And 1 message arrives in alice's inbox
    Then alice's Boxer receives a push with badge 1
    When 3 minutes pass
    And 1 message arrives in alice's inbox
    Then alice's Boxer receives a push with badge 2
