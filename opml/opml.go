// Package opml reads and writes OPML 2.0, the file every feed reader and
// RSS bot imports and exports its feeds in, and imports one into Ajel's
// feeds. Outlines with an xmlUrl are feeds, named by their title (or
// text); outlines without one are folders, whose feeds are taken as if
// they were not in one. Ajel's feed options travel as attributes in its
// own namespace (ajel:fulltext="never" ajel:name="…"), which other
// readers ignore, so an export imported again keeps them.
package opml

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"github.com/ajel-news/ajel/internal/parallel"
	"github.com/ajel-news/ajel/news"
)

// Namespace is the XML namespace of Ajel's attributes.
const Namespace = "https://github.com/ajel-news/ajel/opml"

// Bounds of a file to import (news.MaxImportBytes, news.MaxImportOutlines).
const (
	// MaxBytes is the largest file read.
	MaxBytes = news.MaxImportBytes
	// MaxOutlines is the most outlines (feeds and folders) a file may hold.
	MaxOutlines = news.MaxImportOutlines
)

// Errors that refuse a whole file: nothing of it is imported. They are
// news's, so the bot tells them apart without this package.
var (
	// ErrNotOPML: not XML, or XML whose root is not <opml>.
	ErrNotOPML = news.ErrNotOPML
	// ErrTooLarge: more than MaxBytes.
	ErrTooLarge = news.ErrImportTooLarge
	// ErrTooManyOutlines: more than MaxOutlines outlines.
	ErrTooManyOutlines = news.ErrTooManyOutlines
)

// Entry is one outline of a file, folders flattened: a feed's address,
// its name, Ajel's options, and why the outline cannot be imported, if it
// cannot (Err: news.ErrNoFeedURL, a *news.FeedOptionError).
type Entry struct {
	URL     string
	Name    string // the title (or text) of another reader; ajel:name of Ajel's
	Title   string // the title or text as the file has it
	Options news.FeedOptions
	Err     error
}

// Read reads an OPML file: every outline that is a feed, or that is
// neither a feed nor a folder, in the file's order. A file that is not
// OPML, over MaxBytes or over MaxOutlines is refused whole.
func Read(r io.Reader) ([]Entry, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("opml: reading: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("opml: %w: more than %d MiB", ErrTooLarge, MaxBytes>>20)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charset.NewReaderLabel
	var (
		entries  []Entry
		open     []*Entry // the outlines open, innermost last; nil for a feed
		children []int    // outlines inside each open one
		outlines int
		rootSeen bool
		fromAjel bool
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("opml: %w: %v", ErrNotOPML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !rootSeen {
				if !strings.EqualFold(t.Name.Local, "opml") {
					return nil, fmt.Errorf("opml: %w: the root element is <%s>, not <opml>", ErrNotOPML, t.Name.Local)
				}
				rootSeen = true
				for _, a := range t.Attr {
					fromAjel = fromAjel || a.Value == Namespace
				}
				continue
			}
			if !strings.EqualFold(t.Name.Local, "outline") {
				continue
			}
			if outlines++; outlines > MaxOutlines {
				return nil, fmt.Errorf("opml: %w: more than %d", ErrTooManyOutlines, MaxOutlines)
			}
			if n := len(children); n > 0 {
				children[n-1]++
			}
			e := readOutline(t, fromAjel)
			open, children = append(open, &e), append(children, 0)
		case xml.EndElement:
			if !strings.EqualFold(t.Name.Local, "outline") || len(open) == 0 {
				continue
			}
			e, inside := open[len(open)-1], children[len(children)-1]
			open, children = open[:len(open)-1], children[:len(children)-1]
			// A folder (no address, outlines inside) is only a folder.
			if e.URL != "" || inside == 0 {
				if e.URL == "" && e.Err == nil {
					e.Err = news.ErrNoFeedURL
				}
				entries = append(entries, *e)
			}
		}
	}
	if !rootSeen {
		return nil, fmt.Errorf("opml: %w: no <opml> element", ErrNotOPML)
	}
	// Entries are appended as their outlines close; a feed closes before
	// the folder around it, so the file's order holds for feeds.
	return entries, nil
}

// readOutline reads one <outline>'s attributes.
func readOutline(t xml.StartElement, fromAjel bool) Entry {
	var e Entry
	var text, title string
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == Namespace:
			if e.Err == nil {
				e.Err = news.ParseFeedOption(&e.Options, a.Name.Local, a.Value)
			}
		case a.Name.Space != "":
		case strings.EqualFold(a.Name.Local, "xmlUrl"):
			e.URL = strings.TrimSpace(a.Value)
		case strings.EqualFold(a.Name.Local, "title"):
			title = a.Value
		case strings.EqualFold(a.Name.Local, "text"):
			text = a.Value
		}
	}
	e.Title = cmp.Or(strings.TrimSpace(title), strings.TrimSpace(text))
	if !fromAjel {
		e.Name = nameOf(e.Title)
	} else if e.Options.Name != "" && e.Options.Name != news.NameNone {
		e.Name = e.Options.Name
	}
	e.Options.Name = ""
	return e
}

var tags = regexp.MustCompile(`<[^>]*>`)

// nameOf turns another reader's title into a source's name: what its
// platform adds dropped (news.CleanFeedTitle), markup taken out, cut at
// a word to news.MaxFeedNameLen; "" when nothing fit for a name is left.
func nameOf(title string) string {
	s := news.CleanFeedTitle(tags.ReplaceAllString(title, " "))
	s = strings.NewReplacer("<", "", ">", "").Replace(s)
	if utf8.RuneCountInString(s) > news.MaxFeedNameLen {
		cut := []rune(s)[:news.MaxFeedNameLen]
		s = string(cut)
		if i := strings.LastIndex(s, " "); i > news.MaxFeedNameLen/2 {
			s = s[:i]
		}
	}
	name, err := news.CheckFeedName(s)
	if err != nil {
		return ""
	}
	return name
}

// Write writes feeds as an OPML 2.0 document: each an outline named as
// pushes name it, with its address, the page it was found from, and its
// options that are not the defaults as Ajel's attributes.
func Write(w io.Writer, feeds []news.Feed, now time.Time) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<opml version="2.0" xmlns:ajel="` + Namespace + `">` + "\n")
	b.WriteString("  <head>\n    <title>Ajel feeds</title>\n")
	b.WriteString("    <dateCreated>" + now.UTC().Format(time.RFC1123Z) + "</dateCreated>\n  </head>\n  <body>\n")
	for _, f := range feeds {
		name := f.SourceName()
		b.WriteString(`    <outline type="rss" text="` + attr(name) + `" title="` + attr(name) + `" xmlUrl="` + attr(f.URL) + `"`)
		if f.PageURL != "" {
			b.WriteString(` htmlUrl="` + attr(f.PageURL) + `"`)
		}
		for _, kv := range exported(f).Values() {
			b.WriteString(` ajel:` + kv[0] + `="` + attr(kv[1]) + `"`)
		}
		b.WriteString("/>\n")
	}
	b.WriteString("  </body>\n</opml>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// exported are a feed's options that differ from the defaults.
func exported(f news.Feed) news.FeedOptions {
	var o news.FeedOptions
	if f.FullText != "" && f.FullText != news.FullTextAuto {
		o.FullText = f.FullText
	}
	if f.Lang != "" && f.Lang != news.LangArabic {
		o.Lang = f.Lang
	}
	if f.Breaking {
		o.Breaking = news.Yes
	}
	o.Country, o.Name = f.Country, f.Name
	return o
}

func attr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// Store is where Import adds feeds; *storage.DB implements it.
type Store interface {
	// FeedByAddress finds the feed an address names (news.ErrNotFound).
	FeedByAddress(ctx context.Context, addr string) (news.Feed, error)
	// AddFeed adds a feed; an address already there is
	// news.ErrAlreadyExists with that feed.
	AddFeed(ctx context.Context, f news.Feed) (news.Feed, error)
}

// Check says whether an address may be added as a feed (an http(s)
// address of a host that resolves, not internal unless allowed:
// feed.ValidateURL), and completes an option that needs the topic
// catalogue (country=).
type Check func(ctx context.Context, e *Entry) error

// checksAtOnce is how many addresses are checked at the same time (each
// may resolve a host name).
const checksAtOnce = 8

// Import reads an OPML file and adds its feeds: those already there stay
// as they are; an outline naming a feed a second time counts once; an
// outline without an address, with an option Ajel refuses, or whose
// address check refuses it (internal, not http(s), a host that does not
// exist) is refused with the reason, and the others are imported. A file
// refused whole (ErrNotOPML, ErrTooLarge, ErrTooManyOutlines) adds
// nothing. Feeds are added as the bot adds them: the first poll of each
// only records its items.
func Import(ctx context.Context, r io.Reader, store Store, check Check) (news.ImportReport, error) {
	entries, err := Read(r)
	if err != nil {
		return news.ImportReport{}, err
	}
	var rep news.ImportReport
	seen := map[string]bool{}
	var todo []int
	for i, e := range entries {
		switch {
		case e.Err != nil:
		case seen[e.URL]:
			rep.Repeated++
			entries[i].Err = errRepeated
		default:
			seen[e.URL] = true
			todo = append(todo, i)
		}
	}
	// Check the addresses a few at a time; add in the file's order.
	if check != nil {
		parallel.For(len(todo), checksAtOnce, func(k int) {
			i := todo[k]
			entries[i].Err = check(ctx, &entries[i])
		})
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	for _, e := range entries {
		if errors.Is(e.Err, errRepeated) {
			continue
		}
		if e.Err != nil {
			rep.Refused = append(rep.Refused, news.ImportRefusal{URL: e.URL, Name: e.Title, Err: e.Err})
			continue
		}
		if f, err := store.FeedByAddress(ctx, e.URL); err == nil {
			rep.Known = append(rep.Known, f)
			continue
		} else if !errors.Is(err, news.ErrNotFound) {
			return rep, err
		}
		nf := news.Feed{URL: e.URL, Title: e.Title, Name: e.Name}
		e.Options.Apply(&nf)
		f, err := store.AddFeed(ctx, nf)
		switch {
		case errors.Is(err, news.ErrAlreadyExists):
			rep.Known = append(rep.Known, f)
		case err != nil:
			return rep, err
		default:
			rep.Added = append(rep.Added, f)
		}
	}
	return rep, nil
}

// errRepeated marks, inside Import, an outline whose feed came before.
var errRepeated = errors.New("opml: listed before")
