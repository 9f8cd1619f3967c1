/*
 * hwid.h - the hardware identity: the SMBIOS system UUID
 * (/sys/class/dmi/id/product_uuid, VMware's uuid.bios) and the permanent
 * MACs of the physical NICs (ETHTOOL_GPERMADDR, else /sys/class/net/X/address),
 * in interface-name order.
 */
#ifndef NHV_HWID_H
#define NHV_HWID_H

#include "userland/nhv-identity/identity.h"

/* Never fails: what cannot be read is left out (uuid_valid = 0, fewer MACs). */
void hwid_read(struct hw_facts *hw, char *note, size_t notesize);

#endif
