# images/: the initramfs and the hybrid BIOS+UEFI ISO.
IMAGE_INPUTS := images/mkinitramfs.sh images/modules.list $(shell find images/rootfs -type f)
EXTRA_MODULES_DIR := $(B)/modules

# Parts that build kernel modules for the image add them to IMAGE_MODULES
# (built into $(EXTRA_MODULES_DIR), installed under /lib/modules/$(KVER)/extra).
$(B)/initramfs.img: $(PROGRAMS) $(IMAGE_MODULES) $(IMAGE_INPUTS) $(KDIR)/.ok
	images/mkinitramfs.sh $@ $(KDIR) $(KVER) $(BIN) $(EXTRA_MODULES_DIR)

$(ISO): $(B)/initramfs.img images/grub.cfg images/mkiso.sh $(KDIR)/.ok
	images/mkiso.sh $@ $(KDIR)/boot/vmlinuz-$(KVER) $(B)/initramfs.img
