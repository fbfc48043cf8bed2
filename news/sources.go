package news

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How a source is named, found and brought in: the operator's name for a
// feed (name=, /renamefeed), the feed title cleaned of what platforms add
// to it, the feeds a web page links to, and what an OPML import did.

// MaxFeedNameLen is the longest name=, in characters: a source line names
// the outlet, it does not describe it.
const MaxFeedNameLen = 64

// NameNone, as name= or /renamefeed's name, takes the operator's name
// away: pushes name the source by its feed's title again.
const NameNone = "-"

// FeedNameProblem is why a name is refused.
type FeedNameProblem int

// The reasons a name is refused.
const (
	// NameEmpty: nothing but spaces.
	NameEmpty FeedNameProblem = iota + 1
	// NameTooLong: more than MaxFeedNameLen characters.
	NameTooLong
	// NameMarkup: it holds '<' or '>', pasted HTML rather than a name.
	NameMarkup
	// NameControl: it holds control or bidi formatting characters, which
	// would reorder the push line it is shown in.
	NameControl
)

// FeedNameError says why a name was refused; it matches ErrInvalid.
type FeedNameError struct {
	Problem FeedNameProblem
	// Len is the name's length in characters (for NameTooLong).
	Len int
}

func (e *FeedNameError) Error() string {
	switch e.Problem {
	case NameEmpty:
		return "the name is empty"
	case NameTooLong:
		return fmt.Sprintf("the name is %d characters long; at most %d", e.Len, MaxFeedNameLen)
	case NameMarkup:
		return "a name has no markup: '<' and '>' are refused"
	}
	return "the name holds control or direction characters"
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *FeedNameError) Is(target error) bool { return target == ErrInvalid }

// CheckFeedName returns the name an operator gave a source, its spaces
// folded, or why it is refused (a *FeedNameError): empty, longer than
// MaxFeedNameLen characters, markup, or control and bidi characters. A
// name is shown escaped wherever it goes, so '&' and quotes are kept.
func CheckFeedName(s string) (string, error) {
	for _, r := range s {
		if isBidiFormat(r) || (unicode.IsControl(r) && !unicode.IsSpace(r)) ||
			(unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d') {
			return "", &FeedNameError{Problem: NameControl}
		}
	}
	name := strings.Join(strings.Fields(s), " ")
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return "", &FeedNameError{Problem: NameEmpty}
	case strings.ContainsAny(name, "<>"):
		return "", &FeedNameError{Problem: NameMarkup}
	case n > MaxFeedNameLen:
		return "", &FeedNameError{Problem: NameTooLong, Len: n}
	}
	return name, nil
}

// isBidiFormat reports the characters that change the direction of text
// around them: embeddings, overrides, isolates and marks.
func isBidiFormat(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' ||
		r == '\u200e' || r == '\u200f' || r == '\u061c'
}

// SourceName is how a push names the feed's outlet: the operator's name,
// else the feed's title cleaned of what its platform adds
// (CleanFeedTitle), else the feed's host.
func (f Feed) SourceName() string {
	if f.Name != "" {
		return f.Name
	}
	if t := CleanFeedTitle(f.Title); t != "" {
		return t
	}
	if u, err := url.Parse(f.URL); err == nil && u.Hostname() != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return f.URL
}

// titleSeparators part a feed title into the outlet's name and what the
// platform or the outlet added ("Hespress - Article Feed").
var titleSeparators = []string{" - ", " – ", " — ", " | ", " :: ", " » ", " « ", " · ", " • "}

// feedWords name a feed, not an outlet: stripped from either end of a
// part ("CNN Arabic RSS Feed").
var feedWords = map[string]bool{
	"feed": true, "feeds": true, "rss": true, "rss2": true, "atom": true, "xml": true,
	"خلاصة": true, "خلاصات": true, "تغذية": true,
}

// genericWords, with feedWords, make a whole part that names no outlet
// ("Latest News", "Article Feed", "آخر الأخبار"); a part of them alone is
// dropped, but "Sky News" keeps its "News".
var genericWords = map[string]bool{
	"all": true, "latest": true, "recent": true, "top": true, "new": true, "news": true, "headlines": true,
	"article": true, "articles": true, "post": true, "posts": true, "entries": true, "items": true,
	"stories": true, "comments": true, "home": true, "homepage": true, "main": true, "index": true,
	"blog": true, "site": true, "the": true, "of": true, "for": true, "and": true, "on": true, "from": true,
	"آخر": true, "اخر": true, "أحدث": true, "احدث": true, "الأخبار": true, "الاخبار": true, "أخبار": true,
	"اخبار": true, "جميع": true, "كل": true, "المقالات": true, "مقالات": true, "الرئيسية": true,
	"الصفحة": true, "التدوينات": true, "الموقع": true,
}

// CleanFeedTitle is a feed's title as an outlet's name: the parts a
// platform adds ("Hespress - Article Feed" is "Hespress", "RSS - France
// 24" is "France 24", "Latest News | Sky News Arabia" is "Sky News
// Arabia") and "RSS"/"Feed" at either end of a part ("CNN Arabic RSS
// Feed" is "CNN Arabic") go; a title made only of such words stays as it
// is. General rules, for every outlet.
func CleanFeedTitle(title string) string {
	title = strings.Join(strings.Fields(title), " ")
	if title == "" {
		return ""
	}
	parts := []string{title}
	for _, sep := range titleSeparators {
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, sep)...)
		}
		parts = next
	}
	var kept []string
	for _, p := range parts {
		words := strings.Fields(p)
		for len(words) > 0 && feedWords[wordKey(words[0])] {
			words = words[1:]
		}
		for len(words) > 0 && feedWords[wordKey(words[len(words)-1])] {
			words = words[:len(words)-1]
		}
		generic := true
		for _, w := range words {
			if k := wordKey(w); k != "" && !genericWords[k] && !feedWords[k] {
				generic = false
			}
		}
		if !generic {
			kept = append(kept, strings.Join(words, " "))
		}
	}
	if len(kept) == 0 {
		return title
	}
	return strings.Join(kept, " - ")
}

// wordKey is a word lower-cased without the punctuation around it.
func wordKey(w string) string {
	return strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }))
}

// ErrNoFeed means a web page names no feed (no <link rel="alternate"> to
// RSS, Atom or JSON Feed) and none answers at the usual paths.
var ErrNoFeed = errors.New("the page has no feed")

// FeedLink is a feed found for an address: its URL and its title.
type FeedLink struct {
	URL, Title string
}

// RefusedLink is a feed address a page named that was not used, and why
// (an internal address, javascript:, not a feed).
type RefusedLink struct {
	URL string
	Err error
}

// FeedSearch is what an address turned out to be: a feed itself
// (Direct, Feeds its one link), or a web page (Page) and the feeds it
// links to, in the page's order, each checked to be a feed.
type FeedSearch struct {
	Direct  bool
	Page    string
	Feeds   []FeedLink
	Refused []RefusedLink
}

// ErrRedirectLoop means an address redirects in a loop, or more times
// than a fetch follows.
var ErrRedirectLoop = errors.New("too many redirects")

// ErrTimeout means a site did not answer in time.
var ErrTimeout = errors.New("timed out")

// The bounds of an OPML file to import. The largest real exports are a
// few hundred feeds, about 300 bytes an outline.
const (
	// MaxImportBytes is the largest file read.
	MaxImportBytes = 2 << 20
	// MaxImportOutlines is the most outlines (feeds and folders) a file
	// may hold.
	MaxImportOutlines = 2000
)

// Errors that refuse a whole OPML file: nothing of it is imported.
var (
	// ErrNotOPML: not XML, or XML whose root is not <opml>.
	ErrNotOPML = errors.New("not an OPML file")
	// ErrImportTooLarge: more than MaxImportBytes.
	ErrImportTooLarge = errors.New("OPML file too large")
	// ErrTooManyOutlines: more than MaxImportOutlines outlines.
	ErrTooManyOutlines = errors.New("too many outlines")
)

// ErrNoFeedURL is an OPML outline with neither a feed address (xmlUrl)
// nor outlines inside it.
var ErrNoFeedURL = errors.New("outline without xmlUrl")

// ImportRefusal is an OPML outline that was not imported, and why: an
// address that is not http(s) (ErrBadURL) or internal
// (ErrPrivateAddress), a host that does not resolve, no xmlUrl
// (ErrNoFeedURL), an option refused (*FeedOptionError).
type ImportRefusal struct {
	URL, Name string
	Err       error
}

// ImportReport is what an OPML import did: the feeds added, those already
// there (left as they were), the outlines that named a feed a second
// time, and the outlines refused, in the file's order.
type ImportReport struct {
	Added    []Feed
	Known    []Feed
	Repeated int
	Refused  []ImportRefusal
}
