package render

import (
	"strings"
	"time"

	"github.com/ajel-news/ajel/internal/textcut"
	"github.com/ajel-news/ajel/news"
)

// Replies that carry a value, in the order of the conversation (the
// catalogue's order). Each puts its values into its catalogue entry:
// outside strings quoted or escaped, numbers counted in the language's
// plural forms. A reply without a value is the catalogue's text itself.

// SubscribedTopic: a topic was subscribed to.
func (r *Renderer) SubscribedTopic(name string) string {
	return r.f(r.t.SubscribedTopic, r.Quote(name))
}

// SubscribedKeyword: a keyword was subscribed to.
func (r *Renderer) SubscribedKeyword(word string) string {
	return r.f(r.t.SubscribedKeyword, r.Quote(word))
}

// AlreadySubscribed: the topic or keyword was followed already.
func (r *Renderer) AlreadySubscribed(name string) string {
	return r.f(r.t.AlreadySubscribed, r.Quote(name))
}

// TooMany: the chat follows as many things as it may.
func (r *Renderer) TooMany(limit int) string {
	return r.f(r.t.TooMany, r.t.Count(r.t.Subscriptions, limit))
}

// KeywordTooLong: a keyword over limit characters was refused.
func (r *Renderer) KeywordTooLong(limit int) string {
	return r.f(r.t.KeywordTooLong, r.t.Count(r.t.Characters, limit))
}

// Unsubscribed: a subscription was removed.
func (r *Renderer) Unsubscribed(name string) string { return r.f(r.t.Unsubscribed, r.Quote(name)) }

// NotSubscribed: nothing followed is called echo.
func (r *Renderer) NotSubscribed(echo string) string { return r.f(r.t.NotSubscribed, r.Quote(echo)) }

// maxAnswerName bounds a name in a callback answer (at most 200
// characters, plain text).
const maxAnswerName = 150

// AnswerSubscribed answers a topic button that subscribed.
func (r *Renderer) AnswerSubscribed(name string) string {
	return r.f(r.t.AnswerSubscribed, textcut.Words(name, maxAnswerName))
}

// AnswerUnsubscribed answers a button that removed a subscription.
func (r *Renderer) AnswerUnsubscribed(name string) string {
	return r.f(r.t.AnswerUnsubscribed, textcut.Words(name, maxAnswerName))
}

// AnswerUnmuted answers a button that unmuted a word.
func (r *Renderer) AnswerUnmuted(name string) string {
	return r.f(r.t.AnswerUnmuted, textcut.Words(name, maxAnswerName))
}

// ListQuiet is /list's line of the quiet hours.
func (r *Renderer) ListQuiet(q news.QuietHours) string {
	return r.f(r.t.ListQuiet, q.From, q.To, r.Quote(r.loc.String()))
}

// ListLimit is /list's line of the hourly cap.
func (r *Renderer) ListLimit(n int) string { return r.f(r.t.ListLimit, r.t.Count(r.t.Stories, n)) }

// Muted: a word is muted; its display form is echoed for /unmute.
func (r *Renderer) Muted(display string) string {
	return r.f(r.t.Muted, r.Quote(display), Esc(display))
}

// MuteWins tells a reader who follows the same word that the mute wins.
func (r *Renderer) MuteWins(display string) string { return r.f(r.t.MuteWins, r.Quote(display)) }

// AlreadyMuted: the word was muted already.
func (r *Renderer) AlreadyMuted(display string) string {
	return r.f(r.t.AlreadyMuted, r.Quote(display))
}

// Unmuted: a word is no longer muted.
func (r *Renderer) Unmuted(display string) string { return r.f(r.t.Unmuted, r.Quote(display)) }

// NotMuted: nothing muted is called echo.
func (r *Renderer) NotMuted(echo string) string { return r.f(r.t.NotMuted, r.Quote(echo)) }

// QuietSet: the quiet hours were set.
func (r *Renderer) QuietSet(q news.QuietHours) string {
	return r.f(r.t.QuietSet, q.From, q.To, r.Quote(r.loc.String()))
}

// QuietCurrent: the quiet hours now.
func (r *Renderer) QuietCurrent(q news.QuietHours) string {
	return r.f(r.t.QuietCurrent, q.From, q.To, r.Quote(r.loc.String()))
}

// LimitSet: the hourly cap was set to n.
func (r *Renderer) LimitSet(n int) string { return r.f(r.t.LimitSet, r.t.Count(r.t.Stories, n)) }

// LimitCurrent: the hourly cap now.
func (r *Renderer) LimitCurrent(n int) string {
	return r.f(r.t.LimitCurrent, r.t.Count(r.t.Stories, n))
}

// LimitBurst says, after "no limit", that a flood still becomes a digest
// past the automatic cap (n; nothing when there is none).
func (r *Renderer) LimitBurst(n int) string {
	if n <= 0 {
		return ""
	}
	return r.f(r.t.LimitBurst, r.t.Count(r.t.Stories, n))
}

// Rings says what arrives with sound.
func (r *Renderer) Rings(m news.RingMode) string {
	switch m {
	case news.RingAll:
		return r.t.RingAll
	case news.RingNone:
		return r.t.RingNone
	}
	return r.t.RingBreaking
}

// SoundNow: what arrives with sound now.
func (r *Renderer) SoundNow(m news.RingMode) string { return r.f(r.t.SoundNow, r.Rings(m)) }

// Settings is /settings' message: each setting of c, now, and its command.
func (r *Renderer) Settings(c news.Chat) string {
	quiet := r.t.SettingsQuietOff
	if c.Quiet.Enabled() {
		quiet = r.f(r.t.SettingsQuiet, c.Quiet.From, c.Quiet.To, Esc(r.loc.String()))
	}
	limit := r.t.SettingsLimitOff
	if c.MaxPerHour > 0 {
		limit = r.f(r.t.SettingsLimit, r.t.Count(r.t.Stories, c.MaxPerHour))
	}
	pictures := r.t.SettingsPicturesOn
	if c.PicturesOff {
		pictures = r.t.SettingsPicturesOff
	}
	state := r.t.SettingsRunning
	if c.Paused {
		state = r.t.SettingsPaused
	}
	return r.f(r.t.Settings, r.Rings(c.Rings), quiet, limit, pictures, state)
}

// QuietButton is the label of a quiet-hours preset.
func (r *Renderer) QuietButton(q news.QuietHours) string { return r.f(r.t.ButtonQuiet, q.From, q.To) }

// LimitButton is the label of an hourly-cap preset.
func (r *Renderer) LimitButton(n int) string { return r.f(r.t.ButtonLimit, n) }

// RemoveButton is the label of a button that removes what it names
// (plain text).
func (r *Renderer) RemoveButton(name string) string { return r.f(r.t.ButtonRemove, name) }

// RemoveWordButton is RemoveButton for a keyword, quoted.
func (r *Renderer) RemoveWordButton(word string) string {
	return r.RemoveButton(r.f(r.t.Quote, word))
}

// UnmuteButton is the label of a button that unmutes a word.
func (r *Renderer) UnmuteButton(word string) string { return r.f(r.t.ButtonUnmute, word) }

// LatestTopicHeader heads /latest of a topic.
func (r *Renderer) LatestTopicHeader(name string) string {
	return r.f(r.t.LatestTopicHeader, r.Quote(name))
}

// LatestTopicNone: no story about a topic yet.
func (r *Renderer) LatestTopicNone(name string) string {
	return r.f(r.t.LatestTopicNone, r.Quote(name))
}

// SearchHeader heads /search's results.
func (r *Renderer) SearchHeader(query string) string { return r.f(r.t.SearchHeader, r.Quote(query)) }

// SearchNone: nothing matches the query.
func (r *Renderer) SearchNone(query string) string { return r.f(r.t.SearchNone, r.Quote(query)) }

// Following: a story is followed now, for news.FollowWindow.
func (r *Renderer) Following() string { return r.f(r.t.Following, r.Duration(news.FollowWindow)) }

// FollowExpired: the story is past its follow window.
func (r *Renderer) FollowExpired() string {
	return r.f(r.t.FollowExpired, r.Duration(news.FollowWindow))
}

// NoFollows: nothing is followed; it names the button that follows.
func (r *Renderer) NoFollows() string { return r.f(r.t.NoFollows, r.t.FollowButton) }

// maxFollowTitle and maxFollowButton bound a followed story's title in
// /following's list and on its button.
const (
	maxFollowTitle  = 80
	maxFollowButton = 40
)

// Following lists the follows, a line each, and returns the label of each
// one's stop button.
func (r *Renderer) Follows(fs []news.Follow) (text string, buttons []string) {
	lines := []string{r.t.FollowingHeader}
	for _, f := range fs {
		title := textcut.Words(CleanLine(f.Title), maxFollowTitle)
		lines = append(lines, r.f(r.t.FollowingLine, Esc(Isolate(title)), r.When(f.Until)))
		buttons = append(buttons, r.RemoveButton(textcut.Words(title, maxFollowButton)))
	}
	return strings.Join(lines, "\n"), buttons
}

// Duration says an interval in words as it follows "every" (or "for"),
// to the second under a minute and to the minute above: "45 ثانية"،
// "دقيقتين و30 ثانية"، "ساعة".
func (r *Renderer) Duration(d time.Duration) string {
	seconds := func(n int) string { return r.t.Count(r.t.Seconds, n) }
	minutes := func(n int) string { return r.t.Count(r.t.Minutes, n) }
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return seconds(max(int(d/time.Second), 1))
	case d < time.Hour:
		out := minutes(int(d / time.Minute))
		if sec := int(d % time.Minute / time.Second); sec > 0 {
			out = r.f(r.t.DurationAnd, out, seconds(sec))
		}
		return out
	}
	d = d.Round(time.Minute)
	out := r.t.Count(r.t.Hours, int(d/time.Hour))
	if m := int(d % time.Hour / time.Minute); m > 0 {
		out = r.f(r.t.DurationAnd, out, minutes(m))
	}
	return out
}

// StoryNotFound answers /story with a number no stored story has.
func (r *Renderer) StoryNotFound(id int64) string { return r.f(r.t.StoryNotFound, id) }
