@source:003.configure-seg-for-authentication
Feature: SEG removes the EWS authentication challenges it cannot carry
  SEG as EWS proxy supports Basic, certificate-based authentication with KCD and OAuth, not
  NTLM: SEG does not keep NTLM's connection. With remove.unsupported.auth.for.ews=true (SEG
  2.9.0.1 and later) SEG removes the NTLM and Negotiate WWW-Authenticate headers from EWS
  answers to ENS; Negotiate only in the absence of a valid client certificate (UPN null).
  With a valid certificate SEG obtains a Kerberos token by KCD and proceeds with Negotiate.

  Background:
    Given a Workspace ONE deployment with SEG V2 "2.12.0" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"

  Scenario Outline: Exchange offers "<exchange offers>", remove.unsupported.auth.for.ews=<flag>, no client certificate
    Given Exchange's EWS offers "<exchange offers>"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=<flag>"
    When an EWS client without a client certificate asks SEG for EWS without credentials
    Then the client is offered "<client sees>"

    Examples:
      | exchange offers        | flag  | client sees            |
      | Negotiate, NTLM, Basic | false | Negotiate, NTLM, Basic |
      | Negotiate, NTLM, Basic | true  | Basic                  |
      | NTLM, Basic            | false | NTLM, Basic            |
      | NTLM, Basic            | true  | Basic                  |
      | Negotiate, Basic       | false | Negotiate, Basic       |
      | Negotiate, Basic       | true  | Basic                  |
      | Basic                  | true  | Basic                  |

  Scenario Outline: Exchange offers "<exchange offers>", flag <flag>, a client certificate with a UPN, SEG without KCD
    Given Exchange's EWS offers "<exchange offers>"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=<flag>"
    And SEG has no KCD settings
    When an EWS client with alice's client certificate asks SEG for EWS without other credentials
    Then the client is offered "<client sees>"

    Examples:
      | exchange offers        | flag  | client sees            |
      | Negotiate, NTLM, Basic | true  | Negotiate, Basic       |
      | Negotiate, NTLM, Basic | false | Negotiate, NTLM, Basic |
      | NTLM, Basic            | true  | Basic                  |

  @source:003.supported-ews-authentication-methods
  Scenario Outline: A client certificate with a UPN: SEG obtains a Kerberos ticket by KCD (flag <flag>)
    Given Exchange's EWS offers "Negotiate, NTLM, Basic"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=<flag>"
    When an EWS client with alice's client certificate asks SEG for EWS without other credentials
    Then the client is authenticated as alice by Negotiate

    Examples:
      | flag  |
      | true  |
      | false |

  Scenario: Basic and Kerberos enabled, no client certificate: the client is held to Basic
    Given Exchange's EWS offers "Negotiate, Basic"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=true"
    When an EWS client without a client certificate asks SEG for EWS without credentials
    Then the client is offered "Basic"
    When alice's Boxer sets up push
    Then alice's Boxer is registered with ENS2
    And Exchange authenticated alice's EWS requests by Basic

  Scenario: Basic and Kerberos enabled, no client certificate: a client without Basic gets no successful answer
    Given Exchange's EWS offers "Negotiate, Basic"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=true"
    And alice's Boxer authenticates with NTLM
    When alice's Boxer sets up push
    Then ENS2 cannot register alice's Boxer because the server does not offer NTLM authentication

  Scenario: NTLM through SEG fails on the second leg, because SEG pools its upstream connections
    Given Exchange's EWS offers "NTLM"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=false"
    And alice's Boxer authenticates with NTLM
    When alice's Boxer sets up push
    Then ENS2 cannot register alice's Boxer because the server refuses the credentials
    And SEG sent the NTLM negotiate and authenticate messages on different upstream connections

  Scenario: The same NTLM client authenticates when it reaches Exchange directly
    Given Exchange's EWS offers "NTLM"
    And ENS2 reaches EWS through "mail.example.test"
    And alice's Boxer authenticates with NTLM
    When alice's Boxer sets up push
    Then alice's Boxer is registered with ENS2
    And Exchange authenticated alice's EWS requests by NTLM

  @spec:MS-NLMP.3.2.5.1.2
  Scenario Outline: Exchange checks the NTLMv2 response and its MIC: a client with <client>
    Given Exchange's EWS offers "NTLM"
    When an EWS client signs in to Exchange as alice by NTLM with <client>
    Then the EWS client gets HTTP <status>

    Examples:
      | client                         | status |
      | the right password             | 200    |
      | a wrong password               | 401    |
      | the right password and no MIC  | 200    |
      | a wrong password and no MIC    | 401    |
      | a tampered MIC                 | 401    |
      | the MIC dropped                | 401    |
      | the anonymous flag and a user  | 401    |
      | a short session key and no MIC | 401    |
      | a 2-byte MsvAvFlags            | 401    |

  Scenario Outline: remove.unsupported.auth.for.ews exists from SEG 2.9.0.1 (SEG <version>)
    Given a Workspace ONE deployment with SEG V2 "<version>" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"
    And SEG's application.properties sets "remove.unsupported.auth.for.ews=true"
    And Exchange's EWS offers "NTLM, Basic"
    When an EWS client without a client certificate asks SEG for EWS without credentials
    Then the client is offered "<client sees>"

    Examples:
      | version | client sees |
      | 2.9.0   | NTLM, Basic |
      | 2.9.0.1 | Basic       |
