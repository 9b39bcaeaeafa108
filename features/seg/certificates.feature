@source:003.supported-servers
Feature: A self-signed Exchange certificate and SEG's Java trust store
  If the EWS server uses a self-signed certificate, it must be in SEG's Java trust store
  (added before the SEG installation, or the installer run again); SEG's
  ignoreSslErrorsWithExch setting of the email server configuration also lets it through.

  Background:
    Given Exchange has a self-signed certificate
    And a Workspace ONE deployment with SEG V2 "2.12.0" in front of Exchange
    And SEG's application.properties sets "enable.boxer.ens.ews.proxy=true"

  Scenario: Not in the trust store: SEG cannot reach Exchange
    When alice's Boxer syncs
    And alice's Boxer sets up push
    Then alice's Boxer cannot sync because the gateway cannot reach the mail server
    And ENS2 cannot register alice's Boxer because the gateway cannot reach the mail server

  Scenario: In the trust store: ActiveSync and EWS go through
    Given Exchange's self-signed certificate is in SEG's Java trust store
    When alice's Boxer syncs
    And alice's Boxer sets up push
    Then alice's Boxer syncs its Inbox
    And alice's Boxer is registered with ENS2

  Scenario: ignoreSslErrorsWithExch: ActiveSync and EWS go through
    Given SEG's email server settings ignore SSL errors with Exchange
    When alice's Boxer syncs
    And alice's Boxer sets up push
    Then alice's Boxer syncs its Inbox
    And alice's Boxer is registered with ENS2
