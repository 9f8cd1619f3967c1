#!/usr/bin/perl
# Replays every capture in tests/data/cpuinfo (real /proc/cpuinfo and lscpu
# pastes, dmidecode, lscpu -J, tool outputs, mixtures, and nhv-check
# captures) and checks the verdict, the hypervisor, the main reason and the
# exit code against expected-replays.txt; a paste of two machines must exit
# 3 naming both lines.
use strict;
use warnings;
use JSON::PP;
use File::Basename qw(dirname basename);

my $build = $ENV{NHV_BUILD} || 'build';
my $bin = "$build/bin/nhv-check";
my $here = dirname(__FILE__);
my $data = "$here/../data/cpuinfo";
my %code = ('ready' => 0, 'degraded' => 1, 'not-capable' => 2);

my %want;
open(my $fh, '<', "$here/expected-replays.txt") or die "expected-replays.txt: $!";
while (<$fh>) {
	next if /^\s*(#|$)/;
	chomp;
	my ($file, $verdict, $hv, $reason) = split /\t/;
	$want{$file} = [$verdict, $hv, $reason];
}
close $fh;

my @files = sort map { basename($_) } glob("$data/*");
my $n = 0;
sub ok { my ($c, $name) = @_; $n++; print(($c ? "" : "not ") . "ok $n - $name\n"); return $c; }

ok(@files >= 8, "tests/data/cpuinfo holds the shared captures (" . scalar(@files) . " files)");
for my $f (@files) {
	my $w = $want{$f};
	ok(defined $w, "$f has an expected verdict in expected-replays.txt") or next;
	my $src = `grep -c '^# source:' '$data/$f'`;
	ok($src > 0, "$f keeps its '# source:' line");
	if ($w->[0] eq 'error') {
		my $err = `'$bin' --replay '$data/$f' --json 2>&1 >/dev/null`;
		my $rc = $? >> 8;
		ok($rc == 3, "$f: a paste of two machines exits 3 (got $rc)");
		ok($err =~ /\Q$w->[2]\E/ && $err =~ /:(\d+): .* line (\d+)/ && $1 != $2,
		   "$f: the error names the two lines that disagree (got: $err)");
		next;
	}
	my $out = `'$bin' --replay '$data/$f' --json`;
	my $rc = $? >> 8;
	my $j = eval { decode_json($out) };
	ok($j, "$f: --json output is valid JSON") or next;
	ok($j->{verdict} eq $w->[0], "$f: verdict $w->[0] (got $j->{verdict})");
	ok($j->{hypervisor} eq $w->[1], "$f: hypervisor $w->[1] (got $j->{hypervisor})");
	ok($rc == $code{$w->[0]}, "$f: exit code $code{$w->[0]} (got $rc)");
	if (defined $w->[2] && length $w->[2]) {
		my @codes = map { $_->{code} } @{$j->{reasons}};
		ok((grep { $_ eq $w->[2] } @codes), "$f: reason $w->[2] (got @codes)");
	}
	if ($j->{input} !~ /\(capture\)$/) {
		my @un = grep { $j->{probes}{$_} ne 'answered' } keys %{$j->{probes}};
		ok(grep({ $_ eq 'msr' } @un) && grep({ $_ eq 'backdoor' } @un),
		   "$f: the report says the pasted text could not answer the msr and backdoor probes");
	}
}
for my $f (sort keys %want) {
	ok(-e "$data/$f", "expected-replays.txt entry $f exists in tests/data/cpuinfo");
}
print "1..$n\n";
