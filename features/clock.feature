@source:004.failure.Q6
Feature: Virtual time
  Scenario: minutes pass in virtual time
    Given a fresh simulation
    When 16 minutes pass
    Then the virtual clock reads 16 minutes
