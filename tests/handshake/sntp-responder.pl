#!/usr/bin/perl
# sntp-responder.pl MODE [OFFSET] - a tiny SNTP server on 127.0.0.1, on a
# free port the kernel picks, for test-sntp-sync.  Prints "port N" on
# stdout, then answers each request by MODE:
#   good     a valid reply, the clock OFFSET seconds (may be fractional or
#            negative) ahead of this machine's
#   silent   reads requests and never answers
#   garbage  a text datagram, then 48 bytes in client mode (3)
#   stale    a valid reply whose originate stamp is not the request's
#   kod      a kiss-o'-death (stratum 0, RATE)
# Exits after 60 s without a request, so a lost responder never lingers.
use strict;
use warnings;
use IO::Socket::INET;
use Time::HiRes qw(time);

my ($mode, $offset) = (@ARGV, 0);
$offset ||= 0;
die "usage: sntp-responder.pl good|silent|garbage|stale|kod [OFFSET]\n"
	unless defined $mode && $mode =~ /^(good|silent|garbage|stale|kod)$/;
my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'udp')
	or die "sntp-responder: cannot bind a UDP socket on 127.0.0.1: $!\n";
$| = 1;
print "port ", $sock->sockport, "\n";

sub ntp_now {
	my $t = time() + $offset;
	my $sec = int($t);
	$sec-- if $t < $sec;
	my $frac = int(($t - $sec) * 4294967296);
	$frac = 4294967295 if $frac > 4294967295;
	return pack('NN', ($sec + 2208988800) % 4294967296, $frac);
}

sub reply {
	my ($org, %o) = @_;
	my $rx = ntp_now();
	return pack('CCCc', (0 << 6) | (4 << 3) | 4, $o{stratum} // 2, 6, -20)
		. pack('NN', 0, 0) . ($o{refid} // "LOCL")
		. $rx . $org . $rx . ntp_now();
}

$SIG{ALRM} = sub { exit 0 };
while (1) {
	alarm 60;
	my $peer = $sock->recv(my $req, 512);
	next unless defined $peer && length($req) >= 48;
	my $org = substr($req, 40, 8);
	if ($mode eq 'good') {
		$sock->send(reply($org), 0, $peer);
	} elsif ($mode eq 'garbage') {
		$sock->send("hello, this is not NTP\n", 0, $peer);
		$sock->send(pack('C', (4 << 3) | 3) . ("\x5a" x 47), 0, $peer);
	} elsif ($mode eq 'stale') {
		my ($hi, $lo) = unpack('NN', $org);
		$sock->send(reply(pack('NN', $hi - 64, $lo)), 0, $peer);
	} elsif ($mode eq 'kod') {
		$sock->send(reply($org, stratum => 0, refid => "RATE"), 0, $peer);
	}
}
