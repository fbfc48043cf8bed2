package story

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/news"
)

// The breaking rule: an article is breaking news when its headline says so
// (a marker such as عاجل, see SplitMarker and HeadlineMarked), when its feed
// is one the operator marked all-breaking, or when a burst of outlets
// carries its story (IsBreaking).

// markers open an urgent headline, in case-folded form, longest first so
// "breaking news" wins over "breaking".
var markers = []string{"breaking news", "breaking", "urgent", "عاجل جدا", "عاجل"}

// SplitMarker removes a breaking-news marker from the start of a title and
// reports whether there was one: "عاجل: …", "عاجل | …", "[عاجل] …", "عاجل -
// …", "🔴 عاجل …", "BREAKING: …" (any case). The marker must be a whole word
// ("عاجلة" and "Breakingviews" are not markers). A title that is only the
// marker comes back empty with breaking true; the separators after the
// marker are removed, and a title without one comes back trimmed.
func SplitMarker(title string) (rest string, breaking bool) {
	title = strings.TrimSpace(title)
	s := strings.TrimLeftFunc(title, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, m := range markers {
		if len(s) < len(m) || !strings.EqualFold(s[:len(m)], m) {
			continue
		}
		after := s[len(m):]
		if r, _ := utf8.DecodeRuneInString(after); after != "" &&
			(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) {
			continue
		}
		after = strings.TrimLeftFunc(after, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
		})
		return strings.TrimSpace(after), true
	}
	return title, false
}

// IsBreaking reports whether an article makes its story breaking news:
// its headline carried a marker such as عاجل or it came from a feed the
// operator marked breaking (both set a.Breaking upstream), or
// sourcesInWindow distinct sources (see SourcesWithin with BurstWindow,
// counted after Add) carried the story — a burst.
func IsBreaking(a news.Article, sourcesInWindow int) bool {
	return a.Breaking || sourcesInWindow >= BurstSources
}

// HeadlineMarked reports whether a headline announces itself as breaking:
// it starts with عاجل (or "خبر عاجل", "Breaking", "Urgent"), or ends with
// one after a separator ("… - عاجل", "… (عاجل)"). The word elsewhere
// ("يعقد اجتماعا عاجلا", "اجتماع عاجل") is an adjective, not a marker.
func HeadlineMarked(title string) bool {
	toks := arabic.Tokens(title)
	switch {
	case len(toks) == 0:
		return false
	case breakingMarker(toks[0]), len(toks) > 1 && toks[0] == "خبر" && breakingMarker(toks[1]):
		return true
	}
	n := arabic.Normalize(title)
	n = strings.TrimRightFunc(n, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	for _, m := range []string{"عاجل", "عاجله", "breaking", "urgent"} {
		if rest, ok := strings.CutSuffix(n, m); ok {
			rest = strings.TrimRightFunc(rest, unicode.IsSpace)
			return strings.HasSuffix(rest, "-") || strings.HasSuffix(rest, "|") ||
				strings.HasSuffix(rest, "(") || strings.HasSuffix(rest, "[") ||
				strings.HasSuffix(rest, "–") || strings.HasSuffix(rest, "—") || strings.HasSuffix(rest, ":")
		}
	}
	return false
}

func breakingMarker(tok string) bool {
	switch tok {
	case "عاجل", "عاجله", "breaking", "urgent":
		return true
	}
	return false
}
