package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ajel-news/ajel/bot/render"
	"github.com/ajel-news/ajel/news"
	"github.com/ajel-news/ajel/telegram"
)

// Inline mode: "@bot words" in any chat lists recent stories to post
// there. A query is read as /search reads one (the same Arabic matching),
// or as a topic's name, as /latest does; an empty one (or one of common
// words alone, while the reader is still typing) lists the latest breaking
// stories. Each result posts the story as its push reads, picture above,
// with the comparison and share buttons under it. Telegram caches an
// answer for inlineCacheTime for everyone typing the same words.

const (
	// inlineResults is how many stories an answer lists.
	inlineResults = 20
	// inlineCacheTime is how long Telegram may give the same answer again
	// to the same words: stories change by the minute.
	inlineCacheTime = 30 * time.Second
	// inlineStart is the /start parameter of the button shown when nothing
	// matches: it opens the bot's welcome.
	inlineStart = "inline"
)

// answerInline composes the answer to an inline query; the transport's
// InlineQueue sends it (or drops it past its deadline). It never fails:
// nothing found, or the database not answering in time, is an answer with
// no results and the way to the bot.
func (b *Bot) answerInline(ctx context.Context, q *telegram.InlineQuery) (telegram.InlineAnswer, error) {
	a := telegram.InlineAnswer{QueryID: q.ID, CacheTime: inlineCacheTime, Results: []telegram.Article{}}
	stories, err := b.inlineStories(ctx, cleanQuery(q.Query))
	if err != nil {
		if ctx.Err() != nil {
			return a, err // past the deadline: no answer is wanted any more
		}
		b.log.Warn("bot: stories for an inline query", "err", err)
	}
	now := b.now()
	for _, s := range stories {
		p := b.sharedPush(s)
		title, desc := b.say.ShareCard(s, now)
		a.Results = append(a.Results, telegram.Article{ID: "s" + strconv.FormatInt(s.StoryID, 10), Title: title,
			Description: desc, HTML: b.say.Push(p), Image: p.Image, Keyboard: b.inlinePushKeyboard(p)})
	}
	if len(a.Results) == 0 {
		a.Button = &telegram.InlineButton{Text: b.txt.InlineNone, StartParameter: inlineStart}
	}
	return a, nil
}

// inlineStories are the stories a query asks for: a topic's by its name,
// those matching its words, or, with no word to search for, the latest
// breaking ones (the latest ones when none is breaking).
func (b *Bot) inlineStories(ctx context.Context, query string) ([]news.SharedStory, error) {
	if b.stories == nil {
		return nil, nil
	}
	var f news.StoryFilter
	if t, ok := b.topics.Lookup(query); ok && query != "" {
		f.Topic = t.Slug
	} else if f.Terms = b.terms(query); len(f.Terms) == 0 {
		f.Breaking = true
	}
	ss, err := b.stories.ShareStories(ctx, f, inlineResults)
	if err == nil && f.Breaking && len(ss) == 0 {
		ss, err = b.stories.ShareStories(ctx, news.StoryFilter{}, inlineResults)
	}
	return ss, err
}

// cleanQuery is what an inline query searches for: without markup, bidi
// controls and invisible characters, on one line, at most
// telegram.MaxInlineQuery characters (Telegram's own bound).
func cleanQuery(q string) string {
	q = strings.Join(strings.Fields(stripInvisible(render.CleanLine(render.StripTags(q)))), " ")
	if utf8.RuneCountInString(q) > telegram.MaxInlineQuery {
		q = string([]rune(q)[:telegram.MaxInlineQuery])
	}
	return q
}

// sharedPush is a shared story's push: its first topic's name on the
// first line.
func (b *Bot) sharedPush(s news.SharedStory) news.Push {
	p := s.Push
	for _, slug := range s.Topics {
		if t, ok := b.topics.BySlug(slug); ok {
			p.Topic = t.Name
			break
		}
	}
	return p
}

// inlinePushKeyboard is under a story posted through inline mode: its
// comparison (when several outlets carried it), and share it on.
func (b *Bot) inlinePushKeyboard(p news.Push) *telegram.Keyboard {
	var row []telegram.Button
	if p.OtherSources > 0 && p.StoryID > 0 {
		row = append(row, telegram.DataButton(b.txt.CompareButton, b.signer.data(cbInlineCompare, p.StoryID)))
	}
	row = append(row, b.shareButton(p.Title))
	kb := telegram.NewKeyboard(row)
	return &kb
}
