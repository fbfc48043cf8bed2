package feed

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// Address ranges that are internal although netip has no predicate for them.
var (
	cgnat      = netip.MustParsePrefix("100.64.0.0/10")
	thisNet    = netip.MustParsePrefix("0.0.0.0/8")
	reserved4  = netip.MustParsePrefix("240.0.0.0/4") // includes 255.255.255.255
	ietf4      = netip.MustParsePrefix("192.0.0.0/24")
	benchmark4 = netip.MustParsePrefix("198.18.0.0/15")
	nat64      = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour  = netip.MustParsePrefix("2002::/16")
	// nat64Local is the local-use NAT64 prefix (RFC 8215): what it
	// translates to is the local network's choice, so it is never public.
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
	// v4Compatible holds the deprecated IPv4-compatible addresses
	// (::a.b.c.d, RFC 4291): no public host has one, and a stack that still
	// maps them reaches the embedded IPv4 address, loopback included.
	v4Compatible = netip.MustParsePrefix("::/96")
	discard6     = netip.MustParsePrefix("100::/64")      // discard-only (RFC 6666)
	docs6        = netip.MustParsePrefix("2001:db8::/32") // documentation
)

// blockedReason says why ip must not be reached from a feed fetch, or ""
// when it is a public address.
func blockedReason(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid address"
	case ip.IsLoopback():
		return "loopback address"
	case ip.IsUnspecified():
		return "unspecified address"
	case ip.IsPrivate():
		return "private address"
	case ip.IsLinkLocalUnicast():
		return "link-local address"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast address"
	case cgnat.Contains(ip):
		return "shared (CGNAT) address"
	case thisNet.Contains(ip), reserved4.Contains(ip), ietf4.Contains(ip), benchmark4.Contains(ip):
		return "reserved address"
	case v4Compatible.Contains(ip):
		return "IPv4-compatible address"
	case nat64Local.Contains(ip):
		return "local-use NAT64 address"
	case discard6.Contains(ip), docs6.Contains(ip):
		return "reserved address"
	case nat64.Contains(ip):
		// The IPv4 address embedded in the last 32 bits is what gets reached.
		b := ip.As16()
		return blockedReason(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	case sixToFour.Contains(ip):
		b := ip.As16()
		return blockedReason(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	}
	return ""
}

func privateAddrError(ip netip.Addr, reason string) error {
	return newErr(ErrPrivateAddress, nil,
		"feed: refusing to connect to %s: %s (private addresses are not allowed)", ip.Unmap(), reason)
}

// dialControl is the net.Dialer Control hook: it runs for every connection,
// after DNS resolution and after every redirect, so neither a redirect nor
// a DNS answer that changes can reach an internal address.
func dialControl(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return newErr(ErrPrivateAddress, err, "feed: refusing to connect to %q: not an IP address", host)
	}
	if reason := blockedReason(ip); reason != "" {
		return privateAddrError(ip, reason)
	}
	return nil
}

// ValidateURL checks a feed URL an admin typed (/addfeed): an absolute
// http or https URL with a host. Unless allowPrivate is set, it resolves
// the host and refuses loopback, private, link-local, CGNAT, multicast and
// unspecified addresses. Fetch enforces the same rule again when it
// connects, so this check is for a clear early answer, not the only guard.
func ValidateURL(ctx context.Context, raw string, allowPrivate bool) error {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return newErr(ErrBadURL, err, "feed: not an http(s) URL: %q", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return newErr(ErrBadURL, nil, "feed: not an http(s) URL: %q (the address must start with http:// or https://)", raw)
	}
	host := u.Hostname()
	if host == "" {
		return newErr(ErrBadURL, nil, "feed: not an http(s) URL: %q has no host", raw)
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return newErr(ErrBadURL, err, "feed: not an http(s) URL: %q has a bad port", raw)
		}
	}
	if allowPrivate {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if reason := blockedReason(ip); reason != "" {
			return privateAddrError(ip, reason)
		}
		return nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return newErr(ErrBadURL, err, "feed: cannot resolve host %q: %v", host, err)
	}
	for _, ip := range ips {
		if reason := blockedReason(ip); reason != "" {
			return newErr(ErrPrivateAddress, nil,
				"feed: refusing %s: it resolves to %s, a %s (private addresses are not allowed)", host, ip.Unmap(), reason)
		}
	}
	return nil
}
