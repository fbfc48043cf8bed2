package feed

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ajel-news/ajel/internal/htmltext"
	"github.com/ajel-news/ajel/news"
	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// DefaultMaxBodyBytes caps a feed body after decompression.
const DefaultMaxBodyBytes int64 = 10 << 20

// Result is what one fetch or parse of a feed produced.
type Result struct {
	// NotModified is set when the server answered 304: nothing else is.
	NotModified bool
	// ETag and LastModified are the validators to send next time.
	ETag, LastModified string
	// Title is the feed's own title, as plain text.
	Title string
	// Charset is the encoding the body was decoded from ("utf-8",
	// "windows-1256"…), for diagnostics.
	Charset string
	// Items are the feed's items in feed order, duplicates removed.
	Items []news.Article
	// Hub and Self are the feed's WebSub hub and its own canonical
	// address (the topic to subscribe to), from Link headers or the
	// document; "" when it names none.
	Hub, Self string
	// MaxAge is how long the server said the answer stays fresh
	// (Cache-Control max-age, else Expires); 0 when it said nothing.
	MaxAge time.Duration
}

// Parse reads one feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON
// Feed) of at most maxBytes (DefaultMaxBodyBytes when <= 0), converts it to
// UTF-8 and turns its items into articles. contentType is the HTTP
// Content-Type, if any, for its charset. Items get Key, URL, Title, Text,
// Source (the feed title, else the host of the feed's link), PublishedAt
// (UTC); FeedID is left zero, and a breaking marker in the title is left for
// the pipeline to find (with the feed's own Breaking flag).
//
// Charset: a byte-order mark wins; a body that is valid UTF-8 is taken as
// UTF-8 whatever it declares (Arabic in windows-1256 or ISO-8859-6 is
// practically never valid UTF-8); otherwise the charset declared in
// contentType is used, else the one in the XML prolog, else windows-1256.
// When Content-Type names a generic default (ISO-8859-1, US-ASCII,
// windows-1252) and the prolog names another charset, the prolog wins.
func Parse(r io.Reader, contentType string, maxBytes int64) (*Result, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBodyBytes
	}
	data, err := ReadLimited(r, maxBytes)
	if err != nil {
		return nil, err
	}
	return ParseBytes(data, contentType, nil)
}

// ParseBytes is Parse of a body already read (a hub's notification, a
// fetched answer); base, when set, resolves relative links.
func ParseBytes(data []byte, contentType string, base *url.URL) (res *Result, err error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, newErr(ErrEmptyBody, nil, "feed: empty body")
	}
	text, cs := toUTF8(data, contentType)
	if looksLikeHTML(text) {
		return nil, newErr(ErrNotAFeed, nil, "feed: not a feed: the server sent an HTML page")
	}
	// gofeed parses untrusted input; a bug there must cost one feed one
	// poll, not the process.
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, newErr(ErrMalformed, nil, "feed: malformed feed: parser failed: %v", p)
		}
	}()
	fp := gofeed.NewParser()
	// A picture is taken only where the feed names one: the first <img>
	// of a description is as often an icon or a tracking pixel.
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	parsed, err := fp.Parse(bytes.NewReader(text))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, newErr(ErrNotAFeed, err, "feed: not a feed: no RSS, Atom or JSON Feed document found")
		}
		return nil, newErr(ErrMalformed, err, "feed: malformed feed: %v", err)
	}
	res = &Result{Charset: cs, Title: strings.TrimSpace(htmltext.FromHTML(parsed.Title))}
	res.Hub, res.Self = hubLinks(text)
	if u, err := url.Parse(strings.TrimSpace(parsed.Link)); err == nil && u.IsAbs() {
		base = u
	}
	source := res.Title
	if source == "" && base != nil {
		source = strings.TrimPrefix(base.Hostname(), "www.")
	}
	seen := make(map[string]bool, len(parsed.Items))
	for _, it := range parsed.Items {
		if it == nil {
			continue
		}
		a, ok := article(it, base)
		if !ok || seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		a.Source = source
		res.Items = append(res.Items, a)
	}
	return res, nil
}

// article converts one gofeed item; ok is false for an item with neither
// a title nor any text.
func article(it *gofeed.Item, base *url.URL) (news.Article, bool) {
	title := strings.TrimSpace(strings.ReplaceAll(htmltext.FromHTML(it.Title), "\n", " "))
	text := htmltext.FromHTML(it.Content)
	if text == "" {
		text = htmltext.FromHTML(it.Description)
	}
	if title == "" && text == "" {
		return news.Article{}, false
	}
	link := strings.TrimSpace(it.Link)
	if link == "" && len(it.Links) > 0 {
		link = strings.TrimSpace(it.Links[0])
	}
	if link != "" && base != nil {
		if u, err := base.Parse(link); err == nil {
			link = u.String()
		}
	}
	a := news.Article{Title: title, Text: text, ImageURL: itemImage(it), Categories: categories(it.Categories)}
	a.Identify(it.GUID, link)
	switch {
	case it.PublishedParsed != nil:
		a.PublishedAt = it.PublishedParsed.UTC()
	case it.UpdatedParsed != nil:
		a.PublishedAt = it.UpdatedParsed.UTC()
	}
	return a, true
}

// Bounds on an item's categories: a feed that tags an item with a hundred
// keywords says nothing more about its section, and must not cost more.
const (
	maxCategories    = 10
	maxCategoryRunes = 100
)

// categories are an item's categories (RSS <category>, Atom category's
// term or label, JSON Feed tags) as plain text: trimmed, markup removed,
// empty and repeated ones dropped, at most maxCategories.
func categories(raw []string) []string {
	var out []string
	for _, c := range raw {
		c = strings.Join(strings.Fields(htmltext.FromHTML(c)), " ")
		if c == "" || utf8.RuneCountInString(c) > maxCategoryRunes || slices.Contains(out, c) {
			continue
		}
		if out = append(out, c); len(out) == maxCategories {
			break
		}
	}
	return out
}

// itemImage is the picture an item names: an enclosure of an image type,
// media:content of an image medium, media:thumbnail (also inside
// media:group), or the feed format's own image (JSON Feed image, RSS
// itunes:image). It is checked later, with PictureURL.
func itemImage(it *gofeed.Item) string {
	for _, e := range it.Enclosures {
		if e != nil && strings.HasPrefix(strings.ToLower(e.Type), "image/") {
			return e.URL
		}
	}
	media := it.Extensions["media"]
	groups := []map[string][]ext.Extension{media}
	for _, g := range media["group"] {
		groups = append(groups, g.Children)
	}
	for _, m := range groups {
		for _, c := range m["content"] {
			if strings.HasPrefix(strings.ToLower(c.Attrs["type"]), "image/") || strings.EqualFold(c.Attrs["medium"], "image") {
				return c.Attrs["url"]
			}
		}
		for _, c := range m["thumbnail"] {
			if c.Attrs["url"] != "" {
				return c.Attrs["url"]
			}
		}
	}
	if it.Image != nil {
		return it.Image.URL
	}
	return ""
}

// looksLikeHTML reports whether a body is a web page rather than a feed.
func looksLikeHTML(b []byte) bool {
	head := b[:min(len(b), 2048)]
	head = bytes.ToLower(bytes.TrimLeft(head, " \t\r\n"))
	// Skip an XML declaration and comments before the root element.
	for {
		switch {
		case bytes.HasPrefix(head, []byte("<?")):
			i := bytes.Index(head, []byte("?>"))
			if i < 0 {
				return false
			}
			head = bytes.TrimLeft(head[i+2:], " \t\r\n")
		case bytes.HasPrefix(head, []byte("<!--")):
			i := bytes.Index(head, []byte("-->"))
			if i < 0 {
				return false
			}
			head = bytes.TrimLeft(head[i+3:], " \t\r\n")
		default:
			return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) ||
				bytes.HasPrefix(head, []byte("<head")) || bytes.HasPrefix(head, []byte("<body"))
		}
	}
}

var (
	utf8BOM   = []byte{0xEF, 0xBB, 0xBF}
	prologRE  = regexp.MustCompile(`^\s*<\?xml[^>]*?\?>`)
	encAttrRE = regexp.MustCompile(`(encoding\s*=\s*)("[^"]*"|'[^']*')`)
)

// toUTF8 converts a body to UTF-8 (see Parse for the rules), rewrites the
// XML prolog to say so, and drops control characters XML forbids. It
// returns the text and the name of the charset it decoded from.
func toUTF8(data []byte, contentType string) ([]byte, string) {
	var (
		out  []byte
		name string
	)
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		out, name = data[len(utf8BOM):], "utf-8"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, name = decode(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data), "utf-16"
	default:
		declared := contentTypeCharset(contentType)
		prolog := prologEncoding(data)
		enc, encName := pickCharset(data, declared, prolog)
		if enc == nil {
			out, name = data, "utf-8"
		} else {
			out, name = decode(enc, data), encName
		}
	}
	if loc := prologRE.FindIndex(out); loc != nil {
		decl := encAttrRE.ReplaceAll(out[loc[0]:loc[1]], []byte(`${1}"UTF-8"`))
		out = append(decl, out[loc[1]:]...)
	}
	return dropControl(out), name
}

// pickCharset chooses the decoder; nil means the bytes are UTF-8 already.
func pickCharset(data []byte, declared, prolog string) (encoding.Encoding, string) {
	if e, n := lookup(declared); e != nil && strings.HasPrefix(n, "utf-16") {
		return e, n
	}
	if utf8.Valid(data) {
		return nil, "utf-8"
	}
	generic := map[string]bool{"windows-1252": true, "iso-8859-1": true, "us-ascii": true}
	candidates := []string{declared, prolog}
	if e, n := lookup(declared); e == nil || generic[n] {
		if pe, _ := lookup(prolog); pe != nil {
			candidates = []string{prolog, declared}
		}
	}
	for _, label := range candidates {
		if e, n := lookup(label); e != nil && n != "utf-8" {
			return e, n
		}
	}
	return charmap.Windows1256, "windows-1256"
}

// lookup finds an encoding by its WHATWG label, with its canonical name.
func lookup(label string) (encoding.Encoding, string) {
	if label == "" {
		return nil, ""
	}
	e, n := charset.Lookup(label)
	if e == nil {
		return nil, ""
	}
	return e, strings.ToLower(n)
}

func decode(e encoding.Encoding, data []byte) []byte {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		// Single-byte decoders never fail; UTF-16 with an odd length can.
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

func contentTypeCharset(ct string) string {
	if ct == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		return strings.TrimSpace(params["charset"])
	}
	// A malformed header still often carries "charset=…".
	// Fold ASCII only, so byte offsets stay those of ct.
	lower := []byte(ct)
	for j, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[j] = c + 'a' - 'A'
		}
	}
	i := bytes.Index(lower, []byte("charset="))
	if i < 0 {
		return ""
	}
	v, _, _ := strings.Cut(ct[i+len("charset="):], ";")
	return strings.Trim(strings.TrimSpace(v), `"'`)
}

func prologEncoding(data []byte) string {
	loc := prologRE.FindIndex(data[:min(len(data), 512)])
	if loc == nil {
		return ""
	}
	m := encAttrRE.FindSubmatch(data[loc[0]:loc[1]])
	if m == nil {
		return ""
	}
	return strings.TrimSpace(string(m[2][1 : len(m[2])-1]))
}

// dropControl removes C0 control characters other than tab, newline and
// carriage return: XML forbids them and real feeds still carry them.
func dropControl(b []byte) []byte {
	if bytes.IndexFunc(b, isBadControl) < 0 {
		return b
	}
	return bytes.Map(func(r rune) rune {
		if isBadControl(r) {
			return -1
		}
		return r
	}, b)
}

func isBadControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7F
}
