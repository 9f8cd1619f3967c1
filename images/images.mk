# images/: the initramfs and the hybrid BIOS+UEFI ISO.
IMAGE_INPUTS := images/mkinitramfs.sh images/initramfs-common.sh images/modules.list $(shell find images/rootfs -type f)
EXTRA_MODULES_DIR := $(B)/modules

# The default L2 guest (images/l2/, docs/nhv-vm.md): its initramfs and
# definition, installed under /usr/lib/nhv/l2 in the appliance.  Its kernel
# is the appliance's own, read from the boot medium (no second copy).
L2_DIR := $(B)/l2
$(L2_DIR)/.ok: $(wildcard images/l2/*) images/initramfs-common.sh images/rootfs/usr/share/udhcpc/default.script $(KDIR)/.ok
	@mkdir -p $(L2_DIR)
	images/l2/mkl2initramfs.sh $(L2_DIR)/initrd.img $(KDIR) $(KVER)
	cp images/l2/default.vmx $(L2_DIR)/default.vmx
	@touch $@

# Debian's nft and dnsmasq for L2 networking (docs/networking.md), unpacked.
NETROOT := $(B)/netroot
$(NETROOT)/.ok: images/netdebs.list images/fetch-debs.sh images/deb-download.sh | $(DEPS_STAMP)
	images/fetch-debs.sh images/netdebs.list $(B)/deb/net $(NETROOT)
	@touch $@

# Parts that build kernel modules for the image add them to IMAGE_MODULES
# (built into $(EXTRA_MODULES_DIR), installed under /lib/modules/$(KVER)/extra).
$(B)/initramfs.img: $(PROGRAMS) $(IMAGE_MODULES) $(IMAGE_INPUTS) $(KDIR)/.ok $(L2_DIR)/.ok $(NETROOT)/.ok images/stage-netbins.sh
	images/mkinitramfs.sh $@ $(KDIR) $(KVER) $(BIN) $(EXTRA_MODULES_DIR) $(L2_DIR) $(NETROOT)

$(ISO): $(B)/initramfs.img images/grub.cfg images/mkiso.sh $(KDIR)/.ok
	images/mkiso.sh $@ $(KDIR)/boot/vmlinuz-$(KVER) $(B)/initramfs.img
