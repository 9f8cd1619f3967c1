/*
 * bdoor_def.h - protocol constants of the VMware backdoor and GuestRPC, in
 * one place (as open-vm-tools keeps them in lib/include/backdoor_def.h and
 * guest_msg_def.h).  Values and their sources: ../shared/reference/
 * vmware-backdoor.md, sections 1-4.  Nothing here does anything.
 */
#ifndef NHV_BDOOR_DEF_H
#define NHV_BDOOR_DEF_H

#include <stdint.h>

/* 1.1: magic and ports */
#define BDOOR_MAGIC		0x564D5868u	/* "VMXh" */
#define BDOOR_PORT		0x5658u		/* low bandwidth, "VX" */
#define BDOORHB_PORT		0x5659u		/* high bandwidth, "VY" */
#define BDOOR_NO_DEVICE		0xFFFFFFFFu	/* EAX when nothing answers */

/* The command is the low 16 bits of ECX, the sub-command the high 16. */
#define BDOOR_CMD(ecx)		((ecx) & 0xFFFFu)
#define BDOOR_SUBCMD(ecx)	(((ecx) >> 16) & 0xFFFFu)
#define BDOOR_ECX(cmd, sub)	((((uint32_t)(sub) & 0xFFFFu) << 16) | ((uint32_t)(cmd) & 0xFFFFu))

/* HB commands travel in the low 16 bits of EBX. */
#define BDOORHB_CMD_MESSAGE	0u
#define BDOORHB_CMD_VASSERT	1u

/* 2: the backdoor commands nhv uses or answers */
#define BDOOR_CMD_GETMHZ		1u
#define BDOOR_CMD_GETVERSION		10u
#define BDOOR_CMD_GETHWVERSION		17u
#define BDOOR_CMD_GETUUID		19u
#define BDOOR_CMD_GETMEMSIZE		20u
#define BDOOR_CMD_GETTIME		23u
#define BDOOR_CMD_MESSAGE		30u
#define BDOOR_CMD_GETHZ			45u
#define BDOOR_CMD_GETTIMEFULL		46u
#define BDOOR_CMD_GETTIMEFULL_WITH_LAG	55u
#define BDOOR_CMD_NESTING_CONTROL	63u
#define BDOOR_CMD_GET_VCPU_INFO		68u
#define BDOOR_CMD_GETBUILDNUM		100u

/* GETVERSION: the version every VMware product answers, and VMX types
 * (vm_vmx_type.h). */
#define BDOOR_VERSION_MAGIC	6u
#define VMX_TYPE_UNSET		0u
#define VMX_TYPE_EXPRESS	1u
#define VMX_TYPE_SCALABLE_SERVER 2u	/* ESX */
#define VMX_TYPE_WGS		3u	/* Server */
#define VMX_TYPE_WORKSTATION	4u
#define VMX_TYPE_WORKSTATION_ENTERPRISE 5u

/* NESTING_CONTROL operations (ECX high 16) */
#define NESTING_CONTROL_RESTRICT_BACKDOOR 0u
#define NESTING_CONTROL_OPEN_BACKDOOR	1u
#define NESTING_CONTROL_QUERY		2u

/* GET_VCPU_INFO bits */
#define BDOOR_CMD_VCPU_SLC64		0
#define BDOOR_CMD_VCPU_SYNC_VTSCS	1
#define BDOOR_CMD_VCPU_HV_REPLAY_OK	2
#define BDOOR_CMD_VCPU_LEGACY_X2APIC_OK	3
#define BDOOR_CMD_VCPU_MMIO_HONORS_PAT	4
#define BDOOR_CMD_VCPU_RESERVED		31	/* set: the host lacks the command */

/* 3.1: GuestRPC message sub-commands (ECX high 16 of BDOOR_CMD_MESSAGE) */
#define MESSAGE_TYPE_OPEN		0u
#define MESSAGE_TYPE_SENDSIZE		1u
#define MESSAGE_TYPE_SENDPAYLOAD	2u
#define MESSAGE_TYPE_RECVSIZE		3u
#define MESSAGE_TYPE_RECVPAYLOAD	4u
#define MESSAGE_TYPE_RECVSTATUS		5u
#define MESSAGE_TYPE_CLOSE		6u

/* Status bits: ECX high 16 (LB) or EBX high 16 (HB) */
#define MESSAGE_STATUS_SUCCESS		0x0001u
#define MESSAGE_STATUS_DORECV		0x0002u
#define MESSAGE_STATUS_CLOSED		0x0004u
#define MESSAGE_STATUS_UNSENT		0x0008u
#define MESSAGE_STATUS_CPT		0x0010u
#define MESSAGE_STATUS_POWEROFF		0x0020u
#define MESSAGE_STATUS_TIMEOUT		0x0040u
#define MESSAGE_STATUS_HB		0x0080u
#define MESSAGE_STATUS_GUEST_MASK	MESSAGE_STATUS_SUCCESS

/* Protocol numbers given at OPEN (EBX), and the cookie flag */
#define RPCI_PROTOCOL_NUM		0x49435052u	/* "RPCI" */
#define TCLO_PROTOCOL_NUM		0x4F4C4354u	/* "TCLO" */
#define GUESTMSG_FLAG_COOKIE		0x80000000u

/* The largest message either side accepts (GUESTMSG_MAX_IN_SIZE). */
#define GUESTMSG_MAX_IN_SIZE		(64u * 1024u)

/* 3.4/3.5/4: strings on the wire */
#define RPCI_UNKNOWN_COMMAND		"Unknown command"
#define RPCI_NO_VALUE			"No value found"
#define TCLO_UNKNOWN_COMMAND		"Unknown Command"
#define TCLO_BAD_OPTION			"Unknown or invalid option"
#define TOOLS_VERSION_UNMANAGED		2147483647u	/* VM_VERSION_UNMANAGED */
#define GUEST_INFO_COMMAND		"SetGuestInfo"
#define TCLO_APP_NAME			"toolbox"

/* SetGuestInfo types (guestInfo.h GuestInfoType) */
#define INFO_DNS_NAME			1
#define INFO_IPADDRESS			2
#define INFO_DISK_FREE_SPACE		3
#define INFO_BUILD_NUMBER		4
#define INFO_OS_NAME_FULL		5
#define INFO_OS_NAME			6
#define INFO_UPTIME			7
#define INFO_MEMORY			8
#define INFO_IPADDRESS_V2		9	/* XDR GuestNicProto (nicinfo_xdr.h) */
#define INFO_IPADDRESS_V3		10	/* XDR GuestNicProto, NIC_INFO_V3 */

/* tools.os.statechange.status states */
#define GUESTOS_STATECHANGE_HALT	1
#define GUESTOS_STATECHANGE_REBOOT	2
#define GUESTOS_STATECHANGE_POWERON	3
#define GUESTOS_STATECHANGE_RESUME	4
#define GUESTOS_STATECHANGE_SUSPEND	5

#endif
