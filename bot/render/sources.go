package render

import (
	"cmp"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Sources (issue 24): what /addfeed says of a site's address, names,
// /feeds a page at a time, OPML imports and exports, and the alerts
// admins get.

// FeedFound: the address was a site's page; the feed found on it (its
// title) was added as f.
func (r *Renderer) FeedFound(page, title string, f news.Feed) string {
	name := title
	if name == "" {
		name = f.URL
	}
	return r.f(r.t.FeedFoundOn, Esc(textcut.Words(page, 300)), r.Quote(textcut.Words(name, 200))) + "\n" + r.FeedAdded(f)
}

// FeedChoose asks which of the n feeds a page links to to add.
func (r *Renderer) FeedChoose(page string, n int) string {
	return r.f(r.t.FeedChoose, Esc(textcut.Words(page, 300)), r.t.Count(r.t.Feeds, n))
}

// maxChoiceLabel bounds a button's label of a feed to pick.
const maxChoiceLabel = 48

// FeedChoiceLabel is the label of a feed's button: its title (cleaned of
// what its platform adds), else its address without the scheme.
func (r *Renderer) FeedChoiceLabel(l news.FeedLink) string {
	label := news.CleanFeedTitle(CleanLine(l.Title))
	if u, err := url.Parse(l.URL); err == nil {
		where := u.Host + u.EscapedPath()
		if label == "" {
			label = where
		} else if utf8.RuneCountInString(label)+utf8.RuneCountInString(where) < maxChoiceLabel {
			label += " · " + where
		}
	}
	if label == "" {
		label = l.URL
	}
	return textcut.Words(label, maxChoiceLabel)
}

// FeedNoFeed: the page has no feed; refused counts the links it named
// that were not used.
func (r *Renderer) FeedNoFeed(page string, refused int) string {
	s := r.f(r.t.FeedNoFeed, Esc(textcut.Words(page, 300)))
	if refused > 0 {
		s += r.f(r.t.FeedLinksRefused, strconv.Itoa(refused))
	}
	return s
}

// FeedHTTPStatus: the site answered status ("404 Not Found").
func (r *Renderer) FeedHTTPStatus(status string) string {
	return r.f(r.t.FeedHTTPStatus, "<code>"+Esc(Isolate(CleanLine(status)))+"</code>")
}

// FeedUnreachable: the address could not be read, for the reason given
// (free of secrets).
func (r *Renderer) FeedUnreachable(reason string) string {
	return r.f(r.t.FeedUnreachable, Esc(IsolateMixed(textcut.Words(CleanLine(reason), 300))))
}

// FeedRenamed: the feed is called name from now on.
func (r *Renderer) FeedRenamed(id int64, name string) string {
	return r.f(r.t.FeedRenamed, id, r.Quote(name))
}

// FeedNameCleared: the feed has no name; pushes use f's title.
func (r *Renderer) FeedNameCleared(f news.Feed) string {
	return r.f(r.t.FeedNameCleared, f.ID, r.Quote(f.SourceName()))
}

// FeedNameRefused says why a name was refused.
func (r *Renderer) FeedNameRefused(e *news.FeedNameError) string {
	switch e.Problem {
	case news.NameTooLong:
		return r.f(r.t.FeedNameTooLong, r.t.Count(r.t.Characters, e.Len), r.t.Count(r.t.Characters, news.MaxFeedNameLen))
	case news.NameMarkup:
		return r.t.FeedNameMarkup
	case news.NameEmpty:
		return r.t.FeedNameEmpty
	}
	return r.t.FeedNameControl
}

// FeedsPerPage is how many feeds a page of /feeds shows.
const FeedsPerPage = 10

// maxFeedEntry bounds one feed's entry in a page of /feeds, so ten and
// the header always fit one message.
const maxFeedEntry = (MaxMessageLen - 300) / FeedsPerPage

// FeedsPage is one page of /feeds (page counts from 1 of pages): each
// feed's id, name, address, state and options. The errors in the feeds
// must be free of secrets already.
func (r *Renderer) FeedsPage(feeds []news.Feed, total, page, pages int, now time.Time) string {
	var b strings.Builder
	b.WriteString(r.f(r.t.FeedsPage, total, page, pages))
	for _, f := range feeds {
		b.WriteString("\n\n")
		b.WriteString(r.feedEntry(f, now))
	}
	b.WriteString(r.t.FeedsDetailHint)
	return b.String()
}

// feedEntry is a feed's few lines in a page of /feeds.
func (r *Renderer) feedEntry(f news.Feed, now time.Time) string {
	var state string
	switch {
	case f.Failures > 0:
		// Failing since its last success (or since it was added, or its
		// last error when even that is unknown).
		since := f.LastSuccessAt
		for _, t := range []time.Time{f.CreatedAt, f.LastErrorAt, now} {
			if since.IsZero() {
				since = t
			}
		}
		state = r.f(r.t.FeedStateFailing, r.Age(now.Sub(since)), f.Failures)
	case f.LastSuccessAt.IsZero():
		state = r.t.FeedStateNew
	default:
		state = r.f(r.t.FeedStateOK, r.When(f.LastSuccessAt))
	}
	state += r.f(r.t.FeedModes, Esc(string(cmp.Or(f.FullText, news.FullTextAuto))), Esc(string(cmp.Or(f.Lang, news.LangArabic))))
	if f.Breaking {
		state += r.t.FeedModeBreaking
	}
	if f.Country != "" {
		state += r.f(r.t.FeedModeCountry, Esc(f.Country))
	}
	name := Esc(Isolate(textcut.Words(CleanLine(f.SourceName()), 100)))
	address := Esc(textcut.Line(f.URL, 200))
	s := r.f(r.t.FeedEntry, f.ID, name, address, state)
	if utf8.RuneCountInString(s) > maxFeedEntry {
		// Only a very long address can make it so: shorten it more.
		s = r.f(r.t.FeedEntry, f.ID, name, Esc(textcut.Line(f.URL, 80)), state)
	}
	return s
}

// Age says how long ago something began, as people say it: in minutes
// under an hour, in hours under two days, in days beyond.
func (r *Renderer) Age(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return r.t.Count(r.t.Days, int(d/(24*time.Hour)))
	case d >= time.Hour:
		return r.t.Count(r.t.Hours, int(d/time.Hour))
	}
	return r.t.Count(r.t.Minutes, max(int(d/time.Minute), 1))
}

// ImportTooLarge: the file is size bytes; the most is limit.
func (r *Renderer) ImportTooLarge(size, limit int64) string {
	mb := func(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) }
	return r.f(r.t.ImportTooLarge, mb(size), strconv.FormatInt(limit>>20, 10))
}

// ImportTooMany: the file has more outlines than an import takes.
func (r *Renderer) ImportTooMany(limit int) string {
	return r.f(r.t.ImportTooMany, r.t.Count(r.t.Outlines, limit))
}

// maxRefusalsShown bounds the refusals an import's summary lists, so the
// summary stays one message.
const maxRefusalsShown = 20

// ImportReport is an OPML import's summary: what was added, what was
// there already, what the file named twice, and each refusal and why
// (the first maxRefusalsShown).
func (r *Renderer) ImportReport(rep news.ImportReport) string {
	s := r.f(r.t.ImportDone, r.t.Count(r.t.Sources, len(rep.Added)), r.t.Count(r.t.Sources, len(rep.Known)))
	if rep.Repeated > 0 {
		s += r.f(r.t.ImportRepeated, rep.Repeated)
	}
	if len(rep.Added) > 0 {
		s += r.t.ImportAddedNote
	}
	if len(rep.Refused) == 0 {
		return s
	}
	s += r.f(r.t.ImportRefused, len(rep.Refused))
	for i, ref := range rep.Refused {
		if i == maxRefusalsShown {
			s += r.f(r.t.ImportMore, len(rep.Refused)-i)
			break
		}
		what := ref.URL
		if what == "" {
			what = ref.Name
		}
		s += r.f(r.t.ImportRefusedLine, Esc(IsolateMixed(textcut.Line(CleanLine(what), 80))), r.importReason(ref.Err))
	}
	return s
}

// importReason says in the admin's words why an outline was refused.
func (r *Renderer) importReason(err error) string {
	var dns *net.DNSError
	var oe *news.FeedOptionError
	switch {
	case errors.Is(err, news.ErrNoFeedURL):
		return r.t.ImportNoURL
	case errors.Is(err, news.ErrPrivateAddress):
		return r.t.ImportPrivate
	case errors.As(err, &dns):
		return r.t.ImportNoHost
	case errors.As(err, &oe):
		return r.f(r.t.ImportBadOption, "<code>"+Esc(textcut.Line(CleanLine(oe.Key+"="+oe.Value), 60))+"</code>")
	case errors.Is(err, news.ErrBadURL):
		return r.t.ImportBadURL
	}
	return r.t.ImportFailed
}

// ExportCaption is the caption of the OPML file /export sends: n feeds.
func (r *Renderer) ExportCaption(n int) string {
	return r.f(r.t.ExportCaption, r.t.Count(r.t.Sources, n))
}

// maxAlertLines bounds the problems one alert message lists; the rest
// are counted.
const maxAlertLines = 15

// Alerts is the message that tells admins the problems that started and
// those that ended at one check, now: a short line each with the feed's
// name and what to do, at most maxAlertLines, in one message.
func (r *Renderer) Alerts(started, ended []news.Alert, now time.Time) string {
	var b strings.Builder
	shown := 0
	section := func(head string, alerts []news.Alert, line func(news.Alert) string) {
		if len(alerts) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(head)
		for i, a := range alerts {
			l := line(a)
			if shown == maxAlertLines || utf8.RuneCountInString(b.String())+utf8.RuneCountInString(l) > MaxMessageLen-200 {
				b.WriteString(r.f(r.t.AlertsMore, r.t.Count(r.t.Problems, len(alerts)-i)))
				return
			}
			b.WriteString(l)
			shown++
		}
	}
	section(r.t.AlertsStarted, started, func(a news.Alert) string { return r.alertStarted(a, now) })
	section(r.t.AlertsEnded, ended, r.alertEnded)
	return b.String()
}

func (r *Renderer) alertStarted(a news.Alert, now time.Time) string {
	name := r.Quote(textcut.Words(a.Source, 100))
	detail := Esc(IsolateMixed(textcut.Words(CleanLine(a.Detail), 200)))
	since := r.Age(now.Sub(a.Since))
	switch a.Kind {
	case news.AlertFeedFailing:
		return r.f(r.t.AlertFeedFailing, name, a.FeedID, since, detail)
	case news.AlertFeedSilent:
		return r.f(r.t.AlertFeedSilent, name, a.FeedID, since, r.Age(a.Gap))
	case news.AlertPagesFailing:
		return r.f(r.t.AlertPagesFailing, name, a.FeedID, since, detail)
	case news.AlertWebSubFailed:
		return r.f(r.t.AlertWebSubFailed, name, a.FeedID, detail)
	case news.AlertOutboxStuck:
		return r.f(r.t.AlertOutboxStuck, since)
	case news.AlertDatabaseSize:
		return r.f(r.t.AlertDatabaseSize, r.Size(a.Bytes), r.Size(a.Limit))
	}
	return ""
}

func (r *Renderer) alertEnded(a news.Alert) string {
	name := r.Quote(textcut.Words(a.Source, 100))
	switch a.Kind {
	case news.AlertFeedFailing:
		return r.f(r.t.AlertFeedFailingEnded, name, a.FeedID)
	case news.AlertFeedSilent:
		return r.f(r.t.AlertFeedSilentEnded, name, a.FeedID)
	case news.AlertPagesFailing:
		return r.f(r.t.AlertPagesFailingEnded, name, a.FeedID)
	case news.AlertWebSubFailed:
		return r.f(r.t.AlertWebSubEnded, name, a.FeedID)
	case news.AlertOutboxStuck:
		return r.t.AlertOutboxEnded
	case news.AlertDatabaseSize:
		return r.f(r.t.AlertDatabaseEnded, r.Size(a.Bytes))
	}
	return ""
}

// Size writes a size in bytes as people read it: "850.0 ميغابايت",
// "2.1 غيغابايت" (by 1000, as ALERT_DATABASE_SIZE's GB).
func (r *Renderer) Size(n int64) string {
	if n >= 1e9 {
		return r.f(r.t.SizeGB, strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64))
	}
	return r.f(r.t.SizeMB, strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64))
}
