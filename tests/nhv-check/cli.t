#!/usr/bin/perl
# The nhv-check command line: usage errors exit 3, a malformed replay
# names the line, --json is valid JSON with the documented keys, --quiet
# and --brief shapes, exit codes match the verdict, and a live capture
# replays to the same report.
use strict;
use warnings;
use JSON::PP;
use File::Temp qw(tempdir);

my $build = $ENV{NHV_BUILD} || 'build';
my $bin = "$build/bin/nhv-check";
my $dir = tempdir(CLEANUP => 1);
my $n = 0;
my %code = ('ready' => 0, 'degraded' => 1, 'not-capable' => 2);

sub ok { my ($c, $name) = @_; $n++; print(($c ? "" : "not ") . "ok $n - $name\n"); return $c; }

# run(args...) -> (exit code, stdout, stderr)
sub run {
	my @args = @_;
	my $cmd = join(' ', map { my $a = $_; $a =~ s/'/'\\''/g; "'$a'" } ($bin, @args));
	my $out = `$cmd 2>'$dir/err'`;
	my $rc = $? >> 8;
	open(my $e, '<', "$dir/err") or die;
	local $/;
	my $err = <$e> // "";
	$err =~ s/\n/ /g;
	close $e;
	return ($rc, $out, $err);
}

sub write_file { my ($p, $t) = @_; open(my $f, '>', $p) or die "$p: $!"; print $f $t; close $f; }

# usage errors
my ($rc, $out, $err) = run('--bogus');
ok($rc == 3, "unknown option exits 3 (got $rc)");
ok($err =~ /--bogus/ && $err =~ /usage:/, "unknown option is named, usage printed");
($rc) = run('--json', '--quiet');
ok($rc == 3, "--json with --quiet exits 3");
($rc, $out, $err) = run('--replay');
ok($rc == 3 && $err =~ /--replay/, "--replay without FILE exits 3");
($rc, $out, $err) = run('--replay', "$dir/missing");
ok($rc == 3 && $err =~ /missing/, "unreadable replay file exits 3 and is named");
($rc, $out) = run('--help');
ok($rc == 0 && $out =~ /--replay FILE/, "--help exits 0");

# malformed replay names the line
write_file("$dir/bad.capture", "# nhv-check capture v1\ncpu.vendor = \"GenuineIntel\" [cpuid]\n\ncpuid.vmx = perhaps [cpuid]\n");
($rc, $out, $err) = run('--replay', "$dir/bad.capture");
ok($rc == 3 && $err =~ /bad\.capture:4: cpuid\.vmx/, "malformed capture: error names file, line 4 and key ($err)");
write_file("$dir/bad.cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: x\n\nflags\t\t: fpu vme Bad-Flag\n");
($rc, $out, $err) = run('--replay', "$dir/bad.cpuinfo");
ok($rc == 3 && $err =~ /bad\.cpuinfo:5: flags/, "malformed cpuinfo: error names line 5 ($err)");
ok($out eq '', "no report is printed for a malformed replay");

# live --json
($rc, $out) = run('--json');
my $j = eval { decode_json($out) };
ok($j, "live --json is valid JSON");
ok($j && $j->{schema} eq 'nhv-check/1', "schema is nhv-check/1");
ok($j && exists $code{$j->{verdict}}, "verdict is ready|degraded|not-capable");
ok($j && $rc == $code{$j->{verdict}} && $j->{exit_code} == $rc, "exit code matches the verdict ($rc)");
ok($j && $j->{hypervisor} =~ /^(none|vm-other|vmware|kvm|microsoft|xen|oracle|parallels|qemu|bhyve|acrn|bochs|amazon|google|apple|qnx|sre|jailhouse)$/,
   "hypervisor uses systemd-detect-virt names ($j->{hypervisor})");
ok($j && ref $j->{reasons} eq 'ARRAY' && ref $j->{remediation} eq 'ARRAY' && ref $j->{hw} eq 'HASH'
   && ref $j->{probes} eq 'HASH' && ref $j->{facts} eq 'HASH', "reasons, remediation, hw, probes, facts present");
ok($j && !grep({ !defined $j->{probes}{$_} } qw(cpuid msr cpuinfo vmx-flags dmi pci efi backdoor)),
   "every probe group is reported");
my $bad = 0;
for my $k (keys %{$j->{facts} || {}}) {
	my $s = $j->{facts}{$k}{state};
	$bad++ unless $s =~ /^(probed|unavailable|unknown)$/;
	$bad++ if $s eq 'unavailable' && !$j->{facts}{$k}{reason};
}
ok($j && !$bad, "every fact has a state, and every unavailable fact a reason");

# the backdoor probe ran and came back (no crash on a host without a backdoor)
my $bd = $j->{facts}{'backdoor.present'};
ok($bd && ($bd->{state} eq 'probed' || ($bd->{state} eq 'unavailable' && $bd->{reason})),
   "backdoor probe answered or said why not ($bd->{state}" . ($bd->{reason} ? ": $bd->{reason}" : "") . ")");

# --quiet, --brief
($rc, $out) = run('--quiet');
ok($out =~ /^(ready|degraded|not-capable)\n\z/ && $rc == $code{$1}, "--quiet prints the verdict only, exit matches");
($rc, $out) = run('--brief');
my @lines = split /\n/, $out;
ok(@lines >= 3 && @lines <= 5, "--brief prints 3 to 5 lines (" . scalar(@lines) . ")");
ok(!grep({ !/^[a-z ]+\t+: \S/ } @lines), "--brief lines are key<TAB>: value");
ok($lines[0] =~ /^hypervisor\t/ && $lines[1] =~ /^hw virt\t/ && $lines[2] =~ /^verdict\t/,
   "--brief order: hypervisor, hw virt, verdict");

# --explain adds remediation lines to the text report
($rc, $out) = run('--replay', 'tests/data/cpuinfo/vmware-workstation-vhv-off.lscpu.txt', '--explain');
ok($out =~ /^remedy\t+: no-hw-virt: .*vhv\.enable/m, "--explain prints the remediation (vhv.enable for VMware)");
($rc, $out) = run('--replay', 'tests/data/cpuinfo/vmware-workstation-vhv-off.lscpu.txt');
ok($out !~ /^remedy/m, "without --explain no remedy lines");
ok($out =~ /^probe msr\t+: unanswered \(not-in-input\)/m, "pasted input: the msr probe is reported unanswered");

# capture then replay: the same report
($rc, $out) = run('--capture', "$dir/live.capture", '--json');
my $live = decode_json($out);
my ($rc2, $out2) = run('--replay', "$dir/live.capture", '--json');
my $again = decode_json($out2);
ok($rc == $rc2, "replay of a live capture exits like the live run ($rc)");
delete $live->{input};
delete $again->{input};
my $canon = JSON::PP->new->canonical;
ok($canon->encode($live) eq $canon->encode($again), "replay of a live capture gives the same JSON report");
my ($r3, $t1) = run('--capture', "$dir/live2.capture", '--explain');
my ($r4, $t2) = run('--replay', "$dir/live2.capture", '--explain');
$t1 =~ s/^input\t.*\n//m;
$t2 =~ s/^input\t.*\n//m;
ok($t1 eq $t2, "replay of a live capture gives the same text report");

# capture to stdout, replay from stdin
my $cap = `'$bin' --capture -`;
ok($cap =~ /\A# nhv-check capture v1\n/, "--capture - writes the capture to stdout");
write_file("$dir/stdin.capture", $cap);
my $q = `'$bin' --replay - --quiet < '$dir/stdin.capture'`;
ok($q =~ /^(ready|degraded|not-capable)$/m, "--replay - reads stdin");

# a pasted cpuinfo converted to a capture keeps its judgement
run('--replay', 'tests/data/cpuinfo/hyperv-2008-guest-nested-off.cpuinfo.txt', '--capture', "$dir/conv.capture", '--quiet');
($rc, $out) = run('--replay', "$dir/conv.capture", '--json');
$j = decode_json($out);
ok($j->{verdict} eq 'not-capable' && $j->{hypervisor} eq 'microsoft', "cpuinfo converted to a capture replays the same");

# the VMware-like QEMU capture: vmware from DMI + backdoor, the TCG signature disagrees
($rc, $out) = run('--replay', 'tests/data/cpuinfo/qemu-tcg-max-vmware-profile.capture.txt', '--json');
$j = decode_json($out);
ok($j->{hypervisor} eq 'vmware' && $j->{hypervisor_product} eq 'ESX', "QEMU VMware profile: vmware (ESX) from DMI and vmport");
ok(@{$j->{hypervisor_conflicts}} == 1 && $j->{hypervisor_conflicts}[0] =~ /qemu/, "the TCGTCGTCGTCG signature is reported as a conflict");
ok($j->{facts}{'backdoor.version'}{value} == 6, "vmport answered GETVERSION with version 6");

print "1..$n\n";
