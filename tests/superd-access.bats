#!/usr/bin/env bats
# superd's access control (hosts.allow, hosts.deny), through acltest:
# `acltest ALLOWFILE|- DENYFILE|- ARGV0 SERVICE IP` prints allow or deny.

load helpers/common

ACLTEST=${ACLTEST:-$ROOT/tests/helpers/acltest}

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# verdict EXPECTED ALLOW DENY ARGV0 SERVICE IP: acltest prints EXPECTED.
verdict() {
	local want=$1
	shift
	run -0 "$ACLTEST" "$@"
	if [ "$output" != "$want" ]; then
		echo "acltest $*: '$output', want '$want'" >&2
		return 1
	fi
}

# deny_only FILE-LINE IP EXPECTED: a hosts.deny of one line, for echo/7.
deny_only() {
	printf '%s\n' "$1" >deny
	verdict "$3" - deny echo 7 "$2"
}

@test "access: no files allow everything" {
	verdict allow - - echo 7 10.0.0.1
	verdict allow - - echo 7 ::1
}

@test "access: empty and comment-only files allow everything" {
	: >allow
	printf '# nothing here\n\n   \n\t# indented\n' >deny
	verdict allow allow deny echo 7 10.0.0.1
}

@test "access: hosts.deny ALL: ALL refuses, hosts.allow grants first" {
	printf 'echo: 10.0.0.1\n' >allow
	printf 'ALL: ALL\n' >deny
	verdict allow allow deny echo 7 10.0.0.1
	verdict deny allow deny echo 7 10.0.0.2
	verdict deny allow deny daytime 13 10.0.0.1
	verdict deny - deny echo 7 ::1
}

@test "access: an entry not matching leaves the default, allowed" {
	printf 'daytime: ALL\nALL: 10.9.9.9\n' >deny
	verdict allow - deny echo 7 10.0.0.1
	verdict deny - deny daytime 13 10.0.0.1
	verdict deny - deny echo 7 10.9.9.9
}

@test "access: keywords are case-insensitive, as in tcpd" {
	deny_only 'all: all' 10.0.0.1 deny
	deny_only 'ALL: 10. except 10.0.0.1' 10.0.0.1 allow
}

@test "access: EXCEPT in the client list" {
	printf 'ALL: ALL EXCEPT 10.0.0.1 10.0.0.2\n' >deny
	verdict allow - deny echo 7 10.0.0.1
	verdict allow - deny echo 7 10.0.0.2
	verdict deny - deny echo 7 10.0.0.3
}

@test "access: EXCEPT in the daemon list" {
	printf 'ALL EXCEPT echo discard: ALL\n' >deny
	verdict allow - deny echo 7 10.0.0.1
	verdict allow - deny discard 9 10.0.0.1
	verdict deny - deny daytime 13 10.0.0.1
}

@test "access: EXCEPT nests right to left" {
	printf 'ALL: 10. EXCEPT 10.1. EXCEPT 10.1.2.3\n' >deny
	verdict deny - deny echo 7 10.2.0.1
	verdict allow - deny echo 7 10.1.0.1
	verdict deny - deny echo 7 10.1.2.3
	verdict allow - deny echo 7 11.0.0.1
	printf 'ALL EXCEPT echo EXCEPT in.echod: ALL\n' >deny
	verdict deny - deny in.echod echo 10.0.0.1
	verdict allow - deny myecho echo 10.0.0.1
	verdict deny - deny daytime 13 10.0.0.1
}

@test "access: EXCEPT in both lists of one entry" {
	printf 'ALL EXCEPT echo: 10.0.0.0/8 EXCEPT 10.0.0.1\n' >deny
	verdict deny - deny daytime 13 10.0.0.2
	verdict allow - deny daytime 13 10.0.0.1
	verdict allow - deny echo 7 10.0.0.2
}

@test "access: an exact IPv4 address" {
	deny_only 'ALL: 192.0.2.7' 192.0.2.7 deny
	deny_only 'ALL: 192.0.2.7' 192.0.2.70 allow
	deny_only 'ALL: 192.0.2.7' 192.0.2.8 allow
}

@test "access: a net prefix with a trailing dot" {
	printf 'ALL: 10.1.\n' >deny
	verdict deny - deny echo 7 10.1.0.0
	verdict deny - deny echo 7 10.1.255.3
	verdict allow - deny echo 7 10.2.1.1
	verdict allow - deny echo 7 110.1.1.1
	deny_only 'ALL: 10.' 10.200.1.1 deny
	deny_only 'ALL: 192.0.2.' 192.0.2.200 deny
	deny_only 'ALL: 192.0.2.' 192.0.3.1 allow
}

@test "access: the net/mask form" {
	printf 'ALL: 192.168.0.0/255.255.254.0\n' >deny
	verdict deny - deny echo 7 192.168.1.9
	verdict allow - deny echo 7 192.168.2.9
	deny_only 'ALL: 10.0.0.0/255.0.255.0' 10.7.0.7 deny
	deny_only 'ALL: 10.0.0.0/255.0.255.0' 10.7.1.7 allow
}

@test "access: CIDR lengths" {
	printf 'ALL: 172.16.0.0/12\n' >deny
	verdict deny - deny echo 7 172.31.255.255
	verdict allow - deny echo 7 172.32.0.0
	deny_only 'ALL: 0.0.0.0/0' 203.0.113.1 deny
	deny_only 'ALL: 0.0.0.0/0' 2001:db8::1 allow
	deny_only 'ALL: 203.0.113.1/32' 203.0.113.1 deny
	deny_only 'ALL: 203.0.113.1/32' 203.0.113.2 allow
}

@test "access: IPv6 [::1]" {
	printf 'ALL: [::1]\n' >deny
	verdict deny - deny echo 7 ::1
	verdict allow - deny echo 7 ::2
	verdict allow - deny echo 7 127.0.0.1
}

@test "access: IPv6 prefix [2001:db8::]/32" {
	printf 'ALL: [2001:db8::]/32\n' >deny
	verdict deny - deny echo 7 2001:db8::1
	verdict deny - deny echo 7 2001:db8:ffff:1::9
	verdict allow - deny echo 7 2001:db9::1
	deny_only 'ALL: [2001:DB8:0:0::1]' 2001:db8::1 deny
	deny_only 'ALL: [fe80::]/10' febf::1 deny
	deny_only 'ALL: [fe80::]/10' fec0::1 allow
}

@test "access: a colon inside brackets does not end the list" {
	printf 'ALL: [::1] [2001:db8::]/32: deny\n' >allow
	verdict deny allow - echo 7 2001:db8::5
	verdict allow allow - echo 7 2001:db9::5
}

@test "access: v4-mapped peers match IPv4 patterns" {
	printf 'ALL: 10.1.2.3 192.168. 172.16.0.0/12 198.51.100.0/255.255.255.0\n' \
	    >deny
	verdict deny - deny echo 7 ::ffff:10.1.2.3
	verdict deny - deny echo 7 ::ffff:192.168.4.4
	verdict deny - deny echo 7 ::ffff:172.20.0.1
	verdict deny - deny echo 7 ::ffff:198.51.100.9
	verdict allow - deny echo 7 ::ffff:10.1.2.4
	verdict allow - deny echo 7 ::10.1.2.3
	verdict allow - deny echo 7 64:ff9b::10.1.2.3
}

@test "access: a v4-mapped pattern matches plain IPv4 peers" {
	deny_only 'ALL: [::ffff:10.0.0.0]/104' 10.9.9.9 deny
	deny_only 'ALL: [::ffff:10.0.0.0]/104' 11.9.9.9 allow
}

@test "access: an IPv6 pattern never matches the IPv4 peer of an IPv4 socket" {
	# [::]/0 covers v4-mapped peers of a dual-stack socket, not AF_INET ones
	deny_only 'ALL: [::]/0' 10.9.9.9 allow
	deny_only 'ALL: [::]/0' ::ffff:10.9.9.9 deny
	deny_only 'ALL: [::]/0' 2001:db8::1 deny
	deny_only 'ALL: [::fffe:0:0]/95' 10.9.9.9 allow
	deny_only 'ALL: [::fffe:0:0]/95' ::ffff:10.9.9.9 deny
	deny_only 'ALL: [::ffff:0.0.0.0]/96' 10.9.9.9 deny
}

@test "access: LOCAL is the loopback addresses" {
	printf 'ALL: LOCAL\n' >deny
	verdict deny - deny echo 7 127.0.0.1
	verdict deny - deny echo 7 127.255.0.9
	verdict deny - deny echo 7 ::1
	verdict deny - deny echo 7 ::ffff:127.0.0.1
	verdict allow - deny echo 7 10.0.0.1
	verdict allow - deny echo 7 128.0.0.1
	verdict allow - deny echo 7 ::2
	verdict allow - deny echo 7 fe80::1
}

@test "access: daemons match ARGV0 or SERVICE" {
	printf 'in.echod: ALL\n' >deny
	verdict deny - deny in.echod echo 10.0.0.1
	verdict deny - deny /usr/libexec/superd/in.echod echo 10.0.0.1
	verdict allow - deny echo in.echodx 10.0.0.1
	printf 'daytime: ALL\n' >deny
	verdict deny - deny in.daytimed daytime 10.0.0.1
	verdict deny - deny daytime 13 10.0.0.1
	verdict deny - deny DayTime 13 10.0.0.1
	verdict allow - deny time 37 10.0.0.1
	printf '7777: ALL\n' >deny
	verdict deny - deny echo 7777 10.0.0.1
}

@test "access: daemon prefixes and suffixes as in tcpd" {
	printf 'in.: ALL\n.d: 10.0.0.1\n' >deny
	verdict deny - deny in.telnetd telnet 10.0.0.9
	verdict deny - deny ftp.d ftp 10.0.0.1
	verdict allow - deny ftp.d ftp 10.0.0.9
	verdict allow - deny ftpd ftp 10.0.0.1
}

@test "access: lists separated by commas and/or blanks" {
	printf 'echo,daytime  time ,\tdiscard :10.0.0.1,10.0.0.2 10.0.0.3 , ,10.0.0.4\n' \
	    >deny
	for d in echo daytime time discard; do
		for ip in 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4; do
			verdict deny - deny "$d" 1 "$ip"
		done
		verdict allow - deny "$d" 1 10.0.0.5
	done
	verdict allow - deny chargen 19 10.0.0.1
}

@test "access: comments, trailing comments and CRLF" {
	printf '# deny nothing\n#ALL: ALL\necho: 10.0.0.1 # the lab\r\ntime: 10.0.0.2\r\n' \
	    >deny
	verdict deny - deny echo 7 10.0.0.1
	verdict allow - deny echo 7 10.0.0.2
	verdict deny - deny time 37 10.0.0.2
}

@test "access: a backslash continues the line" {
	printf 'echo \\\n  daytime: 10.0.0.1,\\\n10.0.0.2\\\n\nALL: 10.0.0.3\n' \
	    >deny
	verdict deny - deny daytime 13 10.0.0.1
	verdict deny - deny echo 7 10.0.0.2
	verdict allow - deny echo 7 10.0.0.4
	verdict deny - deny echo 7 10.0.0.3
}

@test "access: a last line without a newline counts" {
	printf 'ALL: 10.0.0.1' >deny
	verdict deny - deny echo 7 10.0.0.1
}

@test "access: the first matching entry wins" {
	printf 'echo: 10.0.0.1: allow\nALL: 10.0.0.0/24\necho: 10.0.0.2: allow\n' \
	    >deny
	verdict allow - deny echo 7 10.0.0.1
	verdict deny - deny echo 7 10.0.0.2
	verdict deny - deny daytime 13 10.0.0.1
	verdict allow - deny echo 7 10.0.1.1
}

@test "access: allow and deny options in a single file" {
	printf 'ALL: LOCAL: allow\necho: 10.0.0.0/8 : ALLOW\nALL: ALL : deny\n' \
	    >allow
	verdict allow allow - echo 7 127.0.0.1
	verdict allow allow - echo 7 10.1.1.1
	verdict deny allow - daytime 13 10.1.1.1
	verdict deny allow - echo 7 ::2
}

@test "access: hosts.allow is read before hosts.deny" {
	printf 'ALL: 10.0.0.1\n' >allow
	printf 'ALL: 10.0.0.0/8 EXCEPT 10.0.0.2\n' >deny
	verdict allow allow deny echo 7 10.0.0.1
	verdict allow allow deny echo 7 10.0.0.2
	verdict deny allow deny echo 7 10.0.0.3
}

@test "access: malformed lines are reported as FILE:LINE" {
	cat >deny <<'EOF'
ALL: 10.0.0.0/33
ALL: 10.0.0.0/-1
ALL: 10.0.0.0/
ALL: 10.0.0.0/x
ALL: 10.0.0.1/24
ALL: 10.0.0.0/255.0.x.0
ALL: 10.0.0.256
ALL: 10.0.0
ALL: 010.0.0.1
ALL: 10..
ALL: 1.2.3.4.
ALL: 256.
ALL: 1.02.
ALL: 1.2/8
ALL 10.0.0.1
: 10.0.0.1
echo:
echo: , ,
ALL: [::1
ALL: [::g]
ALL: []
ALL: [::1]/129
ALL: [::1]x
ALL: [2001:db8::1]/32
ALL: ::1
ALL: 2001:db8::1
ALL: 1:2:3:4:5:6:7:8
ALL: ALL: deny: deny: deny: deny: deny: deny: deny
ALL: example.com
ALL: .example.com
ALL: localhost
ALL: 10.0.0.1x
ALL: KNOWN
ALL: paranoid
ALL: UNKNOWN
ALL: @trusted
ALL: joe@10.0.0.1
ALL: /etc/trusted.list
ALL: 10.0.0.*
echo@10.0.0.1: ALL
LOCAL: ALL
ALL: ALL: spawn (echo hi)
ALL: ALL: allow: deny
ALL: ALL:
EXCEPT echo: ALL
ALL EXCEPT: ALL
ALL: ALL EXCEPT EXCEPT 10.0.0.1
ALL: 10.0.0.1 # fine
EOF
	run -1 "$ACLTEST" - deny echo 7 10.0.0.1
	diff -u - <(printf '%s\n' "$output") <<'EOF'
superd: deny:1: bad prefix length in '10.0.0.0/33'
superd: deny:2: bad prefix length in '10.0.0.0/-1'
superd: deny:3: bad prefix length in '10.0.0.0/'
superd: deny:4: bad prefix length in '10.0.0.0/x'
superd: deny:5: host bits not all zero in '10.0.0.1/24'
superd: deny:6: bad mask in '10.0.0.0/255.0.x.0'
superd: deny:7: bad address '10.0.0.256'
superd: deny:8: bad address '10.0.0'
superd: deny:9: bad address '010.0.0.1'
superd: deny:10: bad address '10..'
superd: deny:11: bad address '1.2.3.4.'
superd: deny:12: bad address '256.'
superd: deny:13: bad address '1.02.'
superd: deny:14: bad address '1.2/8'
superd: deny:15: missing ':' after the daemon list
superd: deny:16: empty daemon list
superd: deny:17: empty client list
superd: deny:18: empty client list
superd: deny:19: missing ']' in '[::1'
superd: deny:20: bad IPv6 address '[::g]'
superd: deny:21: bad IPv6 address '[]'
superd: deny:22: bad prefix length in '[::1]/129'
superd: deny:23: bad IPv6 address '[::1]x'
superd: deny:24: host bits not all zero in '[2001:db8::1]/32'
superd: deny:25: an IPv6 address in a list is written [addr]
superd: deny:26: an IPv6 address in a list is written [addr]
superd: deny:27: an IPv6 address in a list is written [addr]
superd: deny:28: too many ':'
superd: deny:29: host name 'example.com': host names are not supported, numeric addresses only
superd: deny:30: host name '.example.com': host names are not supported, numeric addresses only
superd: deny:31: host name 'localhost': host names are not supported, numeric addresses only
superd: deny:32: host name '10.0.0.1x': host names are not supported, numeric addresses only
superd: deny:33: 'KNOWN' needs host name lookups, which superd does not do
superd: deny:34: 'paranoid' needs host name lookups, which superd does not do
superd: deny:35: 'UNKNOWN' needs host name lookups, which superd does not do
superd: deny:36: netgroup '@trusted' is not supported
superd: deny:37: user@host pattern 'joe@10.0.0.1' is not supported
superd: deny:38: pattern file '/etc/trusted.list' is not supported
superd: deny:39: wildcard pattern '10.0.0.*' is not supported
superd: deny:40: daemon@host pattern 'echo@10.0.0.1' is not supported
superd: deny:41: 'LOCAL' is a client pattern, not a daemon
superd: deny:42: unknown option 'spawn (echo hi)': only allow or deny
superd: deny:43: only one option, allow or deny
superd: deny:44: empty option
superd: deny:45: empty list before EXCEPT
superd: deny:46: empty list after EXCEPT
superd: deny:47: empty list before EXCEPT
EOF
}

@test "access: errors in both files are all reported" {
	printf 'ALL: 10.0.0.1\nALL: host.example\n' >allow
	printf '\n\nALL ALL\n' >deny
	run -1 "$ACLTEST" allow deny echo 7 10.0.0.1
	[ "$output" = "superd: allow:2: host name 'host.example': host names are not supported, numeric addresses only
superd: deny:3: missing ':' after the daemon list" ]
}

@test "access: a bad hosts.deny fails even with a good hosts.allow" {
	printf 'ALL: 10.0.0.1\n' >allow
	printf 'ALL: 10.0.0.2\nALL: 10.0.0.0/8 : twist /bin/echo no\n' >deny
	run -1 "$ACLTEST" allow deny echo 7 10.0.0.1
	[ "$output" = "superd: deny:2: unknown option 'twist /bin/echo no': only allow or deny" ]
}

@test "access: an error in a continued entry names its first line" {
	printf '# one\nALL: \\\n  10.0.0.1 \\\n  bad.example\nALL: 10.0.0.2\n' >deny
	run -1 "$ACLTEST" - deny echo 7 10.0.0.1
	[ "$output" = "superd: deny:2: host name 'bad.example': host names are not supported, numeric addresses only" ]
}

@test "access: an unreadable file is reported" {
	run -1 "$ACLTEST" nosuchfile - echo 7 10.0.0.1
	[ "$output" = "superd: nosuchfile: No such file or directory" ]
}

@test "access: a line over 4096 bytes is an error, the next is read" {
	{
		printf 'ALL: '
		for i in $(seq 500); do printf '10.0.0.1, '; done
		printf '\nALL: bad.example\n'
	} >deny
	run -1 "$ACLTEST" - deny echo 7 10.0.0.1
	[ "$output" = "superd: deny:1: line too long (limit 4096 bytes)
superd: deny:2: host name 'bad.example': host names are not supported, numeric addresses only" ]
}

@test "access: continuation lines over 4096 bytes together are an error" {
	{
		for i in $(seq 3); do
			printf 'ALL: '
			for j in $(seq 150); do printf '10.0.0.1, '; done
			printf '\\\n'
		done
		printf '10.0.0.2\nALL: 10.0.0.3\n'
	} >deny
	run -1 "$ACLTEST" - deny echo 7 10.0.0.1
	[ "$output" = "superd: deny:1: line too long (limit 4096 bytes)" ]
}

@test "access: a NUL byte is an error" {
	printf 'ALL: 10.0.0.1\nALL: 10.0.0.2\0 10.0.0.3\n' >deny
	run -1 "$ACLTEST" - deny echo 7 10.0.0.1
	[ "$output" = "superd: deny:2: NUL byte in line" ]
}

@test "access: a daemon name over 63 bytes is an error" {
	printf '%s: ALL\n' "$(printf 'a%.0s' $(seq 64))" >deny
	run -1 "$ACLTEST" - deny echo 7 10.0.0.1
	[ "$output" = "superd: deny:1: daemon name '$(printf 'a%.0s' $(seq 64))' too long (limit 63 bytes)" ]
	printf '%s: ALL\n' "$(printf 'a%.0s' $(seq 63))" >deny
	verdict allow - deny echo 7 10.0.0.1
}
