package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/internal/clean"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// Defaults for reading article pages.
const (
	// DefaultPageTimeout bounds one article page, body included: a slow
	// site costs its own article this long at most, then the teaser is used.
	DefaultPageTimeout = 10 * time.Second
	// DefaultMaxPageBytes caps an article page after decompression.
	DefaultMaxPageBytes int64 = 5 << 20
	// MaxPictureURLBytes is the longest picture address taken: longer ones
	// are tracking data or broken markup, and Telegram refuses them.
	MaxPictureURLBytes = 2048
	// maxPageElements is the most HTML elements a page may have to be
	// read (news pages have a few thousand).
	maxPageElements = 50_000
	// minPageWords is the fewest words a page's main text must have to
	// replace a teaser.
	minPageWords = 40
)

// Page is what an article page gave: its main text and its picture.
type Page struct {
	// URL is the page's address after redirects.
	URL string
	// Title is the page's headline as the extractor found it.
	Title string
	// Text is the main text, one paragraph a line.
	Text string
	// Image is the page's og:image or twitter:image, checked as
	// PictureURL does; "" when none.
	Image string
}

const pageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

// FetchPage reads an article page with the same guard as feeds (internal
// addresses refused at connect time, redirects bounded, no proxy), its
// own time bound (Options.PageTimeout) and size cap (Options.MaxPageBytes),
// converts it to UTF-8 from whatever charset it declares, and extracts its
// main text with go-readability. A page that is not HTML wraps ErrNotHTML;
// one with no main text of at least a few dozen words wraps ErrNoText.
// Whether the text is the story is CheckPage's to say.
func (f *Fetcher) FetchPage(ctx context.Context, rawURL string) (Page, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Page{}, newErr(ErrBadURL, err, "feed: page: not an http(s) URL: %q", rawURL)
	}
	if reservedName(u.Hostname()) {
		// RFC 2606 and 6761 names never resolve: no need to ask DNS (and
		// wait for it) to learn that.
		return Page{}, newErr(ErrBadURL, nil, "feed: page: %s is a reserved name that never resolves", u.Hostname())
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, f.opt.PageTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Page{}, newErr(ErrBadURL, err, "feed: page: not an http(s) URL: %q", rawURL)
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", pageAccept)
	resp, err := f.client.Do(req)
	if err != nil {
		return Page{}, f.pageError(parent, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Page{}, &FetchError{StatusCode: resp.StatusCode, Status: statusText(resp)}
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); ct != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		return Page{}, newErr(ErrNotHTML, nil, "feed: page is not HTML but %s", typeName(mt, ct))
	}
	if resp.ContentLength > f.opt.MaxPageBytes {
		return Page{}, newErr(ErrTooLarge, nil, "feed: page larger than %s", sizeString(f.opt.MaxPageBytes))
	}
	data, err := readLimited(resp.Body, f.opt.MaxPageBytes)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return Page{}, newErr(ErrTooLarge, nil, "feed: page larger than %s", sizeString(f.opt.MaxPageBytes))
		}
		return Page{}, f.pageError(parent, err)
	}
	if ct == "" {
		if mt, _, _ := mime.ParseMediaType(http.DetectContentType(data)); mt != "text/html" {
			return Page{}, newErr(ErrNotHTML, nil, "feed: page is not HTML but %s", mt)
		}
	}
	return f.extract(data, ct, resp.Request.URL)
}

// extract reads the main text and picture of one HTML page.
func (f *Fetcher) extract(data []byte, contentType string, at *url.URL) (p Page, err error) {
	r, err := charset.NewReader(bytes.NewReader(data), contentType)
	if err != nil {
		r = bytes.NewReader(data) // an unknown charset label: read it as UTF-8
	}
	// The extractor walks untrusted markup; a bug there must cost one
	// article its full text, not the process.
	defer func() {
		if v := recover(); v != nil {
			p, err = Page{}, newErr(ErrNoText, nil, "feed: page: the extractor failed: %v", v)
		}
	}()
	parser := readability.NewParser()
	// The extractor's work grows faster than the page: a page of more
	// elements than any article needs is refused rather than parsed for
	// seconds.
	parser.MaxElemsToParse = maxPageElements
	doc, err := html.Parse(r)
	if err != nil {
		return Page{}, newErr(ErrNoText, err, "feed: page: no readable text: %v", err)
	}
	// Banners, boxes and lists around the story go before the extractor
	// can take them for part of it; clean.Page drops what slipped in.
	removeJunkBlocks(doc)
	art, err := parser.ParseAndMutate(doc, at)
	if err != nil {
		return Page{}, newErr(ErrNoText, err, "feed: page: no readable text: %v", err)
	}
	p = Page{URL: at.String(), Title: strings.TrimSpace(art.Title())}
	if art.Node != nil {
		var b strings.Builder
		if err := art.RenderText(&b); err == nil {
			p.Text = clean.Page(paragraphs(b.String()))
		}
	}
	p.Image, _ = PictureURL(art.ImageURL(), f.opt.AllowPrivate)
	if n := wordCount(p.Text); n < minPageWords {
		return p, newErr(ErrNoText, nil, "feed: page has no main text (%d words)", n)
	}
	return p, nil
}

// reservedName reports a host under a top-level name reserved for
// examples and tests (example, invalid, test), which never resolves.
func reservedName(host string) bool {
	host = "." + strings.ToLower(strings.TrimSuffix(host, "."))
	for _, tld := range []string{".example", ".invalid", ".test"} {
		if strings.HasSuffix(host, tld) {
			return true
		}
	}
	return false
}

// typeName names a refused content type briefly.
func typeName(mt, ct string) string {
	if mt != "" {
		return mt
	}
	return fmt.Sprintf("%.40q", ct)
}

// pageError is requestError in the words of a page.
func (f *Fetcher) pageError(parent context.Context, err error) error {
	return f.transportError(parent, err, "feed: page: ", f.opt.PageTimeout)
}

// paragraphs trims every line of an extracted text and drops empty ones.
func paragraphs(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func wordCount(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return n
}

// teaserEndings are how feeds mark a text they cut: the page has the rest.
var teaserEndings = []string{"…", "...", "[…]", "[...]", "read more", "continue reading", "more»",
	"اقرأ المزيد", "إقرأ المزيد", "اقرأ أيضا", "التفاصيل", "للمزيد", "المزيد", "تابع القراءة", "اقرأ التفاصيل"}

// teaserWords is the length under which an item's text may be a teaser,
// and completeWords the least a short text needs, in two sentences or
// more ending as a sentence does, to be a whole (short) report instead.
const (
	teaserWords   = 60
	completeWords = 25
)

// IsTeaser reports whether an item's text is only a teaser of its article:
// ending in "…", "[…]" or "read more" (or their Arabic forms), no longer
// than its title, or under 60 words — unless those words are a short
// report of their own: two sentences or more, 25 words or more, ending
// with a full stop (wire copy often is).
func IsTeaser(title, text string) bool {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= utf8.RuneCountInString(strings.TrimSpace(title)) {
		return true
	}
	tail := strings.ToLower(strings.TrimRight(text, " \t\r\n:»›>-–—"))
	for _, e := range teaserEndings {
		if strings.HasSuffix(tail, e) {
			return true
		}
	}
	n := wordCount(text)
	if n >= teaserWords {
		return false
	}
	return n < completeWords || sentenceCount(text) < 2 || !strings.ContainsAny(text[len(text)-1:], ".!?؟")
}

// sentenceCount counts the sentence ends (. ! ? ؟ followed by a space or
// the end) of a text, and line breaks.
func sentenceCount(s string) int {
	n := 0
	rs := []rune(s)
	for i, r := range rs {
		end := i == len(rs)-1 || unicode.IsSpace(rs[i+1])
		if (r == '.' || r == '!' || r == '?' || r == '؟') && end || r == '\n' {
			n++
		}
	}
	return n
}

// CheckPage reports whether a page's text is the item's story, not the
// site's navigation, a cookie banner or a login wall: it must be longer
// than the teaser and carry most of the words of the item's title and
// teaser (letters folded). A page that fails wraps ErrNotTheStory.
func CheckPage(p Page, title, teaser string) error {
	if wordCount(p.Text) <= wordCount(teaser) {
		return newErr(ErrNoText, nil, "feed: page says no more than the feed (%d words)", wordCount(p.Text))
	}
	want := contentWords(title + " " + firstWords(teaser, 30))
	if len(want) == 0 {
		return nil
	}
	body := arabic.Normalize(p.Text)
	found := 0
	for _, w := range want {
		if strings.Contains(body, w) {
			found++
		}
	}
	// Headlines are rewritten on the page now and then; navigation and
	// banners share almost nothing with the story.
	if found*2 < len(want) {
		return newErr(ErrNotTheStory, nil, "feed: page text is not the story (%d of %d of its words)", found, len(want))
	}
	return nil
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}

// contentWords are the distinct folded words of at least three letters,
// the Arabic article dropped, that say what a text is about.
func contentWords(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(arabic.Normalize(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if strings.HasPrefix(w, "ال") && utf8.RuneCountInString(w) > 4 {
			w = strings.TrimPrefix(w, "ال")
		}
		if utf8.RuneCountInString(w) < 3 || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

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
