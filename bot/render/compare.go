package render

import (
	"slices"
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Bounds inside a comparison, so that no one telling crowds out the rest.
const (
	maxCompareTitle    = 300 // the story's headline
	maxCompareOutlet   = 60  // an outlet's name
	maxCompareHeadline = 300 // an outlet's own headline, before any is shortened
	minCompareHeadline = 60  // the shortest a headline is cut to before outlets are left out
	maxCompareFact     = 60  // one fact marked
)

// piece is a part of a message as the reader sees it (text, which is what
// Telegram counts) and as it is sent (html).
type piece struct{ text, html string }

func (p piece) len() int { return textcut.Len16(p.text) }

// clockSkew is how far ahead of Ajel's clock an outlet's may run and its
// item still be "just now".
const clockSkew = 2 * time.Minute

// Ago says when t was: "قبل 12 دقيقة" today (in the operator's zone), its
// date and time otherwise.
func (r *Renderer) Ago(t, now time.Time) string {
	lt, ln := t.In(r.loc), now.In(r.loc)
	d := now.Sub(t)
	y1, m1, d1 := lt.Date()
	y2, m2, d2 := ln.Date()
	switch {
	case t.IsZero() || d < -clockSkew || (d >= 0 && (y1 != y2 || m1 != m2 || d1 != d2)):
		return r.When(t)
	case d < time.Minute:
		return r.t.CompareJustNow
	case d < time.Hour:
		return r.f(r.t.CompareAgo, r.t.Count(r.t.Minutes, int(d/time.Minute)))
	}
	return r.f(r.t.CompareAgo, r.t.Count(r.t.Hours, int(d/time.Hour)))
}

// Comparison renders how each outlet told a story («كيف نقلتها المصادر»),
// first to last:
//
//	🧭 كيف نقلتها المصادر · 3 مصادر
//	<b>the story's headline</b>
//
//	1. <b>outlet</b> · قبل 12 دقيقة · <a href="…">الرابط</a>
//	its own headline
//	🔸 9 قتلى · حمص                 (the facts other tellings give otherwise)
//	…
//	و 5 مصادر أخرى لا تظهر هنا       (outlets left out)
//	🔸 what the mark means            (when a fact is marked)
//
// Times are relative today and dates otherwise (Ago). The visible text
// never exceeds Telegram's 4096 characters: the longest headlines are
// shortened first, down to minCompareHeadline, then the last outlets are
// left out and counted.
func (r *Renderer) Comparison(st news.StoryTellings, now time.Time) string {
	outlets := max(st.Outlets, len(st.Tellings))
	var head []piece
	h := r.f(r.t.CompareHeader, r.t.Count(r.t.Outlets, outlets))
	head = append(head, piece{StripTags(h), h})
	if title := textcut.Words(CleanLine(st.Story.Title), maxCompareTitle); title != "" {
		head = append(head, piece{IsolateMixed(title), "<b>" + Esc(IsolateMixed(title)) + "</b>"})
	}
	headlines := make([]string, len(st.Tellings))
	marked := false
	for i, t := range st.Tellings {
		headlines[i] = textcut.Words(CleanLine(t.Title), maxCompareHeadline)
		marked = marked || len(t.Differs) > 0
	}
	legend := piece{}
	if marked {
		legend = piece{r.t.CompareLegend, r.t.CompareLegend}
	}
	shown := len(st.Tellings)
	blocks := make([]piece, shown)
	for i := range shown {
		blocks[i] = r.telling(i+1, st.Tellings[i], headlines[i], now)
	}
	measure := func() (piece, int) {
		var tail []piece
		if left := outlets - shown; left > 0 {
			more := r.t.Count(r.t.CompareMore, left)
			tail = append(tail, piece{more, more})
		} else if outlets == 1 {
			tail = append(tail, piece{r.t.CompareAlone, r.t.CompareAlone})
		}
		if legend.text != "" {
			tail = append(tail, legend)
		}
		msg := joinPieces(head, blocks[:shown], tail)
		return msg, msg.len() - MaxMessageLen
	}
	msg, over := measure()
	// The longest headlines give way first, all to one length, no shorter
	// than minCompareHeadline (a few rounds: isolates and word ends make
	// the first guess inexact) …
	for round := 0; over > 0 && round < 4; round++ {
		limit, ok := headlineLimit(headlines, over)
		if !ok {
			break
		}
		for i, h := range headlines {
			if textcut.Len16(h) > limit {
				headlines[i] = textcut.Words(h, limit)
				blocks[i] = r.telling(i+1, st.Tellings[i], headlines[i], now)
			}
		}
		msg, over = measure()
	}
	// … then the last outlets are left out, and counted.
	for over > 0 && shown > 0 {
		shown--
		msg, over = measure()
	}
	return msg.html
}

// headlineLimit is the length to cut every longer headline to so that
// they lose at least over characters together, never below
// minCompareHeadline; ok is false when none is longer than that.
func headlineLimit(headlines []string, over int) (int, bool) {
	lens := make([]int, 0, len(headlines))
	for _, h := range headlines {
		if n := textcut.Len16(h); n > minCompareHeadline {
			lens = append(lens, n)
		}
	}
	if len(lens) == 0 {
		return 0, false
	}
	slices.Sort(lens)
	slices.Reverse(lens)
	// Lower the limit from the longest down until the cut frees enough
	// (each cut headline also gains a "…").
	need := over + 2*len(lens)
	for limit := lens[0] - 1; limit > minCompareHeadline; limit-- {
		freed := 0
		for _, n := range lens {
			if n <= limit {
				break
			}
			freed += n - limit
		}
		if freed >= need {
			return limit, true
		}
	}
	return minCompareHeadline, true
}

// telling is one outlet's block of a comparison.
func (r *Renderer) telling(rank int, t news.Telling, headline string, now time.Time) piece {
	outlet := textcut.Words(CleanLine(t.Outlet), maxCompareOutlet)
	if outlet == "" {
		outlet = "…"
	}
	when := r.Ago(t.PublishedAt, now)
	line := r.f(r.t.CompareTelling, rank, Esc(Isolate(outlet)), when)
	p := piece{StripTags(line), line}
	if link := r.Link(t.URL); link != "" {
		p.text += " · " + r.t.LinkLabel
		p.html += " · " + link
	}
	if headline != "" {
		p.text += "\n" + IsolateMixed(headline)
		p.html += "\n" + Esc(IsolateMixed(headline))
	}
	var facts []string
	for _, f := range t.Differs {
		if f = textcut.Words(CleanLine(f), maxCompareFact); f != "" {
			facts = append(facts, IsolateMixed(f))
		}
	}
	if len(facts) > 0 {
		marks := r.f(r.t.CompareDiffers, Esc(strings.Join(facts, " · ")))
		p.text += "\n" + StripTags(marks)
		p.html += "\n" + marks
	}
	return p
}

// joinPieces is the head's lines, a blank line, the blocks apart by blank
// lines, and the tail's lines after another.
func joinPieces(head, blocks, tail []piece) piece {
	var text, html []string
	add := func(ps []piece, sep string) {
		var t, h []string
		for _, p := range ps {
			t, h = append(t, p.text), append(h, p.html)
		}
		if len(t) > 0 {
			text, html = append(text, strings.Join(t, sep)), append(html, strings.Join(h, sep))
		}
	}
	add(head, "\n")
	add(blocks, "\n\n")
	add(tail, "\n")
	return piece{strings.Join(text, "\n\n"), strings.Join(html, "\n\n")}
}
