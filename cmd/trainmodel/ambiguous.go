package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ajel-news/ajel/arabic"
	"github.com/ajel-news/ajel/topic"
)

// findAmbiguous reads the ANT corpus for the catalogue's place words that
// are often something else: for each word, how many articles mention it
// and in how many no other word of its place appears (its "alone" share,
// with an example of its context). A word that is a common word, a name or
// a place elsewhere stands alone far more often than a real place name;
// it deserves a mark (see topic.Mark) or no place in the catalogue.
func findAmbiguous(ctx context.Context, w io.Writer, cat *topic.Catalogue, ant *antDocs, minAlone int) error {
	type stat struct {
		slug, word  string
		seen, alone int
		example     string
	}
	var words []string
	owner := map[string][]string{} // word as given → its places
	for _, t := range cat.Places() {
		for _, word := range append([]string{t.Name}, t.Words...) {
			if !slices.Contains(owner[word], t.Slug) {
				owner[word] = append(owner[word], t.Slug)
			}
			words = append(words, word)
		}
	}
	ix := arabic.NewIndex(words)
	stats := map[string]*stat{}
	for i, a := range ant.articles {
		if i%64 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		toks := arabic.Tokens(a.Title + "\n" + a.Text)
		spans := ix.MatchSpans(toks)
		bySlug := map[string]map[string]bool{}
		first := map[string]int{}
		for _, s := range spans {
			for _, slug := range owner[s.Keyword] {
				if bySlug[slug] == nil {
					bySlug[slug] = map[string]bool{}
				}
				bySlug[slug][arabic.KeywordForm(s.Keyword)] = true
			}
			if _, ok := first[s.Keyword]; !ok {
				first[s.Keyword] = s.Start
			}
		}
		for word, at := range first {
			for _, slug := range owner[word] {
				k := slug + "\x00" + word
				st := stats[k]
				if st == nil {
					st = &stat{slug: slug, word: word}
					stats[k] = st
				}
				st.seen++
				if len(bySlug[slug]) == 1 {
					st.alone++
					if st.example == "" {
						st.example = strings.Join(toks[max(0, at-4):min(len(toks), at+5)], " ")
					}
				}
			}
		}
	}
	var list []*stat
	for _, st := range stats {
		if st.alone >= minAlone {
			list = append(list, st)
		}
	}
	slices.SortFunc(list, func(a, b *stat) int {
		return cmp.Or(cmp.Compare(ratio(b.alone, b.seen), ratio(a.alone, a.seen)), cmp.Compare(a.word, b.word))
	})
	fmt.Fprintf(w, "place words of the catalogue that ANT articles mention with no other word of their place (at least %d times):\n", minAlone)
	fmt.Fprintf(w, "  %-14s %-22s %6s %6s %6s  %s\n", "place", "word", "seen", "alone", "share", "an example")
	for _, st := range list {
		fmt.Fprintf(w, "  %-14s %-22s %6d %6d %6.2f  %s\n", st.slug, st.word, st.seen, st.alone, ratio(st.alone, st.seen), st.example)
	}
	return nil
}
