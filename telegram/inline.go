package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/ajel-news/ajel/internal/wait"
)

// Inline mode: a reader types "@bot words" in any chat, Telegram sends the
// bot an inline query, and the bot answers with results the reader may
// post into that chat. An answer is not a message: it does not wait for
// the messages' rate budget (a fan-out to thousands must not delay it), it
// must come within Telegram's window of about 10 seconds or not at all,
// and the reader has usually typed on meanwhile. So inline queries are
// never kept in the inbox: an InlineQueue answers each at once, within a
// rate bound of its own, or drops it with a count.

// InlineQuery is a reader typing "@bot words" in a chat.
type InlineQuery struct {
	ID    string `json:"id"`
	From  *User  `json:"from"`
	Query string `json:"query"`
	// Offset is the offset of the results asked for ("" for the first).
	Offset string `json:"offset"`
	// ChatType is the kind of chat the query was typed in ("sender" for
	// the private chat with the bot itself); may be empty.
	ChatType string `json:"chat_type,omitempty"`
}

// Telegram's limits on an inline answer.
const (
	// MaxInlineResults is the most results one answer may carry.
	MaxInlineResults = 50
	// MaxResultID is the longest result id, in bytes.
	MaxResultID = 64
	// MaxInlineQuery is the longest query Telegram sends, in characters.
	MaxInlineQuery = 256
)

// Article is an inline result that posts a text message
// (InlineQueryResultArticle).
type Article struct {
	// ID names the result, unique in its answer, at most MaxResultID bytes.
	ID string
	// Title and Description are what the picker lists (plain text).
	Title, Description string
	// HTML is the message posted when the reader picks it (Telegram HTML,
	// at most 4096 characters once parsed).
	HTML string
	// Image, when set, is the picture shown in the picker and as the
	// message's large link preview above its text.
	Image string
	// Keyboard is the buttons under the posted message (callback data and
	// switch buttons; their presses carry inline_message_id).
	Keyboard *Keyboard
}

// InlineButton is the button shown above an inline answer's results;
// pressing it opens the private chat with the bot, sending /start with
// StartParameter (1–64 characters of A–Z, a–z, 0–9, _ and -).
type InlineButton struct {
	Text           string
	StartParameter string
}

// InlineAnswer answers one inline query.
type InlineAnswer struct {
	QueryID string
	Results []Article
	// CacheTime is how long Telegram may serve this answer to the same
	// query again without asking (whole seconds; 0: Telegram's default).
	CacheTime time.Duration
	// Personal makes Telegram cache the answer for this reader only.
	Personal bool
	// Button, when set, is shown above the results (with no results, the
	// way to the bot).
	Button *InlineButton
}

// params are answerInlineQuery's parameters. An answer that breaks
// Telegram's limits on ids is refused before it is sent.
func (a InlineAnswer) params() (tgbotapi.Params, error) {
	if len(a.Results) > MaxInlineResults {
		return nil, fmt.Errorf("telegram: answerInlineQuery: %d results, at most %d", len(a.Results), MaxInlineResults)
	}
	type content struct {
		MessageText string          `json:"message_text"`
		ParseMode   string          `json:"parse_mode"`
		Preview     json.RawMessage `json:"link_preview_options"`
	}
	type article struct {
		Type        string    `json:"type"`
		ID          string    `json:"id"`
		Title       string    `json:"title"`
		Content     content   `json:"input_message_content"`
		ReplyMarkup *Keyboard `json:"reply_markup,omitempty"`
		Description string    `json:"description,omitempty"`
		Thumbnail   string    `json:"thumbnail_url,omitempty"`
	}
	results := make([]article, len(a.Results))
	seen := make(map[string]bool, len(a.Results))
	for i, r := range a.Results {
		if r.ID == "" || len(r.ID) > MaxResultID || seen[r.ID] {
			return nil, fmt.Errorf("telegram: answerInlineQuery: result id %q is empty, over %d bytes or given twice", r.ID, MaxResultID)
		}
		seen[r.ID] = true
		results[i] = article{Type: "article", ID: r.ID, Title: r.Title, Description: r.Description, Thumbnail: r.Image,
			ReplyMarkup: r.Keyboard,
			Content:     content{MessageText: r.HTML, ParseMode: tgbotapi.ModeHTML, Preview: json.RawMessage(previewOptions(r.Image))}}
	}
	p := tgbotapi.Params{"inline_query_id": a.QueryID, "cache_time": strconv.Itoa(int(a.CacheTime / time.Second))}
	p.AddBool("is_personal", a.Personal)
	if err := p.AddInterface("results", results); err != nil {
		return nil, fmt.Errorf("telegram: answerInlineQuery: %w", err)
	}
	if b := a.Button; b != nil {
		if err := p.AddInterface("button", struct {
			Text           string `json:"text"`
			StartParameter string `json:"start_parameter"`
		}{b.Text, b.StartParameter}); err != nil {
			return nil, fmt.Errorf("telegram: answerInlineQuery: %w", err)
		}
	}
	return p, nil
}

// AnswerInline answers an inline query (answerInlineQuery), once: an
// InlineQueue decides about retries.
func (c *Client) AnswerInline(ctx context.Context, a InlineAnswer) error {
	p, err := a.params()
	if err != nil {
		return err
	}
	return c.conn.call(ctx, "answerInlineQuery", p, nil, nil)
}

// InlineHandler composes the answer to an inline query; ctx ends at the
// query's deadline. An error drops the query (it is logged and counted).
type InlineHandler func(ctx context.Context, q *InlineQuery) (InlineAnswer, error)

// InlineObserver hears what became of inline queries, for metrics;
// *metrics.Metrics implements it. Its methods are called from several
// goroutines at once and must return quickly.
type InlineObserver interface {
	// InlineAnswered: Telegram took the answer, after latency from when
	// the query arrived.
	InlineAnswered(latency time.Duration)
	// InlineDropped: a query was not answered, for reason (InlineLate…).
	InlineDropped(reason string)
}

// Why an inline query was dropped: the values of InlineObserver's reason.
const (
	// InlineLate: its deadline came before an answer could be sent (the
	// queue was long, or Telegram asked to wait past it).
	InlineLate = "late"
	// InlineFull: the queue was full; the oldest waiting query made room.
	InlineFull = "full"
	// InlineSuperseded: the same reader typed on; the newer query took its
	// place.
	InlineSuperseded = "superseded"
	// InlineFailed: composing the answer failed, or Telegram refused it
	// (a query too old, a bad result).
	InlineFailed = "failed"
)

// InlineOptions configure an InlineQueue. Handle is required.
type InlineOptions struct {
	Handle InlineHandler
	// Rate and Burst bound the answers sent, a rate of their own apart
	// from the messages' budget; 0 means 100 a second, burst 20.
	Rate  rate.Limit
	Burst int
	// Workers is how many queries are answered at once (each answer is a
	// round trip); 0 means 32.
	Workers int
	// Queue bounds the queries waiting; 0 means 256. When it is full the
	// oldest waiting query is dropped for the newest.
	Queue int
	// Deadline is how long after it arrived a query may still be answered;
	// 0 means 8 seconds (Telegram waits about 10).
	Deadline time.Duration
	// Throttle, when set, hears Telegram's retry_after on a 429 (its
	// limits are per bot): *delivery.Budget pauses every message for it.
	Throttle Throttle
	// Observer hears what became of each query; nil: nobody.
	Observer InlineObserver
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the queue's logs; nil: the client's.
	Logger *slog.Logger
}

// InlineQueue answers inline queries as they come, never letting them pile
// up: a bounded queue (the same reader's newer query replaces one still
// waiting; the oldest makes room for the newest), a deadline per query
// (past it the query is dropped, since Telegram no longer waits), a few
// answers in flight at once within a rate bound of their own, and a 429
// honoured like any other — every answer waits its retry_after, which the
// Throttle hears too — then retried while the deadline allows. Every query
// is answered or counted as dropped.
type InlineQueue struct {
	tg  *Client
	opt InlineOptions
	lim *rate.Limiter
	log *slog.Logger

	mu          sync.Mutex
	waiting     []inlineItem // oldest first
	pausedUntil time.Time
	wake        chan struct{}
}

type inlineItem struct {
	q        *InlineQuery
	received time.Time
}

// NewInlineQueue returns the inline queue of the bot c talks for; Run
// answers what it is offered.
func (c *Client) NewInlineQueue(o InlineOptions) *InlineQueue {
	if o.Rate <= 0 {
		o.Rate = 100
	}
	if o.Burst <= 0 {
		o.Burst = 20
	}
	if o.Workers <= 0 {
		o.Workers = 32
	}
	if o.Queue <= 0 {
		o.Queue = 256
	}
	if o.Deadline <= 0 {
		o.Deadline = 8 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Observer == nil {
		o.Observer = nopInline{}
	}
	log := o.Logger
	if log == nil {
		log = c.conn.log
	}
	return &InlineQueue{tg: c, opt: o, lim: rate.NewLimiter(o.Rate, o.Burst), log: log, wake: make(chan struct{}, 1)}
}

type nopInline struct{}

func (nopInline) InlineAnswered(time.Duration) {}
func (nopInline) InlineDropped(string)         {}

// Offer queues a query to answer; it never blocks. A query of the same
// reader still waiting is dropped for it (superseded); when the queue is
// full the oldest waiting query is dropped to make room.
func (iq *InlineQueue) Offer(q *InlineQuery) {
	item := inlineItem{q: q, received: iq.opt.Now()}
	var dropped []string
	iq.mu.Lock()
	replaced := false
	if q.From != nil {
		for i, w := range iq.waiting {
			if w.q.From != nil && w.q.From.ID == q.From.ID {
				iq.waiting[i] = item // its place in the line, the newer words
				dropped, replaced = append(dropped, InlineSuperseded), true
				break
			}
		}
	}
	if !replaced {
		if len(iq.waiting) >= iq.opt.Queue {
			iq.waiting = append(iq.waiting[:0], iq.waiting[1:]...)
			dropped = append(dropped, InlineFull)
		}
		iq.waiting = append(iq.waiting, item)
	}
	iq.mu.Unlock()
	for _, why := range dropped {
		iq.opt.Observer.InlineDropped(why)
	}
	select {
	case iq.wake <- struct{}{}:
	default:
	}
}

// Waiting is how many queries wait for a worker.
func (iq *InlineQueue) Waiting() int {
	iq.mu.Lock()
	defer iq.mu.Unlock()
	return len(iq.waiting)
}

// Run answers queries until ctx ends, Workers at a time, and returns when
// the answers in flight are done (each is bounded by its deadline).
func (iq *InlineQueue) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range iq.opt.Workers {
		wg.Go(func() {
			for {
				item, ok := iq.next(ctx)
				if !ok {
					return
				}
				iq.answer(ctx, item)
			}
		})
	}
	wg.Wait()
}

// next takes the oldest waiting query, waiting for one; false when ctx
// ended.
func (iq *InlineQueue) next(ctx context.Context) (inlineItem, bool) {
	for {
		iq.mu.Lock()
		if len(iq.waiting) > 0 {
			item := iq.waiting[0]
			iq.waiting = iq.waiting[1:]
			more := len(iq.waiting) > 0
			iq.mu.Unlock()
			if more {
				select { // the next worker takes the next one
				case iq.wake <- struct{}{}:
				default:
				}
			}
			return item, true
		}
		iq.mu.Unlock()
		select {
		case <-ctx.Done():
			return inlineItem{}, false
		case <-iq.wake:
		}
	}
}

// answer composes and sends the answer to one query before its deadline,
// or drops it.
func (iq *InlineQueue) answer(parent context.Context, item inlineItem) {
	deadline := item.received.Add(iq.opt.Deadline)
	ctx, cancel := context.WithDeadline(parent, deadline)
	defer cancel()
	log := iq.log.With("inline_query", item.q.ID)
	if err := iq.lim.Wait(ctx); err != nil {
		iq.drop(log, InlineLate, err)
		return
	}
	a, err := iq.opt.Handle(ctx, item.q)
	if err != nil {
		if ctx.Err() != nil {
			iq.drop(log, InlineLate, err)
		} else {
			iq.drop(log, InlineFailed, err)
		}
		return
	}
	a.QueryID = item.q.ID
	backoff := 200 * time.Millisecond
	for {
		if !iq.waitPause(ctx) {
			iq.drop(log, InlineLate, ctx.Err())
			return
		}
		err := iq.tg.AnswerInline(ctx, a)
		if err == nil {
			iq.opt.Observer.InlineAnswered(iq.opt.Now().Sub(item.received))
			return
		}
		pause, again := retryAfter(err, backoff)
		switch {
		case !again:
			iq.drop(log, InlineFailed, err)
			return
		case ctx.Err() != nil || iq.opt.Now().Add(pause).After(deadline):
			iq.drop(log, InlineLate, err)
			return
		}
		var te *Error
		if errors.As(err, &te) && te.RateLimited() {
			iq.pause(pause)
		} else if !wait.Sleep(ctx, pause) {
			iq.drop(log, InlineLate, err)
			return
		}
		backoff *= 2
	}
}

// pause holds every answer for d (Telegram's retry_after), and tells the
// Throttle: Telegram's limits are per bot.
func (iq *InlineQueue) pause(d time.Duration) {
	until := iq.opt.Now().Add(d)
	iq.mu.Lock()
	if until.After(iq.pausedUntil) {
		iq.pausedUntil = until
	}
	iq.mu.Unlock()
	if iq.opt.Throttle != nil {
		iq.opt.Throttle.PauseFor(d)
	}
}

// waitPause waits out a pause Telegram asked for; false when ctx ends
// first.
func (iq *InlineQueue) waitPause(ctx context.Context) bool {
	iq.mu.Lock()
	d := iq.pausedUntil.Sub(iq.opt.Now())
	iq.mu.Unlock()
	if d <= 0 {
		return ctx.Err() == nil
	}
	return wait.Sleep(ctx, d)
}

func (iq *InlineQueue) drop(log *slog.Logger, why string, err error) {
	iq.opt.Observer.InlineDropped(why)
	log.Debug("telegram: inline query dropped", "why", why, "err", err)
}
