#!/usr/bin/perl
# qemu-capture.pl - boot the appliance's kernel and initramfs directly under
# QEMU TCG (no GRUB, serial console on a pipe), run commands in its serial
# root shell, print their output, power off.  Used by make-captures.sh to
# record nhv-check captures of emulated outer hosts.
# Usage: qemu-capture.pl VMLINUZ INITRD 'CMD' ['CMD'...] -- QEMU-ARGS...
use strict;
use warnings;
use IPC::Open3;
use IO::Select;
use POSIX qw(:sys_wait_h);

my ($vmlinuz, $initrd, @rest) = @ARGV;
my @cmds;
push @cmds, shift @rest while @rest && $rest[0] ne '--';
shift @rest;
my @qemu = ('qemu-system-x86_64', '-accel', 'tcg', '-m', '1024', '-smp', '1', '-kernel', $vmlinuz,
	'-initrd', $initrd, '-append', 'console=ttyS0 nhv.shell=serial quiet', '-display', 'none',
	'-serial', 'stdio', '-monitor', 'none', '-no-reboot', @rest);
my $pid = open3(my $in, my $out, undef, @qemu);
# Never leave an emulator behind, also when we die on a time-out.
END { if ($pid && waitpid($pid, WNOHANG) == 0) { kill 'KILL', $pid; waitpid($pid, 0); } }
my $sel = IO::Select->new($out);
my $buf = '';

sub wait_for {
	my ($re, $secs) = @_;
	my $end = time + $secs;
	while (time < $end) {
		return 1 if $buf =~ $re;
		next unless $sel->can_read(1);
		my $n = sysread($out, my $chunk, 65536);
		return 0 unless $n;
		$buf .= $chunk;
	}
	return $buf =~ $re;
}

my $ok = wait_for(qr/nhv: ready/, 600);
$ok &&= wait_for(qr/# (\e\[6n)?\z/, 60);
die "qemu-capture: the appliance did not reach a shell\n$buf" unless $ok;
syswrite($in, "stty -echo; set +o emacs 2>/dev/null; set +o vi 2>/dev/null\n");
sleep 1;
my $i = 0;
for my $cmd (@cmds) {
	$i++;
	$buf = '';
	syswrite($in, "$cmd; echo \"END\"\"$i:\$?\"\n");
	wait_for(qr/^END$i:\d+/m, 300) or die "qemu-capture: no answer to '$cmd'\n$buf";
	$buf =~ s/\r//g;
	my ($text) = $buf =~ /\A(.*?)^END$i:\d+/ms;
	$text =~ s/^[\w.-]+:[^\s#]*# //mg;   # shell prompts before the output
	print "=== $cmd\n$text";
}
syswrite($in, "poweroff\n");
my $end = time + 60;
while (time < $end && waitpid($pid, WNOHANG) == 0) { sleep 1; }
kill 'KILL', $pid if waitpid($pid, WNOHANG) == 0;
