// Package page reads article pages for items whose feed gives only a
// teaser: it fetches a page through a feed.Fetcher's guarded client,
// politely (one request at a time per host, a gap between two), removes
// the banners and boxes around the story, extracts the main text with
// go-readability, and checks that the text is the item's story
// (Check). A failure costs the item its full text, nothing else: its
// teaser is used.
package page

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/feed"
	"github.com/ajel-news/ajel/internal/clean"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// Defaults for reading article pages.
const (
	// DefaultTimeout bounds one article page, body included: a slow
	// site costs its own article this long at most, then the teaser is used.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBytes caps an article page after decompression.
	DefaultMaxBytes int64 = 5 << 20
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
	// feed.PictureURL does; "" when none.
	Image string
}

const pageAccept = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

// Fetch reads an article page at once, without waiting for its host's
// turn (Read waits), through the fetcher's guard (internal addresses
// refused at connect time, redirects bounded, no proxy), with its own
// time bound (Options.Timeout) and size cap (Options.MaxBytes); converts
// it to UTF-8 from whatever charset it declares, and extracts its main
// text with go-readability. A page that is not HTML wraps feed.ErrNotHTML;
// one with no main text of at least a few dozen words wraps
// feed.ErrNoText. Whether the text is the story is Check's to say.
func (r *Reader) Fetch(ctx context.Context, rawURL string) (Page, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Page{}, feed.Errorf(feed.ErrBadURL, err, "feed: page: not an http(s) URL: %q", rawURL)
	}
	if reservedName(u.Hostname()) {
		// RFC 2606 and 6761 names never resolve: no need to ask DNS (and
		// wait for it) to learn that.
		return Page{}, feed.Errorf(feed.ErrBadURL, nil, "feed: page: %s is a reserved name that never resolves", u.Hostname())
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, r.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Page{}, feed.Errorf(feed.ErrBadURL, err, "feed: page: not an http(s) URL: %q", rawURL)
	}
	req.Header.Set("Accept", pageAccept)
	resp, err := r.fetcher.Do(req)
	if err != nil {
		return Page{}, r.pageError(parent, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Page{}, &feed.FetchError{StatusCode: resp.StatusCode, Status: feed.StatusText(resp)}
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, _ := mime.ParseMediaType(ct); ct != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		return Page{}, feed.Errorf(feed.ErrNotHTML, nil, "feed: page is not HTML but %s", typeName(mt, ct))
	}
	if resp.ContentLength > r.opt.MaxBytes {
		return Page{}, feed.Errorf(feed.ErrTooLarge, nil, "feed: page larger than %s", feed.SizeString(r.opt.MaxBytes))
	}
	data, err := feed.ReadLimited(resp.Body, r.opt.MaxBytes)
	if err != nil {
		if errors.Is(err, feed.ErrTooLarge) {
			return Page{}, feed.Errorf(feed.ErrTooLarge, nil, "feed: page larger than %s", feed.SizeString(r.opt.MaxBytes))
		}
		return Page{}, r.pageError(parent, err)
	}
	if ct == "" {
		if mt, _, _ := mime.ParseMediaType(http.DetectContentType(data)); mt != "text/html" {
			return Page{}, feed.Errorf(feed.ErrNotHTML, nil, "feed: page is not HTML but %s", mt)
		}
	}
	return r.extract(data, ct, resp.Request.URL)
}

// extract reads the main text and picture of one HTML page.
func (r *Reader) extract(data []byte, contentType string, at *url.URL) (p Page, err error) {
	text, err := charset.NewReader(bytes.NewReader(data), contentType)
	if err != nil {
		text = bytes.NewReader(data) // an unknown charset label: read it as UTF-8
	}
	// The extractor walks untrusted markup; a bug there must cost one
	// article its full text, not the process.
	defer func() {
		if v := recover(); v != nil {
			p, err = Page{}, feed.Errorf(feed.ErrNoText, nil, "feed: page: the extractor failed: %v", v)
		}
	}()
	parser := readability.NewParser()
	// The extractor's work grows faster than the page: a page of more
	// elements than any article needs is refused rather than parsed for
	// seconds.
	parser.MaxElemsToParse = maxPageElements
	doc, err := html.Parse(text)
	if err != nil {
		return Page{}, feed.Errorf(feed.ErrNoText, err, "feed: page: no readable text: %v", err)
	}
	// Banners, boxes and lists around the story go before the extractor
	// can take them for part of it; clean.Page drops what slipped in.
	removeJunkBlocks(doc)
	art, err := parser.ParseAndMutate(doc, at)
	if err != nil {
		return Page{}, feed.Errorf(feed.ErrNoText, err, "feed: page: no readable text: %v", err)
	}
	p = Page{URL: at.String(), Title: strings.TrimSpace(art.Title())}
	if art.Node != nil {
		var b strings.Builder
		if err := art.RenderText(&b); err == nil {
			p.Text = clean.Page(paragraphs(b.String()))
		}
	}
	p.Image, _ = feed.PictureURL(art.ImageURL(), r.fetcher.AllowPrivate())
	if n := wordCount(p.Text); n < minPageWords {
		return p, feed.Errorf(feed.ErrNoText, nil, "feed: page has no main text (%d words)", n)
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

// pageError is a transport error in the words of a page.
func (r *Reader) pageError(parent context.Context, err error) error {
	return r.fetcher.RequestError(parent, err, "feed: page: ", r.opt.Timeout)
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

// Check reports whether a page's text is the item's story, not the
// site's navigation, a cookie banner or a login wall: it must be longer
// than the teaser and carry most of the words of the item's title and
// teaser (letters folded). A page that fails wraps feed.ErrNotTheStory.
func Check(p Page, title, teaser string) error {
	if wordCount(p.Text) <= wordCount(teaser) {
		return feed.Errorf(feed.ErrNoText, nil, "feed: page says no more than the feed (%d words)", wordCount(p.Text))
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
		return feed.Errorf(feed.ErrNotTheStory, nil, "feed: page text is not the story (%d of %d of its words)", found, len(want))
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
