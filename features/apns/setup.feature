@source:004.data-flow.Q1
Feature: Setting up APNs push for Secure Mail for iOS
  The APNs FAQ (Information/Data Flow Q1) lists the set-up: the user allows notifications,
  iOS gets a device token from APNs, Secure Mail registers with the listener service,
  subscribes to EWS push for the inbox, and hands the subscription ID to the listener.

  Background:
    Given the default topology
    And alice has Secure Mail for iOS in the Americas region

  @spec:MS-OXWSNTIF.3.1.4.3
  Scenario: First launch sets up the whole push chain
    When alice launches Secure Mail and allows notifications
    Then alice's Secure Mail has a device token from APNs
    And the Americas listener has a registration for alice with the EWS subscription ID
    And Exchange has an active push subscription for alice
    And Exchange's push subscription for alice points at the Americas listener
    And alice's Secure Mail has subscribed to EWS push 1 time
    And alice's Secure Mail reports no error

  Scenario: Without permission for notifications there is no registration
    When alice launches Secure Mail and denies notifications
    Then alice's Secure Mail is not registered for push
    And the Americas listener holds no registration at all

  @source:004.config.Q7
  Scenario: EWS on a host of its own (PushNotificationsEWSHostName)
    Given EWS is also published on its own host "ews.example.test"
    And alice's Secure Mail has "ews.example.test" as PushNotificationsEWSHostName
    When alice sets up push notifications
    Then every EWS request of alice went to "ews.example.test"
    And Exchange has an active push subscription for alice
