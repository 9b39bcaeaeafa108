@source:002.email-distribution.requirements
Feature: The Exchange builds S/MIME's set-up is written for
  Seed 002's required software ("Logiciels requis"), besides Secure Mail 10.8.10: "Exchange
  Server 2016, mise à jour cumulative 4", "Exchange Server 2013, mise à jour cumulative 15",
  "Exchange Server 2010 SP3 Update Rollup 16". EWS gives a server's build in every answer's
  ServerVersionInfo; a version the list does not name is held to the update listed for it, and
  one later than all of them (Exchange 2019) qualifies.

  Scenario Outline: Exchange <build> (<name>) meets the list
    Given Exchange reports the build "<build>"
    When an EWS client asks Exchange for alice's Inbox
    Then Exchange's build meets the software S/MIME requires

    Examples:
      | build       | name                  |
      | 14.3.319.2  | 2010 SP3 RU16         |
      | 15.0.1263.5 | 2013 CU15             |
      | 15.1.669.32 | 2016 CU4              |
      | 15.1.2507.6 | 2016 CU23             |
      | 15.2.221.12 | 2019 RTM              |

  Scenario Outline: Exchange <build> (<name>) predates <required>
    Given Exchange reports the build "<build>"
    When an EWS client asks Exchange for alice's Inbox
    Then Exchange's build is older than "<required>", which S/MIME requires

    Examples:
      | build       | name          | required                                   |
      | 14.3.301.0  | 2010 SP3 RU15 | Exchange Server 2010 SP3 Update Rollup 16  |
      | 14.2.247.5  | 2010 SP2      | Exchange Server 2010 SP3 Update Rollup 16  |
      | 15.0.1236.3 | 2013 CU14     | Exchange Server 2013 Cumulative Update 15  |
      | 15.1.544.27 | 2016 CU3      | Exchange Server 2016 Cumulative Update 4   |

  Scenario: The default Exchange 2013 SP1 of the default world predates CU15
    When an EWS client asks Exchange for alice's Inbox
    Then Exchange's build is older than "Exchange Server 2013 Cumulative Update 15", which S/MIME requires
