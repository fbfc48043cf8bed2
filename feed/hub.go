package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// hubLinks finds the WebSub hub and self links a feed document names:
// <link rel="hub"> and <link rel="self"> (Atom, or atom:link in RSS)
// before the first item, or a JSON Feed's hubs and feed_url.
func hubLinks(text []byte) (hub, self string) {
	if b := bytes.TrimSpace(text); len(b) > 0 && b[0] == '{' {
		var j struct {
			FeedURL string `json:"feed_url"`
			Hubs    []struct {
				Type string `json:"type"`
				URL  string `json:"url"`
			} `json:"hubs"`
		}
		if json.Unmarshal(b, &j) != nil {
			return "", ""
		}
		for _, h := range j.Hubs {
			if t := strings.ToLower(h.Type); t == "websub" || t == "pubsubhubbub" || t == "" {
				hub = h.URL
				break
			}
		}
		return strings.TrimSpace(hub), strings.TrimSpace(j.FeedURL)
	}
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil } // already UTF-8
	for range 10_000 {
		tok, err := d.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "item", "entry":
			return hub, self // the links of the feed, not of an item
		case "link":
			var rel, href string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "rel":
					rel = a.Value
				case "href":
					href = strings.TrimSpace(a.Value)
				}
			}
			for _, r := range strings.Fields(strings.ToLower(rel)) {
				if r == "hub" && hub == "" {
					hub = href
				}
				if r == "self" && self == "" {
					self = href
				}
			}
		}
	}
	return hub, self
}

// linkHeaders reads the hub and self links of HTTP Link headers
// (`<https://hub.example/>; rel="hub", <…>; rel="self"`).
func linkHeaders(values []string) (hub, self string) {
	for _, v := range values {
		for _, part := range splitLinks(v) {
			target, params, ok := strings.Cut(part, ";")
			target = strings.TrimSpace(target)
			if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			target = strings.TrimSpace(target[1 : len(target)-1])
			for _, p := range strings.Split(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, r := range strings.Fields(strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`))) {
					if r == "hub" && hub == "" {
						hub = target
					}
					if r == "self" && self == "" {
						self = target
					}
				}
			}
		}
	}
	return hub, self
}

// splitLinks splits a Link header at the commas between links (not those
// inside <…>).
func splitLinks(v string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range v {
		switch r {
		case '<':
			depth++
		case '>':
			depth = max(depth-1, 0)
		case ',':
			if depth == 0 {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}

// resolveLink makes a link absolute against base; "" for anything that
// is not an http(s) URL.
func resolveLink(base *url.URL, link string) string {
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// freshFor reads how long an answer stays fresh: Cache-Control max-age
// (s-maxage is for shared caches), else Expires against Date (or now).
// "no-cache"/"no-store" say nothing about when to ask again.
func freshFor(h http.Header, now time.Time) time.Duration {
	for _, d := range strings.Split(h.Get("Cache-Control"), ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(d), "=")
		if ok && strings.EqualFold(k, "max-age") {
			if n, err := strconv.ParseInt(strings.Trim(v, `"`), 10, 64); err == nil && n > 0 {
				return min(time.Duration(n)*time.Second, MaxRetryAfter)
			}
			return 0
		}
	}
	exp, err := http.ParseTime(h.Get("Expires"))
	if err != nil {
		return 0
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	if d := exp.Sub(now); d > 0 {
		return min(d.Round(time.Second), MaxRetryAfter)
	}
	return 0
}
