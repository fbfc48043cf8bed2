package demo

import (
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// telegramPolicy is what the page lets through of a message in Telegram's
// HTML parse mode: Telegram's own tags (b, strong, i, em, u, ins, s,
// strike, del, code, pre, blockquote, a spoiler as <tg-spoiler> or
// <span class="tg-spoiler">), links only to absolute http and https
// addresses, opened in a new tab without a referrer, and no other
// attribute. Built once; a bluemonday policy is safe for concurrent use.
var telegramPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote")
	p.AllowNoAttrs().OnElements("tg-spoiler") // not an HTML element: kept only when named
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^tg-spoiler$`)).OnElements("span")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
})

// SanitizeTelegramHTML turns a message in Telegram's HTML parse mode into
// HTML that is safe to put into a page, with bluemonday: every text is
// escaped again, only Telegram's tags and http(s) links are kept (see
// telegramPolicy); script, style, event handlers, javascript: and relative
// links, and every other tag disappear (their text stays, except a
// script's or a style's). The page sets each message as the innerHTML of
// its own element, so a tag left open cannot reach past it.
func SanitizeTelegramHTML(s string) string {
	return telegramPolicy().Sanitize(s)
}
