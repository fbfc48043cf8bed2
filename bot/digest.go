package bot

import (
	"strings"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// maxDigestTitle bounds one story's title in a digest, so one long title
// cannot crowd out the others.
const maxDigestTitle = 200

// digestReserve is room kept for the "و N أخبار أخرى" line.
const digestReserve = 64

// RenderDigest renders the stories a chat's hourly cap held back as one
// message in Telegram HTML:
//
//	🗞️ موجز الأخبار · 3 أخبار
//	• <b><a href="url">title</a></b>
//	…
//	و 12 خبرًا آخر           (when the rest would not fit in 4096 characters)
//
// Titles are cleaned, cut and escaped as in RenderPush; a story without a
// usable link gets a bold title without one.
func RenderDigest(ps []news.Push) string {
	var sb strings.Builder
	sb.WriteString(msgDigestHeader(len(ps)))
	// Measured on the HTML, which is never shorter than the visible text.
	size := textcut.Len16(sb.String())
	for i, p := range ps {
		title := esc(isolateMixed(textcut.Words(cleanLine(p.Title), maxDigestTitle)))
		if title == "" {
			title = "…"
		}
		line := "\n• <b>" + title + "</b>"
		if u, ok := safeURL(p.URL); ok {
			line = "\n• <b><a href=\"" + esc(u) + "\">" + title + "</a></b>"
		}
		if size+textcut.Len16(line) > maxMessageLen-digestReserve {
			sb.WriteString("\n" + msgDigestMore(len(ps)-i))
			break
		}
		sb.WriteString(line)
		size += textcut.Len16(line)
	}
	return sb.String()
}
