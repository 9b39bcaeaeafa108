@source:001.integration
Feature: Secure Mail syncing with Exchange over ActiveSync
  Secure Mail keeps mail, calendar and contacts in step with Exchange over ActiveSync; the
  "Secure Mail Exchange Server" policy names the server by FQDN. Exchange provisions every
  device, and its EWS and ActiveSync sides serve the same mailboxes.

  @spec:MS-ASHTTP.2.2.4.1.2 @spec:MS-ASPROV.3.1.5.1
  Scenario Outline: Secure Mail syncs with <version> using ActiveSync <eas>
    Given the Exchange server is "<version>"
    And alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail negotiated ActiveSync <eas>
    When 1 message arrives in alice's inbox
    Then alice's Secure Mail shows "Message 0" in its Inbox after one Ping

    Examples:
      | version           | eas  |
      | Exchange 2007 SP1 | 12.1 |
      | Exchange 2010     | 14.0 |
      | Exchange 2013     | 14.1 |
      | Office 365        | 16.1 |

  @spec:MS-ASPROV.3.1.5.1
  Scenario: Exchange provisions the device before it may sync
    Given alice has Secure Mail for Android with the Exchange Server policy "https://mail.example.test/Microsoft-Server-ActiveSync"
    When alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail received an EAS device policy from the server

  @source:004.general.Q3 @spec:MS-ASCMD.2.2.1.13
  Scenario: Secure Mail for Android holds an ActiveSync Ping open, so new mail arrives at once
    Given alice has Secure Mail for Android with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has synced over ActiveSync
    When a message "Urgent" arrives in alice's inbox 3 minutes into a Ping of Secure Mail
    Then the Ping returned after 3 minutes with "Urgent" in alice's Secure Mail Inbox

  @spec:MS-ASPROV.3.2.5.1 @spec:MS-ASCMD.2.2.2
  Scenario: A changed device policy reaches a provisioned device through a policy refresh
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's Secure Mail has synced over ActiveSync
    When the Exchange administrator requires a device password of at least 8 characters
    And alice's Secure Mail syncs over ActiveSync
    Then Exchange told alice's Secure Mail to refresh its device policy with Status 143
    And alice's Secure Mail syncs its Inbox, Calendar and Contacts
    And alice's Secure Mail received an EAS device policy requiring a device password of at least 8 characters

  @spec:MS-ASPROV.3.1.5.2
  Scenario: A device that cannot apply Exchange's policy gets a clear error
    Given alice has Secure Mail for iOS with the Exchange Server policy "mail.example.test"
    And alice's device cannot enforce the EAS policy setting "RequireDeviceEncryption"
    When the Exchange administrator requires device encryption
    And alice's Secure Mail connects over ActiveSync
    Then alice's Secure Mail cannot sync because the device cannot apply the server's policy setting RequireDeviceEncryption

  @spec:MS-ASPROV.3.2.5.1 @spec:MS-ASCMD.2.2.2
  Scenario Outline: Exchange lets no unprovisioned device sync: ActiveSync <eas> with <key>
    When an ActiveSync <eas> client of alice sends FolderSync to Exchange with <key>
    Then Exchange answers the ActiveSync client with <answer>

    Examples:
      | eas  | key                | answer     |
      | 12.1 | no policy key      | HTTP 449   |
      | 12.1 | a wrong policy key | HTTP 449   |
      | 14.1 | no policy key      | Status 142 |
      | 14.1 | a wrong policy key | Status 144 |

  @spec:MS-ASPROV.3.1.5.2
  Scenario Outline: An Exchange that allows non-provisionable devices lets a device without a key sync: ActiveSync <eas>
    Given Exchange allows devices that cannot fully apply its policy
    When an ActiveSync <eas> client of alice sends FolderSync to Exchange with no policy key
    Then Exchange carries out the ActiveSync client's command

    Examples:
      | eas  |
      | 12.1 |
      | 14.1 |

  @spec:MS-ASPROV.3.2.5.1
  Scenario Outline: Exchange syncs a device that presents the policy key it was given: ActiveSync <eas>
    When an ActiveSync <eas> client of alice sends FolderSync to Exchange with its provisioned policy key
    Then Exchange carries out the ActiveSync client's command

    Examples:
      | eas  |
      | 12.1 |
      | 14.1 |

  @spec:MS-ASCMD.2.2.1.13
  Scenario Outline: Exchange holds a Ping only within its heartbeat bounds: <heartbeat> seconds
    When an ActiveSync 14.1 client of alice pings Exchange with a heartbeat of <heartbeat> seconds
    Then <outcome>

    Examples:
      | heartbeat | outcome                                                                      |
      | 59        | Exchange refuses the heartbeat and names 60 seconds as the nearest allowed   |
      | 60        | Exchange carries out the ActiveSync client's command                         |
      | 3540      | Exchange carries out the ActiveSync client's command                         |
      | 3541      | Exchange refuses the heartbeat and names 3540 seconds as the nearest allowed |

  @spec:MS-ASCMD.2.2.1.13
  Scenario Outline: Exchange refuses a Ping on more folders than it monitors, and names its limit: <folders> folders
    When an ActiveSync 14.1 client of alice pings Exchange on <folders> folders
    Then <outcome>

    Examples:
      | folders | outcome                                                                     |
      | 300     | Exchange carries out the ActiveSync client's command                        |
      | 301     | Exchange refuses the folder count and names 300 folders as the most allowed |

  @spec:MS-ASCMD.2.2.1.13
  Scenario: A Ping on a folder the device never synced returns when the folder changes, not for what it held before
    When 1 message arrives in alice's inbox
    And a message "During" arrives in alice's inbox 3 minutes into a 10-minute Ping of an ActiveSync 14.1 client that never synced it
    Then the ActiveSync client's Ping returned after 3 minutes naming "Inbox"
