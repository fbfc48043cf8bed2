package render

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Stats are the totals /stats shows (main fills them from storage.Stats).
type Stats struct {
	Chats, ActiveChats, PausedChats int
	Subscriptions, Feeds, Articles  int
	Stories, Channels               int
	Pending, Sent, Failed, Dropped  int
	// PaidSent counts messages sent with allow_paid_broadcast (0.1 Star
	// each); PaidEnabled says whether PAID_BROADCAST_RATE is on.
	PaidSent      int
	PaidEnabled   bool
	OldestPending time.Time // zero when nothing is pending
	// DatabaseBytes is the database's size on disk; PrunedDeliveries and
	// PrunedArticles count what retention deleted since the start.
	DatabaseBytes                    int64
	PrunedDeliveries, PrunedArticles int64
}

// Stats is /stats' message.
func (r *Renderer) Stats(s Stats) string {
	text := r.f(r.t.Stats, s.Chats, s.ActiveChats, s.PausedChats, s.Subscriptions, s.Feeds, s.Articles, s.Stories,
		s.Channels, s.Pending, s.Sent, s.Failed, s.Dropped, r.When(s.OldestPending))
	if s.DatabaseBytes > 0 {
		text += r.f(r.t.StatsDatabase, strconv.FormatFloat(float64(s.DatabaseBytes)/(1<<20), 'f', 1, 64))
		if s.PrunedDeliveries+s.PrunedArticles == 0 {
			text += r.t.StatsNothingPruned
		} else {
			text += r.f(r.t.StatsPruned, r.t.Count(r.t.OldMessages, int(s.PrunedDeliveries)),
				r.t.Count(r.t.OldStories, int(s.PrunedArticles)))
		}
	}
	if s.PaidEnabled || s.PaidSent > 0 {
		state := r.t.PaidOn
		if !s.PaidEnabled {
			state = r.t.PaidOff
		}
		// 0.1 Star a message: only those beyond the free rate go paid.
		text += r.f(r.t.StatsPaid, state, s.PaidSent, strconv.FormatFloat(float64(s.PaidSent)/10, 'f', -1, 64))
	}
	return text
}

// FeedsHeader heads /feeds.
func (r *Renderer) FeedsHeader(n int) string { return r.f(r.t.FeedsHeader, n) }

// Feed is a feed's block in /feeds: its title and address, when it last
// worked and how often it failed since, what its last poll held back, its
// article pages and how it is followed. The errors in f must be free of
// secrets already (the bot token).
func (r *Renderer) Feed(f news.Feed) string {
	s := r.f(r.t.FeedLine, f.ID, Esc(Isolate(textcut.Words(CleanLine(f.SourceName()), 200))), Esc(textcut.Words(f.URL, 500)),
		r.When(f.LastSuccessAt), f.Failures)
	if f.LastError != "" {
		s += r.f(r.t.FeedLastError, Esc(textcut.Words(CleanLine(f.LastError), 300))+" ("+r.When(f.LastErrorAt)+")")
	}
	s += r.feedHeld(f.Held) + r.feedPages(f)
	if f.Country != "" {
		s += r.f(r.t.FeedsCountry, Esc(f.Country))
	}
	return s + r.feedCadence(f)
}

// feedHeld says how many new items the feed's last poll stored without
// pushing them, and why ("" when none).
func (r *Renderer) feedHeld(h news.HeldItems) string {
	if h.Total() == 0 {
		return ""
	}
	var why []string
	for _, c := range []struct {
		n      int
		format string
	}{{h.OverLimit, r.t.HeldOverLimit}, {h.Old, r.t.HeldOld}, {h.Future, r.t.HeldFuture}, {h.Language, r.t.HeldLanguage}} {
		if c.n > 0 {
			why = append(why, r.f(c.format, c.n))
		}
	}
	return r.f(r.t.FeedHeld, r.t.Count(r.t.Stories, h.Total()), strings.Join(why, r.t.ListJoin))
}

// feedPages is the line about a feed's article pages: its mode, how many
// were read and how many gave nothing usable, and the last reason; "" for
// a feed in the default mode that never needed a page.
func (r *Renderer) feedPages(f news.Feed) string {
	m, c := cmp.Or(f.FullText, news.FullTextAuto), f.Pages
	if m == news.FullTextAuto && c.Read == 0 {
		return ""
	}
	s := r.f(r.t.FeedPagesMode, string(m))
	if c.Read > 0 {
		s += r.f(r.t.FeedPagesCounts, c.Read, c.Failed)
	}
	if lastErr := Esc(textcut.Words(CleanLine(f.LastPageError), 200)); c.Failed > 0 && lastErr != "" {
		s += r.f(r.t.FeedPagesLastError, lastErr)
	}
	return s
}

// feedCadence is the line about how the feed is followed: its current
// interval between polls and why, or when it is tried again after
// failures, and its WebSub subscription.
func (r *Renderer) feedCadence(f news.Feed) string {
	var s string
	next := r.When(f.NextPollAt)
	switch why := f.PollReason; {
	case why == news.PollRetryAfter:
		s = r.f(r.t.CadenceRetryAfter, next)
	case why == news.PollFailing:
		s = r.f(r.t.CadenceFailing, next)
	case f.Interval > 0 && r.t.PollReasons[why] != "":
		s = r.f(r.t.CadenceEvery, r.Duration(f.Interval), r.t.PollReasons[why])
	case f.Interval > 0:
		s = r.f(r.t.CadenceEveryPlain, r.Duration(f.Interval))
	}
	ws := f.WebSub
	switch ws.State {
	case news.WebSubActive:
		s += r.f(r.t.WebSubActive, r.When(ws.LeaseUntil))
	case news.WebSubPending:
		s += r.t.WebSubPending
	case news.WebSubFailed:
		s += r.f(r.t.WebSubFailed, Esc(textcut.Words(CleanLine(ws.Reason), 200)))
	}
	return s
}

// FeedAdded: a feed was added; its options follow.
func (r *Renderer) FeedAdded(f news.Feed) string {
	return r.f(r.t.FeedAdded, f.ID, Esc(f.URL)) + r.FeedOptions(f)
}

// FeedOptionsSet: a feed that was there already has new options.
func (r *Renderer) FeedOptionsSet(f news.Feed) string {
	return r.f(r.t.FeedOptionsSet, f.ID) + r.FeedOptions(f)
}

// FeedOptions says a feed's options, a line each.
func (r *Renderer) FeedOptions(f news.Feed) string {
	m := cmp.Or(f.FullText, news.FullTextAuto)
	l := cmp.Or(f.Lang, news.LangArabic)
	s := r.f(r.t.FeedFullText, string(m), r.t.FullTextModes[m]) + r.f(r.t.FeedLang, string(l), r.t.FeedLanguages[l])
	if f.Country != "" {
		s += r.f(r.t.FeedCountry, Esc(f.Country))
	}
	if f.Name != "" {
		s += r.f(r.t.FeedName, r.Quote(f.Name))
	}
	if f.Breaking {
		return s + r.t.FeedBreakingYes
	}
	return s + r.t.FeedBreakingNo
}

// FeedExists: the address is a feed already.
func (r *Renderer) FeedExists(id int64) string { return r.f(r.t.FeedExists, id) }

// FeedDeleted: a feed was deleted.
func (r *Renderer) FeedDeleted(id int64) string { return r.f(r.t.FeedDeleted, id) }

// FeedNotFound: no feed has the id.
func (r *Renderer) FeedNotFound(id int64) string { return r.f(r.t.FeedNotFound, id) }

// FeedAddFailed is /addfeed's refusal of rawURL; reason is one of the
// catalogue's (FeedBadURL…) or FeedNoSuchHost.
func (r *Renderer) FeedAddFailed(rawURL, reason string) string {
	return r.f(r.t.FeedAddFailed, Esc(textcut.Words(rawURL, 500)), reason)
}

// FeedNoSuchHost: the feed's host does not resolve.
func (r *Renderer) FeedNoSuchHost(host string) string { return r.f(r.t.FeedNoSuchHost, r.Quote(host)) }

// FeedUnknownOption: /addfeed was given an option it does not know.
func (r *Renderer) FeedUnknownOption(name string) string {
	var opts []string
	for _, o := range strings.Fields(news.FeedOptionUsage()) {
		opts = append(opts, "<code>"+Esc(o)+"</code>")
	}
	return r.f(r.t.FeedUnknownOption, Esc(textcut.Words(CleanLine(name), 40)), strings.Join(opts, r.t.ListJoin))
}

// FeedUnknownCountry: country= names no place of the topic catalogue.
func (r *Renderer) FeedUnknownCountry(val string) string {
	return r.f(r.t.FeedUnknownCountry, Esc(textcut.Words(CleanLine(val), 40)))
}

// FeedBadOption: an option's value is not one it takes (usage).
func (r *Renderer) FeedBadOption(key, val, usage string) string {
	return r.f(r.t.FeedBadOption, Esc(key), Esc(textcut.Words(CleanLine(val), 40)), Esc(usage))
}

// ChannelButton is the label of a button that opens a topic channel.
func (r *Renderer) ChannelButton(topic string) string { return r.f(r.t.ChannelButton, topic) }

// ChannelLine is /channel's line of one mapping: its topic and channel,
// whether CHANNELS set it, and why it is off (reason, free of secrets).
func (r *Renderer) ChannelLine(topic, channel string, fromConfig, enabled bool, reason string) string {
	s := r.f(r.t.ChannelLine, r.Quote(topic), Esc(Isolate(channel)))
	if fromConfig {
		s += r.t.ChannelFromConfig
	}
	if !enabled {
		s += r.f(r.t.ChannelStopped, Esc(IsolateMixed(textcut.Words(CleanLine(reason), 200))))
	}
	return s
}

// ChannelAdded: a topic's stories go to a channel from now on.
func (r *Renderer) ChannelAdded(topic, channel string) string {
	return r.f(r.t.ChannelAdded, r.Quote(topic), Esc(Isolate(channel)))
}

// ChannelNotFound: Telegram knows no such channel.
func (r *Renderer) ChannelNotFound(ref string) string { return r.f(r.t.ChannelNotFound, r.Quote(ref)) }

// NotAChannel: the chat is a group or a user, not a channel.
func (r *Renderer) NotAChannel(ref string) string { return r.f(r.t.NotAChannel, r.Quote(ref)) }

// ChannelNoRights: the bot may not post in the channel.
func (r *Renderer) ChannelNoRights(ref string) string { return r.f(r.t.ChannelNoRights, r.Quote(ref)) }

// ChannelNotMapped: the channel is no topic channel.
func (r *Renderer) ChannelNotMapped(ref string) string {
	return r.f(r.t.ChannelNotMapped, r.Quote(ref))
}

// ChannelDeleted: posting in a channel of n topics stopped.
func (r *Renderer) ChannelDeleted(channel string, n int) string {
	return r.f(r.t.ChannelDeleted, Esc(Isolate(channel)), r.t.Count(r.t.Topics, n))
}

// ChannelLost tells admins that a channel refused a post (reason, free of
// secrets): its topics are off until one of them adds it again.
func (r *Renderer) ChannelLost(channel string, topics []string, reason string) string {
	return r.f(r.t.ChannelLost, Esc(Isolate(channel)), Esc(strings.Join(topics, r.t.ListJoin)),
		Esc(IsolateMixed(textcut.Words(CleanLine(reason), 200))))
}
