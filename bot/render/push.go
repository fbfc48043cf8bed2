package render

import (
	"strings"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Limits inside a push, so no one field can crowd out the rest.
const (
	maxTitleLen  = 1024
	maxTopicLen  = 100
	maxSourceLen = 100
	minSummary   = 40 // below this a cut summary says nothing: drop it
	// maxOtherLinks and maxOtherName bound the line of other outlets.
	maxOtherLinks = 3
	maxOtherName  = 50
)

// Push renders a pushed story:
//
//	🔴 أخبار عاجلة · <topic>          (📰 when not breaking)
//	<b>title</b>
//	summary
//	المصدر: <source> · <a href="url">الرابط</a> · وأفادت به N مصادر أخرى
//	مصادر أخرى: <a href="url2">source2</a> · <a href="url3">source3</a>
//
// The last line lists up to three of p.Others (an outlet without a usable
// link is named without one). The visible text never exceeds Telegram's
// 4096 characters: the summary, then the title, is cut at a word boundary
// with "…".
func (r *Renderer) Push(p news.Push) string {
	icon := "📰 "
	if p.Breaking {
		icon = "🔴 "
	}
	header, headerHTML := icon+r.t.Breaking, icon+r.t.Breaking
	if topic := textcut.Words(CleanLine(p.Topic), maxTopicLen); topic != "" {
		header += " · " + Isolate(topic)
		headerHTML += " · " + Esc(Isolate(topic))
	}

	var footer, footerHTML []string
	if src := textcut.Words(CleanLine(p.Source), maxSourceLen); src != "" {
		footer = append(footer, r.t.SourceLabel+Isolate(src))
		footerHTML = append(footerHTML, r.t.SourceLabel+Esc(Isolate(src)))
	}
	if link := r.Link(p.URL); link != "" {
		footer = append(footer, r.t.LinkLabel)
		footerHTML = append(footerHTML, link)
	}
	if p.OtherSources > 0 {
		others := r.t.Count(r.t.OtherSources, p.OtherSources)
		footer = append(footer, others)
		footerHTML = append(footerHTML, others)
	}
	others, othersHTML := r.otherLinks(p.Others)
	fixed := textcut.Len16(header) + textcut.Len16(strings.Join(footer, " · "))
	if len(footer) > 0 {
		fixed++ // newline before the footer
	}
	if others != "" {
		fixed += 1 + textcut.Len16(others)
	}

	title := textcut.Words(CleanLine(p.Title), maxTitleLen)
	summary := CleanText(p.Summary)
	// Cut the summary first, then the title, until the visible text fits;
	// isolates added after cutting are measured too, hence the loop.
	for range 8 {
		t, s := IsolateMixed(title), IsolateMixed(summary)
		n := fixed + 1 + textcut.Len16(t)
		if s != "" {
			n += 1 + textcut.Len16(s)
		}
		over := n - MaxMessageLen
		if over <= 0 {
			break
		}
		if summary != "" {
			budget := textcut.Len16(summary) - over - 2 // room for "…" and an isolate
			if budget < minSummary {
				summary = ""
				continue
			}
			summary = textcut.Words(summary, budget)
			continue
		}
		title = textcut.Words(title, max(textcut.Len16(title)-over-2, 1))
	}

	var sb strings.Builder
	sb.WriteString(headerHTML)
	sb.WriteString("\n<b>" + Esc(IsolateMixed(title)) + "</b>")
	if summary != "" {
		sb.WriteString("\n" + Esc(IsolateMixed(summary)))
	}
	if len(footerHTML) > 0 {
		sb.WriteString("\n" + strings.Join(footerHTML, " · "))
	}
	if othersHTML != "" {
		sb.WriteString("\n" + othersHTML)
	}
	return sb.String()
}

// otherLinks renders the line naming other outlets that carried a story,
// as visible text and as HTML; both are empty when there is none.
func (r *Renderer) otherLinks(ls []news.SourceLink) (text, html string) {
	var names, links []string
	for _, l := range ls {
		name := textcut.Words(CleanLine(l.Name), maxOtherName)
		if name == "" {
			continue
		}
		names = append(names, Isolate(name))
		if u, ok := SafeURL(l.URL); ok {
			links = append(links, `<a href="`+Esc(u)+`">`+Esc(Isolate(name))+`</a>`)
		} else {
			links = append(links, Esc(Isolate(name)))
		}
		if len(names) == maxOtherLinks {
			break
		}
	}
	if len(names) == 0 {
		return "", ""
	}
	return r.t.OthersLabel + strings.Join(names, " · "), r.t.OthersLabel + strings.Join(links, " · ")
}

// maxDigestTitle bounds one story's title in a digest, so one long title
// cannot crowd out the others.
const maxDigestTitle = 200

// digestReserve is room kept for the line of stories left out.
const digestReserve = 64

// Digest renders the stories a chat's hourly cap held back as one message:
//
//	🗞️ موجز الأخبار · 3 أخبار
//	• <b><a href="url">title</a></b>
//	…
//	و 12 خبرًا آخر           (when the rest would not fit in 4096 characters)
//
// Titles are cleaned, cut and escaped as in Push; a story without a usable
// link gets a bold title without one.
func (r *Renderer) Digest(ps []news.Push) string {
	var sb strings.Builder
	sb.WriteString(r.f(r.t.DigestHeader, r.t.Count(r.t.Stories, len(ps))))
	// Measured on the HTML, which is never shorter than the visible text.
	size := textcut.Len16(sb.String())
	for i, p := range ps {
		title := Esc(IsolateMixed(textcut.Words(CleanLine(p.Title), maxDigestTitle)))
		if title == "" {
			title = "…"
		}
		line := "\n• <b>" + title + "</b>"
		if u, ok := SafeURL(p.URL); ok {
			line = "\n• <b><a href=\"" + Esc(u) + "\">" + title + "</a></b>"
		}
		if size+textcut.Len16(line) > MaxMessageLen-digestReserve {
			sb.WriteString("\n" + r.t.Count(r.t.DigestMore, len(ps)-i))
			break
		}
		sb.WriteString(line)
		size += textcut.Len16(line)
	}
	return sb.String()
}

// maxUpdateFacts is how many facts one update message shows: more
// waiting together is a story to reread, not an alert.
const maxUpdateFacts = 6

// Update is a follow update: "🔄 تحديث:" and the headline, the new
// sentences, the source.
func (r *Renderer) Update(u news.Update) string {
	var b strings.Builder
	b.WriteString(r.t.UpdateLabel + "<b>" + Esc(Isolate(textcut.Words(CleanLine(u.Title), 200))) + "</b>")
	facts := u.Facts
	if len(facts) > maxUpdateFacts {
		facts = facts[len(facts)-maxUpdateFacts:] // the latest
	}
	for _, f := range facts {
		if f = CleanText(f); f != "" {
			b.WriteString("\n• " + Esc(textcut.Words(f, 400)))
		}
	}
	src := textcut.Words(CleanLine(u.Source), 100)
	line := r.t.SourceLabel + Esc(Isolate(src))
	if link := r.Link(u.URL); link != "" {
		line += " · " + link
	}
	b.WriteString("\n" + line)
	return b.String()
}

// Stories renders stories for /latest and /search, a block each: title, a
// short summary, source, link and time, and the command that compares
// the story's tellings (/story_N).
func (r *Renderer) Stories(arts []news.Article) []string {
	blocks := make([]string, 0, len(arts))
	for _, a := range arts {
		var sb strings.Builder
		sb.WriteString("• <b>" + Esc(IsolateMixed(textcut.Words(CleanLine(a.Title), 300))) + "</b>")
		if s := textcut.Words(CleanText(a.Summary), 400); s != "" {
			sb.WriteString("\n" + Esc(IsolateMixed(s)))
		}
		var meta []string
		if src := CleanLine(a.Source); src != "" {
			meta = append(meta, Esc(Isolate(textcut.Words(src, 100))))
		}
		if link := r.Link(a.URL); link != "" {
			meta = append(meta, link)
		}
		if t := a.PublishedAt; !t.IsZero() {
			meta = append(meta, r.When(t))
		}
		if len(meta) > 0 {
			sb.WriteString("\n" + strings.Join(meta, " · "))
		}
		if a.StoryID > 0 {
			sb.WriteString("\n" + r.f(r.t.StoryLink, a.StoryID)) // how each outlet told it: /story_N
		}
		blocks = append(blocks, sb.String())
	}
	return blocks
}
