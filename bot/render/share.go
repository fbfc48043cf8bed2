package render

import (
	"strings"
	"time"
	"unicode"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Bounds of what the inline picker lists and of a share button's query.
const (
	maxCardTitle  = 120
	maxCardSource = 60
	// maxShareWords and maxShareQuery bound the words a share button
	// types after "@bot": enough to find the story, short enough to read.
	maxShareWords = 6
	maxShareQuery = 64
)

// ShareCard is what the inline picker lists for a story: its headline, and
// a line saying who told it, when, and how many outlets did (plain text).
func (r *Renderer) ShareCard(s news.SharedStory, now time.Time) (title, description string) {
	title = textcut.Words(CleanLine(s.Push.Title), maxCardTitle)
	if title == "" {
		title = "…"
	}
	var parts []string
	if src := textcut.Words(CleanLine(s.Push.Source), maxCardSource); src != "" {
		parts = append(parts, src)
	}
	if !s.PublishedAt.IsZero() {
		parts = append(parts, StripTags(r.Ago(s.PublishedAt, now)))
	}
	if n := s.Push.OtherSources + 1; n > 1 {
		parts = append(parts, r.t.Count(r.t.Outlets, n))
	}
	return IsolateMixed(title), strings.Join(parts, " · ")
}

// ShareQuery is what a share button types after "@bot" for a story: the
// first words of its headline (those with a letter or a digit), at most
// maxShareWords of them and maxShareQuery characters, which inline mode
// finds the story by.
func ShareQuery(title string) string {
	var words []string
	n := 0
	for _, w := range strings.Fields(CleanLine(title)) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
		if w == "" {
			continue
		}
		if n+textcut.Len16(w)+1 > maxShareQuery || len(words) == maxShareWords {
			break
		}
		words = append(words, w)
		n += textcut.Len16(w) + 1
	}
	return strings.Join(words, " ")
}
