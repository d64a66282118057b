#!/bin/sh
# bench/busybox.sh: builds busybox's inetd, tcpsvd and udpsvd from Debian's
# source package, once, into .cache/peers/busybox-src/ (Debian's binary
# package has no inetd applet).  The source comes through a private apt
# folder with its own deb-src line, so the machine's apt sources are never
# changed, and no package script runs.  Prints the binary's path; on
# failure prints nothing, leaves the reason in .cache/peers/busybox-src.failed
# and exits 1.  Says what it does on stderr.
#   bench/busybox.sh            (bench/run.sh calls it; a built tree is kept)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/.cache/peers/busybox-src
apt=$top/.cache/apt-src
log=$dir/build.log
# The suite and mirror of /etc/apt/sources.list.d/debian.sources, with the
# system's archive keyring.
mirror=http://deb.debian.org/debian
suite=bookworm
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

say() { printf 'bench: busybox: %s\n' "$*" >&2; }

# fail REASON: remembers why for bench/run.sh's row, and gives up.
fail() {
	say "$1 (log: ${log#"$top"/})"
	printf '%s\n' "$1" >"$dir.failed" 2>/dev/null
	exit 1
}

if [ -e "$dir/.done" ] && [ -x "$dir/busybox" ]; then
	echo "$dir/busybox"
	exit 0
fi
if ! { rm -rf "$dir" && mkdir -p "$dir" "$apt/lists/partial" \
    "$apt/cache/archives/partial"; }; then
	say "cannot create $dir"
	exit 1
fi
rm -f "$dir.failed"
command -v apt-get >/dev/null 2>&1 || fail "no apt-get here"
command -v dpkg-source >/dev/null 2>&1 || fail "no dpkg-source here (dpkg-dev)"
: >"$log"

printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" \
    >"$apt/sources.list" || fail "cannot write $apt/sources.list"

# Every path apt keeps state in points into the private folder; the
# keyring is the system's.  sourceparts=- keeps /etc/apt/sources.list.d out.
aptget() {
	apt-get -q -o Dir::Etc::SourceList="$apt/sources.list" \
	    -o Dir::Etc::SourceParts=- \
	    -o Dir::State::Lists="$apt/lists" \
	    -o Dir::Cache="$apt/cache" \
	    -o Dir::Etc::Trusted="$keyring" \
	    -o Dir::Etc::TrustedParts=/etc/apt/trusted.gpg.d \
	    -o APT::Sandbox::User=root "$@"
}

say "apt-get update of a private deb-src list ($mirror $suite)" \
    "in ${apt#"$top"/}"
aptget update >>"$log" 2>&1 ||
    fail "apt-get update of $mirror $suite (deb-src) failed"
say "apt-get source --download-only busybox"
(cd "$dir" && aptget source --download-only busybox) >>"$log" 2>&1 ||
    fail "apt-get source busybox failed"
set -- "$dir"/busybox_*.dsc
[ -e "$1" ] || fail "apt-get source left no busybox .dsc"
dsc=$1

# dpkg-source checks the .dsc's signature against the keyrings it knows
# (debian-keyring's); where none is installed it warns and goes on.
say "dpkg-source -x $(basename "$dsc")"
(cd "$dir" && dpkg-source -x "$dsc" tree) >>"$log" 2>&1 ||
    fail "dpkg-source -x $(basename "$dsc") failed"
sig=$(grep -E "^gpgv: (Good|BAD|Can't)" "$log" | head -n 1)
case $sig in
*Good*) say "dpkg-source: $sig" ;;
'') say "dpkg-source: no signature check reported (see the log)" ;;
*) say "dpkg-source: $sig: not verified (debian-keyring not installed?)" ;;
esac

# allnoconfig, then only the applets the bench runs: inetd for stream
# nowait and dgram wait over TCP and UDP (no builtins, no RPC), tcpsvd
# and udpsvd.  Options left unset here take their defaults in oldconfig.
say "make allnoconfig; CONFIG_INETD, CONFIG_TCPSVD, CONFIG_UDPSVD"
cd "$dir/tree" || fail "no tree from dpkg-source"
make allnoconfig >>"$log" 2>&1 || fail "make allnoconfig failed"
sed -i -e '/^# CONFIG_INETD is not set$/d' \
    -e '/^# CONFIG_TCPSVD is not set$/d' \
    -e '/^# CONFIG_UDPSVD is not set$/d' \
    -e '/^# CONFIG_FEATURE_INETD_/d' .config || fail "cannot edit .config"
cat >>.config <<-EOF || fail "cannot edit .config"
	CONFIG_INETD=y
	# CONFIG_FEATURE_INETD_SUPPORT_BUILTIN_ECHO is not set
	# CONFIG_FEATURE_INETD_SUPPORT_BUILTIN_DISCARD is not set
	# CONFIG_FEATURE_INETD_SUPPORT_BUILTIN_TIME is not set
	# CONFIG_FEATURE_INETD_SUPPORT_BUILTIN_DAYTIME is not set
	# CONFIG_FEATURE_INETD_SUPPORT_BUILTIN_CHARGEN is not set
	# CONFIG_FEATURE_INETD_RPC is not set
	CONFIG_TCPSVD=y
	CONFIG_UDPSVD=y
EOF
yes '' | make oldconfig >>"$log" 2>&1 || fail "make oldconfig failed"
for o in INETD TCPSVD UDPSVD; do
	grep -q "^CONFIG_$o=y" .config || fail "oldconfig dropped CONFIG_$o"
done
if grep -q '^CONFIG_FEATURE_INETD_SUPPORT_BUILTIN_.*=y' .config; then
	fail "oldconfig enabled an inetd builtin"
fi
say "make -j2 busybox (in ${dir#"$top"/}/tree)"
make -j2 busybox >>"$log" 2>&1 || fail "make busybox failed"
for a in inetd tcpsvd udpsvd; do
	./busybox "$a" --@ >/dev/null 2>&1
	# An unknown option exits 1 with the usage; 127 is no such applet.
	[ $? -ne 127 ] || fail "the built busybox has no $a"
done
{ cp -f busybox "$dir/busybox" && : >"$dir/.done"; } ||
    fail "cannot install $dir/busybox"
say "built $(basename "$dsc" .dsc): inetd, tcpsvd, udpsvd"
echo "$dir/busybox"
