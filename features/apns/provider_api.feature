@source:004.data-flow.Q1 @spec:APNs.provider-api
Feature: What APNs answers a provider about its token and its environment
  Apple's provider API ("Establishing a token-based connection to APNs", "Handling notification
  responses from APNs"): a provider signs a JSON Web Token with its key and sends it with each
  push; the token is good for one hour and is to be signed anew no more than once every 20
  minutes; a refusal comes with a JSON body naming its reason; a push accepted by the
  development environment (api.sandbox.push.apple.com) carries an apns-unique-id, one accepted
  in production does not. Seed 004's flow (Data Flow Q1, execution step 2) has the listener
  "send out an APNs push notification via Apple APNs"; this is the APNs side of that step. The
  listener signs its tokens every 40 minutes, so these answers need a provider of their own.

  Background:
    Given the default topology

  @spec:APNs.provider-api.403
  Scenario: A provider token is good for an hour: kept longer, APNs answers 403 ExpiredProviderToken
    Given a provider whose APNs token is signed anew every 90 minutes
    And a phone whose Secure Mail registered with APNs's production environment
    When the provider pushes a badge of 1 to the phone
    Then APNs accepted the provider's push
    When 59 minutes pass
    And the provider pushes a badge of 2 to the phone
    Then APNs accepted the provider's push
    When 2 minutes pass
    And the provider pushes a badge of 3 to the phone
    Then APNs refused the provider's push with 403 ExpiredProviderToken
    When 30 minutes pass
    And the provider pushes a badge of 4 to the phone
    Then APNs accepted the provider's push

  @spec:APNs.provider-api.429
  Scenario: A token signed anew within 20 minutes of the last is refused with 429 TooManyProviderTokenUpdates
    Given a provider whose APNs token is signed anew every 10 minutes
    And a phone whose Secure Mail registered with APNs's production environment
    When the provider pushes a badge of 1 to the phone
    Then APNs accepted the provider's push
    When 10 minutes pass
    And the provider pushes a badge of 2 to the phone
    Then APNs refused the provider's push with 429 TooManyProviderTokenUpdates
    When 10 minutes pass
    And the provider pushes a badge of 3 to the phone
    Then APNs accepted the provider's push

  @spec:APNs.provider-api.200
  Scenario Outline: Only the development environment answers a push with an apns-unique-id: <environment>
    Given a provider whose APNs token is signed anew every 40 minutes
    And a phone whose Secure Mail registered with APNs's <environment> environment
    When the provider pushes a badge of 1 to the phone
    Then APNs accepted the provider's push
    And APNs's answer <carried> an apns-unique-id

    Examples:
      | environment | carried       |
      | development | carried       |
      | production  | did not carry |
