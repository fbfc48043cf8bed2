package feed

import (
	"net/netip"
	"net/url"
	"strings"
)

// MaxPictureURLBytes is the longest picture address taken: longer ones
// are tracking data or broken markup, and Telegram refuses them.
const MaxPictureURLBytes = 2048

// PictureURL checks a picture address from a feed or a page: an absolute
// http(s) URL of at most MaxPictureURLBytes, whose host is a public name
// or address (unless allowPrivate). Telegram, not Ajel, loads the picture,
// so the host is not resolved here; a name that can only be internal
// (localhost, .local, .internal, a single label) is refused. It returns the
// address and true, or "" and false.
func PictureURL(raw string, allowPrivate bool) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxPictureURLBytes || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	if !allowPrivate && internalHost(u.Hostname()) {
		return "", false
	}
	return u.String(), true
}

// internalHost reports whether a host names an internal machine.
func internalHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if ip, err := netip.ParseAddr(host); err == nil {
		return blockedReason(ip) != ""
	}
	if !strings.Contains(host, ".") {
		return true
	}
	for _, s := range []string{".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp"} {
		if strings.HasSuffix("."+host, s) {
			return true
		}
	}
	return false
}
