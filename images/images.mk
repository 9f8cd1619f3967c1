# images/: the initramfs and the hybrid BIOS+UEFI ISO.
IMAGE_INPUTS := images/mkinitramfs.sh images/initramfs-common.sh images/modules.list $(shell find images/rootfs -type f)
EXTRA_MODULES_DIR := $(B)/modules

# The default L2 guest (images/l2/, docs/nhv-vm.md): its initramfs and
# definition, installed under /usr/lib/nhv/l2 in the appliance.  Its kernel
# is the appliance's own, read from the boot medium (no second copy).
L2_DIR := $(B)/l2
# Debian's open-vm-tools and the libraries it links, unpacked (never
# installed) from the .debs of images/l2/vmtools/packages.list.
L2_VMTOOLS := $(L2_DIR)/vmtools-root
$(L2_VMTOOLS)/.ok: images/fetch-debs.sh images/deb-download.sh images/l2/vmtools/packages.list | $(DEPS_STAMP)
	images/fetch-debs.sh images/l2/vmtools/packages.list $(B)/deb $(L2_VMTOOLS)
	@touch $@

$(L2_DIR)/.ok: $(wildcard images/l2/*) $(wildcard images/l2/vmtools/*) images/initramfs-common.sh images/rootfs/usr/share/udhcpc/default.script $(KDIR)/.ok $(L2_VMTOOLS)/.ok
	@mkdir -p $(L2_DIR)
	images/l2/mkl2initramfs.sh $(L2_DIR)/initrd.img $(KDIR) $(KVER) $(L2_VMTOOLS)
	cp images/l2/default.vmx $(L2_DIR)/default.vmx
	@touch $@

# Debian's nft and dnsmasq for L2 networking (docs/networking.md), unpacked.
NETROOT := $(B)/netroot
$(NETROOT)/.ok: images/netdebs.list images/fetch-debs.sh images/deb-download.sh | $(DEPS_STAMP)
	images/fetch-debs.sh images/netdebs.list $(B)/deb/net $(NETROOT)
	@touch $@

# Parts that build kernel modules for the image add them to IMAGE_MODULES
# (built into $(EXTRA_MODULES_DIR), installed under /lib/modules/$(KVER)/extra).
# Parts that ship static web files set IMAGE_WEB_DIR (and IMAGE_WEB_STAMP, the
# target that fills it); installed under /usr/share/nhv/web.
$(B)/initramfs.img: $(PROGRAMS) $(IMAGE_MODULES) $(IMAGE_INPUTS) $(KDIR)/.ok $(L2_DIR)/.ok $(NETROOT)/.ok images/stage-netbins.sh $(IMAGE_WEB_STAMP)
	images/mkinitramfs.sh $@ $(KDIR) $(KVER) $(BIN) $(EXTRA_MODULES_DIR) $(L2_DIR) $(NETROOT) $(IMAGE_WEB_DIR)

$(ISO): $(B)/initramfs.img images/grub.cfg images/mkiso.sh $(KDIR)/.ok
	images/mkiso.sh $@ $(KDIR)/boot/vmlinuz-$(KVER) $(B)/initramfs.img
