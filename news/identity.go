package news

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
)

// Identify gives an article its identity, one way for every source (a
// feed's items, the ingest API, `ajel summarize`): Key is ItemKey of guid,
// link and the article's Title and Text; URL is the link in canonical form
// (CanonicalLink); LinkKey is LinkKey(link). guid is the source's own id of
// the item ("" when it has none); link is the article's absolute address as
// the source gave it ("" when none). Call it once Title and Text are set.
func (a *Article) Identify(guid, link string) {
	a.Key = ItemKey(guid, link, a.Title, a.Text)
	a.LinkKey = LinkKey(link)
	a.URL = CanonicalLink(link)
}

// ItemKey is an item's identity inside its source, so a re-sent item is never
// new again: the GUID when there is one, else the canonical link (tracking
// parameters and fragment removed), else a hash of title and content (white
// space normalized). It is a kind letter and 32 hex digits of a SHA-256
// ("g:…", "l:…", "h:…"): 34 bytes, stable across versions.
func ItemKey(guid, link, title, content string) string {
	if g := strings.TrimSpace(guid); g != "" {
		return hashKey("g:", g)
	}
	if l := strings.TrimSpace(link); l != "" {
		return hashKey("l:", CanonicalLink(l))
	}
	return hashKey("h:", strings.Join(strings.Fields(title), " ")+"\x00"+strings.Join(strings.Fields(content), " "))
}

func hashKey(prefix, s string) string {
	sum := sha256.Sum256([]byte(s))
	return prefix + hex.EncodeToString(sum[:16])
}

// trackingParams are query parameters that say who sent the reader, not
// what the page is. Keys starting with "utm_" are removed as well.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true,
	"wbraid": true, "msclkid": true, "yclid": true, "twclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "ref": true,
	"ref_src": true, "ref_url": true, "ocid": true, "cmpid": true, "xtor": true,
	"at_medium": true, "at_campaign": true, "at_custom1": true, "at_custom2": true,
	"at_custom3": true, "at_custom4": true, "s_cid": true, "spm": true,
	"__twitter_impression": true, "mkt_tok": true, "oly_enc_id": true, "oly_anon_id": true,
	"vero_id": true,
}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "utm_") || trackingParams[k]
}

// CanonicalLink normalizes an article link so that the same page reached
// from different campaigns has one form: scheme and host lower-cased,
// default port and fragment dropped, tracking parameters (utm_*, fbclid,
// gclid, ref…) removed, other parameters kept in their order, an empty path
// written "/", non-ASCII characters percent-encoded. A link that is not an
// absolute http(s) URL comes back trimmed but otherwise unchanged.
func CanonicalLink(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return raw
	}
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // IPv6 literal
			u.Host = "[" + u.Host + "]"
		}
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	if u.RawQuery != "" {
		var kept []string
		for part := range strings.SplitSeq(u.RawQuery, "&") {
			if part == "" {
				continue
			}
			key, _, _ := strings.Cut(part, "=")
			if k, err := url.QueryUnescape(key); err == nil {
				key = k
			}
			if !isTracking(key) {
				kept = append(kept, part)
			}
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	u.ForceQuery = false
	return u.String()
}

// LinkKey is a link's identity for telling an item a feed lists again
// under a new GUID: CanonicalLink, then the scheme, a "www." host prefix
// and a trailing slash dropped, so http://x/a and https://www.x/a/ are
// one page. It is "" for a link that is not an absolute http(s) URL or
// that is a site's home page (feeds that link every item there exist),
// and otherwise a hash ("k:" and 32 hex digits).
func LinkKey(raw string) string {
	c := CanonicalLink(raw)
	u, err := url.Parse(c)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	host := strings.TrimPrefix(u.Host, "www.")
	path := strings.TrimRight(u.EscapedPath(), "/")
	if path == "" && u.RawQuery == "" {
		return ""
	}
	key := host + path
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	return hashKey("k:", key)
}
