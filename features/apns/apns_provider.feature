@source:004.config.Q4
Feature: The listener's APNs certificate and what APNs answers
  The listener pushes with the Secure Mail APNs certificate the admin uploaded (Configuration
  Q3, Q4, Q14, Q15): one entry per region, updated on renewal. APNs refuses pushes with a
  certificate that does not match the topic or has expired, and tells the provider when a
  device token is no longer valid.

  Background:
    Given the default topology
    And alice has Secure Mail for iOS in the Americas region

  @source:004.config.Q4
  Scenario: An expired provider certificate stops pushes until it is renewed
    Given Secure Mail's APNs certificate for the Americas region expires in 60 minutes
    And alice has set up push notifications
    When 61 minutes pass
    And 1 message arrives in alice's inbox
    Then the Americas listener's last APNs push was refused for its client certificate
    And alice's badge shows 0
    When the admin renews Secure Mail's APNs certificate for the Americas region
    And 1 message arrives in alice's inbox
    Then alice's badge shows 2

  @source:004.config.Q2
  Scenario: A certificate for another App ID (the MDM certificate, say) cannot push to Secure Mail
    Given the certificate uploaded for Secure Mail in the Americas region was issued for the App ID "com.example.mdm"
    And alice has set up push notifications
    When 1 message arrives in alice's inbox
    Then the Americas listener's last APNs push was refused with 400 TopicDisallowed
    And alice's badge shows 0
    When the admin renews Secure Mail's APNs certificate for the Americas region
    And 1 message arrives in alice's inbox
    Then alice's badge shows 2

  @spec:APNs.provider-api.410
  Scenario: APNs says the token is unregistered and the listener forgets the device
    Given alice has set up push notifications
    When alice uninstalls Secure Mail
    And 3 minutes pass
    And 1 message arrives in alice's inbox
    Then the Americas listener's last APNs push was refused with 410 Unregistered
    And the Americas listener's last APNs push was refused as unregistered since 3 minutes before it
    And the Americas listener has no registration for alice

  @spec:APNs.provider-api.410
  Scenario: A device that registered again after its token went invalid is kept through the 410
    Given alice has set up push notifications
    When alice uninstalls Secure Mail
    And 1 minute passes
    And alice's Secure Mail registers with the Americas listener again
    And 1 message arrives in alice's inbox
    Then the Americas listener's last APNs push was refused with 410 Unregistered
    And the Americas listener has a registration for alice with the EWS subscription ID

  @source:004.general.Q5
  Scenario: A wildcard App ID is refused
    When the admin uploads an APNs certificate for the App ID "com.example.*" in the Americas region
    Then the upload is refused because the App ID is a wildcard

  @source:004.config.Q15
  Scenario: The same App ID may be uploaded in several regions, one entry per region
    When the admin uploads an APNs certificate for the App ID "com.example.securemail" in the EMEA region
    Then the upload is accepted
    When the admin uploads an APNs certificate for the App ID "com.example.securemail" in the EMEA region
    Then the upload is accepted
