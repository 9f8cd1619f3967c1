/*
 * test-config.c - nhv-vm's .vmx config: defaults, every key, relative
 * paths, --set, and hostile or wrong input naming FILE:LINE and the key.
 */
#include <stdlib.h>
#include <string.h>
#include "userland/lib/tap.h"
#include "userland/nhv-vm/config.h"
#include "userland/nhv-vm/cpuid-mask.h"

static char err[1024];

static int parse(struct vm_config *c, const char *text, char *const *sets, size_t nsets)
{
	return vm_config_parse(c, "/vms/g/g.vmx", text, strlen(text), sets, nsets, err, sizeof(err));
}

/* The error for text: expect a failure whose message is exactly want. */
static void bad(const char *text, const char *want, const char *name)
{
	struct vm_config c;
	int r = parse(&c, text, NULL, 0);

	tap_ok(r == -1, "%s: refused", name);
	if (!tap_is_str(err, want, name))
		tap_diag("input: %s", text);
	if (r == 0)
		vm_config_free(&c);
}

static void defaults(void)
{
	struct vm_config c;

	tap_is_int(parse(&c, "nhv.kernel = \"vmlinuz\"\n", NULL, 0), 0, "minimal file parses");
	tap_is_str(c.display_name, "g", "displayName defaults to the file name without .vmx");
	tap_ok(c.memsize_mib == 256, "memsize defaults to 256");
	tap_is_int((int)c.numvcpus, 1, "numvcpus defaults to 1");
	tap_is_str(c.kernel, "/vms/g/vmlinuz", "relative kernel resolves against the .vmx folder");
	tap_ok(!c.initrd && !c.cmdline && !c.uuid_bios && c.ndisks == 0, "optional keys unset");
	tap_ok(c.accel == VM_ACCEL_AUTO && !c.autostart, "accel auto, no autostart");
	vm_config_free(&c);
}

static void every_key(void)
{
	struct vm_config c;
	const char *text =
		".encoding = \"UTF-8\"\r\n"
		"# a comment\n"
		"\n"
		"displayName = \"web |22one|22\"\n"
		"MEMSIZE = \"512\"\n"
		"numvcpus = \"4\"\n"
		"uuid.bios = \"56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc\"\n"
		"nhv.kernel = \"/boot/vmlinuz\"\n"
		"nhv.initrd = \"initrd.gz\"\n"
		"nhv.cmdline = \"console=ttyS0 quiet\"\n"
		"nhv.disk0 = \"a.raw\"\n"
		"nhv.disk1 = \"/data/b.raw\"\n"
		"nhv.autostart = \"TRUE\"\n"
		"nhv.accel = \"kvm\"";

	tap_is_int(parse(&c, text, NULL, 0), 0, "every key parses");
	tap_is_str(c.display_name, "web \"one\"", "displayName decoded from |22");
	tap_ok(c.memsize_mib == 512, "memsize 512 (key case ignored)");
	tap_is_int((int)c.numvcpus, 4, "numvcpus 4");
	tap_is_str(c.uuid_bios, "56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc", "uuid.bios as written");
	tap_is_str(c.kernel, "/boot/vmlinuz", "absolute kernel kept");
	tap_is_str(c.initrd, "/vms/g/initrd.gz", "initrd resolved");
	tap_is_str(c.cmdline, "console=ttyS0 quiet", "cmdline");
	tap_is_int((int)c.ndisks, 2, "two disks");
	tap_is_str(c.disks[0], "/vms/g/a.raw", "disk0 resolved");
	tap_is_str(c.disks[1], "/data/b.raw", "disk1 absolute");
	tap_ok(c.autostart == 1 && c.accel == VM_ACCEL_KVM, "autostart TRUE, accel kvm");
	vm_config_free(&c);
}

static void sets(void)
{
	struct vm_config c;
	char *s[] = { "memsize=1024", "nhv.cmdline=init=/bin/sh", "numvcpus=2" };
	char *bad_key[] = { "memsize=64", "nhv.floppy=x" };
	char *no_eq[] = { "memsize" };
	char *value;

	tap_is_int(parse(&c, "memsize = \"128\"\nnhv.kernel = \"k\"\n", s, 3), 0, "--set parses");
	tap_ok(c.memsize_mib == 1024, "--set overrides the file");
	tap_is_str(c.cmdline, "init=/bin/sh", "--set value may hold '='");
	value = vmx_get(&c.vmx, "memsize");
	tap_is_str(value, "1024", "--set is written into the vmx");
	free(value);
	vm_config_free(&c);

	tap_is_int(parse(&c, "nhv.kernel = \"k\"\n", bad_key, 2), -1, "--set unknown key refused");
	tap_is_str(err, "--set: nhv.floppy: unknown key (expected displayName, memsize, numvcpus, "
		   "uuid.bios, nhv.kernel, nhv.initrd, nhv.cmdline, nhv.disk0..7, nhv.autostart, nhv.accel, "
		   "nhv.nesting, guestinfo.*, cpuid.*, cpuid, hypervisor.cpuid.v0, "
		   "monitor_control.restrict_backdoor, monitor_control.pseudo_perfctr, ethernet0..3.*)",
		   "--set error names the key");
	tap_is_int(parse(&c, "nhv.kernel = \"k\"\n", no_eq, 1), -1, "--set without = refused");
	tap_is_str(err, "--set: expected KEY=VALUE, got \"memsize\"", "--set without = message");
}

static void errors(void)
{
	bad("nhv.kernel = \"k\"\nmemsize = \"lots\"\n",
	    "/vms/g/g.vmx:2: memsize: expected MiB as a multiple of 4 from 16 to 65536, got \"lots\"",
	    "memsize not a number");
	bad("nhv.kernel = \"k\"\nmemsize = \"6\"\n",
	    "/vms/g/g.vmx:2: memsize: expected MiB as a multiple of 4 from 16 to 65536, got \"6\"",
	    "memsize too small");
	bad("nhv.kernel = \"k\"\nmemsize = \"18446744073709551620\"\n",
	    "/vms/g/g.vmx:2: memsize: expected MiB as a multiple of 4 from 16 to 65536, got \"18446744073709551620\"",
	    "memsize overflowing 64 bits");
	bad("nhv.kernel = \"k\"\nmemsize = \"-256\"\n",
	    "/vms/g/g.vmx:2: memsize: expected MiB as a multiple of 4 from 16 to 65536, got \"-256\"",
	    "memsize negative");
	bad("nhv.kernel = \"k\"\nmemsize = \"130\"\n",
	    "/vms/g/g.vmx:2: memsize: expected MiB as a multiple of 4 from 16 to 65536, got \"130\"",
	    "memsize not a multiple of 4");
	bad("nhv.kernel = \"k\"\n\nnumvcpus = \"0\"\n",
	    "/vms/g/g.vmx:3: numvcpus: expected a number of vCPUs from 1 to 16, got \"0\"",
	    "numvcpus 0");
	bad("nhv.kernel = \"k\"\nnumvcpus = \"17\"\n",
	    "/vms/g/g.vmx:2: numvcpus: expected a number of vCPUs from 1 to 16, got \"17\"",
	    "numvcpus too many");
	bad("nhv.kernel = \"k\"\nserial0.present = \"TRUE\"\n",
	    "/vms/g/g.vmx:2: serial0.present: unknown key (expected displayName, memsize, numvcpus, "
	    "uuid.bios, nhv.kernel, nhv.initrd, nhv.cmdline, nhv.disk0..7, nhv.autostart, nhv.accel, "
	    "nhv.nesting, guestinfo.*, cpuid.*, cpuid, hypervisor.cpuid.v0, "
	    "monitor_control.restrict_backdoor, monitor_control.pseudo_perfctr, ethernet0..3.*)",
	    "unknown key");
	bad("nhv.kernel = \"k\"\nthis is not a pair\n",
	    "/vms/g/g.vmx:2: expected `key = \"value\"` or a # comment", "garbage line");
	bad("nhv.kernel = \"k\"\nmemsize = \"64\"\nMemSize = \"128\"\n",
	    "/vms/g/g.vmx:3: MemSize: expected once, already set at line 2", "repeated key");
	bad("memsize = \"64\"\n",
	    "/vms/g/g.vmx: nhv.kernel: missing (expected the path of a bzImage or multiboot kernel)",
	    "kernel missing");
	bad("nhv.kernel = \"\"\n", "/vms/g/g.vmx:1: nhv.kernel: expected a file path, got an empty value",
	    "kernel empty");
	bad("nhv.kernel = \"a|0Ab\"\n",
	    "/vms/g/g.vmx:1: nhv.kernel: expected a file path, got control character 0x0a",
	    "kernel path with a newline");
	bad("nhv.kernel = \"a|00b\"\n", "/vms/g/g.vmx:1: nhv.kernel: expected text, found the escape |00",
	    "value with |00");
	bad("nhv.kernel = \"k\"\nnhv.disk1 = \"b\"\n",
	    "/vms/g/g.vmx: nhv.disk0: missing (expected disks numbered from nhv.disk0 without gaps)",
	    "disk gap");
	bad("nhv.kernel = \"k\"\nnhv.disk8 = \"b\"\n",
	    "/vms/g/g.vmx:2: nhv.disk8: expected nhv.disk0 to nhv.disk7", "disk index too big");
	bad("nhv.kernel = \"k\"\nnhv.disk01 = \"b\"\n",
	    "/vms/g/g.vmx:2: nhv.disk01: expected nhv.disk0 to nhv.disk7", "disk index with leading zero");
	bad("nhv.kernel = \"k\"\nnhv.autostart = \"maybe\"\n",
	    "/vms/g/g.vmx:2: nhv.autostart: expected TRUE or FALSE, got \"maybe\"", "autostart");
	bad("nhv.kernel = \"k\"\nnhv.accel = \"tcg\"\n",
	    "/vms/g/g.vmx:2: nhv.accel: expected auto, nhv or kvm, got \"tcg\"", "accel");
	bad("nhv.kernel = \"k\"\nuuid.bios = \"56 4d zz\"\n",
	    "/vms/g/g.vmx:2: uuid.bios: expected 16 hex bytes like \"56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc\", got \"56 4d zz\"",
	    "uuid.bios");
	bad("nhv.kernel = \"k\"\ndisplayName = \"\"\n",
	    "/vms/g/g.vmx:2: displayName: expected a non-empty name", "empty displayName");
	bad("nhv.kernel = \"k\"\nnhv.cmdline = \"a|09b\"\n",
	    "/vms/g/g.vmx:2: nhv.cmdline: expected printable text, got control character 0x09",
	    "cmdline with a tab");
	{
		static const char text[] = "nhv.kernel = \"k\"\nmem\0size = \"64\"\n";
		struct vm_config c;

		tap_is_int(vm_config_parse(&c, "/vms/g/g.vmx", text, sizeof(text) - 1, NULL, 0, err,
					   sizeof(err)), -1, "NUL byte refused");
		tap_is_str(err, "/vms/g/g.vmx:2: expected text, found a NUL byte", "NUL byte message");
	}
}

/* Issue 13: the VMware keys. */
static void vmware_keys(void)
{
	struct vm_config c;
	char *set[] = { "guestinfo.b=from --set", "cpuid.1.ecx=-----------------------0--------" };
	const char *text =
		"nhv.kernel = \"k\"\n"
		"uuid.bios = \"56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc\"\n"
		"guestinfo.a = \"one |22two|22\"\n"
		"guestinfo.b = \"file\"\n"
		"monitor_control.restrict_backdoor = \"TRUE\"\n"
		"monitor_control.pseudo_perfctr = \"yes\"\n"
		"hypervisor.cpuid.v0 = \"FALSE\"\n"
		"nhv.nesting = \"toggle\"\n"
		"cpuid.80000001.edx.amd = \"----:----:----:----:----:----:----:----\"\n"
		"cpuid = [ '1:ecx=xxxxxxxxxxxx0xxxxxxxxxxxxxxxxxxx' ]\n";

	tap_is_int(parse(&c, text, set, 2), 0, "the VMware keys parse (%s)", err);
	tap_ok(c.uuid[0] == 0x56 && c.uuid[7] == 0xbc && c.uuid[8] == 0xde && c.uuid[15] == 0xbc,
	       "uuid.bios bytes in order");
	tap_ok(c.ngi == 2 && !strcmp(c.gi_key[0], "guestinfo.a") && !strcmp(c.gi_val[0], "one \"two\"") &&
	       !strcmp(c.gi_val[1], "from --set"), "guestinfo.* kept, decoded, --set wins");
	tap_ok(c.restrict_backdoor && c.pseudo_perfctr && !c.hv_cpuid_v0 && c.nesting == VM_NESTING_TOGGLE,
	       "restrict_backdoor, pseudo_perfctr, hypervisor.cpuid.v0 FALSE, nesting toggle");
	tap_is_int((int)c.masks->n, 3, "three masks: VMware, Xen, and the --set one");
	tap_ok(c.masks->n == 3 && c.masks->m[1].e.leaf == 1 && c.masks->m[1].e.reg == NHV_CPUID_ECX &&
	       c.masks->m[1].e.and_mask == ~(1u << 19) && c.masks->m[2].e.and_mask == ~(1u << 8),
	       "Xen's list clears ECX bit 19, the --set mask bit 8");
	vm_config_free(&c);
	tap_is_int(parse(&c, "nhv.kernel = \"k\"\n", NULL, 0), 0, "without uuid.bios");
	tap_ok(c.hv_cpuid_v0 == 1 && c.nesting == VM_NESTING_AUTO && c.uuid[0] == 0x56 && c.uuid[1] == 0x4d,
	       "defaults: hypervisor shown, nesting auto, a UUID derived from the path (56 4d ...)");
	vm_config_free(&c);

	bad("nhv.kernel = \"k\"\ncpuid.1.ecx = \"--------0------Z----------------\"\n",
	    "/vms/g/g.vmx:2: cpuid.1.ecx: 'Z' at column 16 (expected 0, 1, -, H, R or X)",
	    "a VMware mask error names FILE:LINE, the key and the column");
	bad("nhv.kernel = \"k\"\ncpuid = [ '1:ecx=xxxxxxxxxxxxxxxQxxxxxxxxxxxxxxxx' ]\n",
	    "/vms/g/g.vmx:2: cpuid: 'Q' at column 26 (expected 0, 1, x, k or s)",
	    "a Xen mask error names FILE:LINE, the key and the column");
	bad("nhv.kernel = \"k\"\nhypervisor.cpuid.v0 = \"perhaps\"\n",
	    "/vms/g/g.vmx:2: hypervisor.cpuid.v0: expected TRUE or FALSE, got \"perhaps\"",
	    "hypervisor.cpuid.v0 not a boolean");
	bad("nhv.kernel = \"k\"\nnhv.nesting = \"sometimes\"\n",
	    "/vms/g/g.vmx:2: nhv.nesting: expected auto, toggle or off, got \"sometimes\"",
	    "nhv.nesting unknown");
	bad("nhv.kernel = \"k\"\nguestinfo. = \"x\"\n",
	    "/vms/g/g.vmx:2: guestinfo.: expected guestinfo.NAME with at most 255 bytes in all",
	    "guestinfo without a name");
}

/* ethernetN.*: present, address, mode, uplink, forwards, VMware's own keys; and what is refused. */
static void nics(void)
{
	struct vm_config c;
	int r = parse(&c, "nhv.kernel = \"k\"\n"
		      "ethernet0.present = \"TRUE\"\n"
		      "ethernet0.address = \"00:50:56:0A:0b:0c\"\n"
		      "ethernet0.addressType = \"static\"\n"
		      "ethernet0.virtualDev = \"vmxnet3\"\n"
		      "ethernet0.nhv.forward = \"tcp:2222:22, udp:5353:53,tcp:8080:80\"\n"
		      "ethernet1.present = \"TRUE\"\n"
		      "ethernet1.generatedAddress = \"00:0c:29:01:02:03\"\n"
		      "ethernet1.nhv.mode = \"bridged\"\n"
		      "ethernet1.nhv.uplink = \"eth1\"\n"
		      "ethernet2.address = \"02:00:00:00:00:01\"\n", NULL, 0);

	tap_is_int(r, 0, "NIC keys parse");
	if (r)
		tap_diag("%s", err);
	tap_ok(c.nics[0].present && c.nics[0].has_mac && c.nics[0].mac[0] == 0 && c.nics[0].mac[3] == 0x0a &&
	       c.nics[0].mac[5] == 0x0c, "ethernet0: present, its address (any hex case)");
	tap_ok(c.nics[0].mode == VM_NET_NAT && c.nics[0].nfwd == 3 && !c.nics[0].fwd[0].udp &&
	       c.nics[0].fwd[0].host_port == 2222 && c.nics[0].fwd[0].guest_port == 22 && c.nics[0].fwd[1].udp &&
	       c.nics[0].fwd[1].host_port == 5353 && c.nics[0].fwd[2].host_port == 8080,
	       "nat by default; three forwards with and without spaces");
	tap_ok(c.nics[1].present && c.nics[1].has_mac && c.nics[1].mac[1] == 0x0c && c.nics[1].mode == VM_NET_BRIDGED &&
	       c.nics[1].uplink && !strcmp(c.nics[1].uplink, "eth1"), "ethernet1: generatedAddress, bridged to eth1");
	tap_ok(!c.nics[2].present && !c.nics[3].present, "a NIC without present = TRUE is not used");
	if (r == 0)
		vm_config_free(&c);
	{
		char *sets[] = { "ethernet0.present=yes", "ethernet0.nhv.forward=TCP:1:65535" };

		tap_is_int(parse(&c, "nhv.kernel = \"k\"\n", sets, 2), 0, "NIC keys by --set");
		tap_ok(c.nics[0].present && !c.nics[0].has_mac && c.nics[0].fwd[0].host_port == 1 &&
		       c.nics[0].fwd[0].guest_port == 65535, "ports 1 and 65535, protocol in any case");
		vm_config_free(&c);
	}
	bad("nhv.kernel = \"k\"\nethernet4.present = \"TRUE\"\n",
	    "/vms/g/g.vmx:2: ethernet4.present: expected ethernet0 to ethernet3", "ethernet4");
	bad("nhv.kernel = \"k\"\nethernet0.present = \"maybe\"\n",
	    "/vms/g/g.vmx:2: ethernet0.present: expected TRUE or FALSE, got \"maybe\"", "present");
	bad("nhv.kernel = \"k\"\nethernet0.address = \"01:00:5e:00:00:01\"\n",
	    "/vms/g/g.vmx:2: ethernet0.address: expected a unicast MAC like \"00:50:56:12:34:56\", got \"01:00:5e:00:00:01\"",
	    "multicast MAC");
	bad("nhv.kernel = \"k\"\nethernet0.address = \"00:50:56:12:34\"\n",
	    "/vms/g/g.vmx:2: ethernet0.address: expected a unicast MAC like \"00:50:56:12:34:56\", got \"00:50:56:12:34\"",
	    "short MAC");
	bad("nhv.kernel = \"k\"\nethernet0.nhv.mode = \"hostonly\"\n",
	    "/vms/g/g.vmx:2: ethernet0.nhv.mode: expected nat or bridged, got \"hostonly\"", "mode");
	bad("nhv.kernel = \"k\"\nethernet0.nhv.forward = \"tcp:2222:22, sctp:1:2\"\n",
	    "/vms/g/g.vmx:2: ethernet0.nhv.forward: expected PROTO:L1PORT:GUESTPORT items (tcp or udp, ports 1-65535) "
	    "separated by commas, like \"tcp:2222:22, udp:5353:53\"; got \"sctp:1:2\"", "forward protocol");
	bad("nhv.kernel = \"k\"\nethernet0.nhv.forward = \"tcp:0:22\"\n",
	    "/vms/g/g.vmx:2: ethernet0.nhv.forward: expected PROTO:L1PORT:GUESTPORT items (tcp or udp, ports 1-65535) "
	    "separated by commas, like \"tcp:2222:22, udp:5353:53\"; got \"tcp:0:22\"", "port 0");
	bad("nhv.kernel = \"k\"\nethernet0.nhv.forward = \"tcp:65536:22\"\n",
	    "/vms/g/g.vmx:2: ethernet0.nhv.forward: expected PROTO:L1PORT:GUESTPORT items (tcp or udp, ports 1-65535) "
	    "separated by commas, like \"tcp:2222:22, udp:5353:53\"; got \"tcp:65536:22\"", "port 65536");
	bad("nhv.kernel = \"k\"\nethernet0.nhv.forward = \"tcp:1:2,\"\n",
	    "/vms/g/g.vmx:2: ethernet0.nhv.forward: expected PROTO:L1PORT:GUESTPORT items (tcp or udp, ports 1-65535) "
	    "separated by commas, like \"tcp:2222:22, udp:5353:53\"; got \"\"", "trailing comma");
	bad("nhv.kernel = \"k\"\nethernet0.nhv.forward = \"tcp:80:80, tcp:80:81\"\n",
	    "/vms/g/g.vmx:2: ethernet0.nhv.forward: L1 port tcp:80 forwarded twice", "port twice");
	bad("nhv.kernel = \"k\"\nethernet0.nhv.uplink = \"../eth0\"\n",
	    "/vms/g/g.vmx:2: ethernet0.nhv.uplink: expected an L1 interface name of 1 to 15 characters without '/', ':' "
	    "or spaces, got \"../eth0\"", "uplink");
	bad("nhv.kernel = \"k\"\nethernet0.speed = \"10\"\n",
	    "/vms/g/g.vmx:2: ethernet0.speed: unknown key (expected ethernetN.present, address, addressType, "
	    "generatedAddress, virtualDev, connectionType, nhv.mode, nhv.uplink or nhv.forward)", "unknown NIC key");
	bad("nhv.kernel = \"k\"\nethernet0.present = \"TRUE\"\nethernet0.nhv.mode = \"bridged\"\n"
	    "ethernet0.nhv.forward = \"tcp:1:2\"\n",
	    "/vms/g/g.vmx: ethernet0.nhv.forward: forwards need nhv.mode = \"nat\" (a bridged guest is reached at its own address)",
	    "forward on a bridged NIC");
	bad("nhv.kernel = \"k\"\nethernet0.present = \"TRUE\"\nethernet1.present = \"TRUE\"\n"
	    "ethernet0.nhv.forward = \"udp:53:53\"\nethernet1.nhv.forward = \"udp:53:5353\"\n",
	    "/vms/g/g.vmx: ethernet1.nhv.forward: L1 port udp:53 already forwarded by ethernet0", "port on two NICs");
	bad("nhv.kernel = \"k\"\nethernet0.present = \"TRUE\"\nethernet1.present = \"TRUE\"\n"
	    "ethernet0.address = \"02:00:00:00:00:01\"\nethernet1.address = \"02:00:00:00:00:01\"\n",
	    "/vms/g/g.vmx: ethernet1.address: the same MAC as ethernet0", "MAC on two NICs");
}

static void files(void)
{
	struct vm_config c;

	tap_is_int(vm_config_load(&c, "/nonexistent/x.vmx", NULL, 0, err, sizeof(err)), -1,
		   "missing file refused");
	tap_is_str(err, "/nonexistent/x.vmx: cannot open: No such file or directory", "missing file message");
	tap_is_int(vm_config_load(&c, "/", NULL, 0, err, sizeof(err)), -1, "folder refused");
	tap_ok(strstr(err, "expected a regular file") != NULL, "folder message: %s", err);
}

int main(void)
{
	defaults();
	every_key();
	sets();
	errors();
	vmware_keys();
	nics();
	files();
	return tap_done();
}
