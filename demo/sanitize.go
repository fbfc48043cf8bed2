package demo

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// safeTags maps the tags of Telegram's HTML parse mode to what the page
// shows for them; "" drops the tag and keeps its text.
var safeTags = map[string]string{
	"b": "b", "strong": "b",
	"i": "i", "em": "i",
	"u": "u", "ins": "u",
	"s": "s", "strike": "s", "del": "s",
	"code": "code", "pre": "pre", "blockquote": "blockquote",
	"a":          "a",
	"span":       "span", // only as a spoiler, see below
	"tg-spoiler": "span",
	"tg-emoji":   "",
}

// SanitizeTelegramHTML turns a message in Telegram's HTML parse mode into
// HTML that is safe to put into a page: every text is escaped again, and
// only b, i, u, s, code, pre, blockquote, spoiler spans and links to http
// or https addresses (opened in a new tab, without a referrer) are emitted,
// without any other attribute. Anything else — script, style, event
// handlers, javascript: links, stray or unbalanced tags — becomes text or
// disappears. The result is always balanced.
func SanitizeTelegramHTML(s string) string {
	var out strings.Builder
	// open holds the tags still open, innermost last; an entry whose emit is
	// false is a link or span that was kept as plain text.
	type openTag struct {
		tag  string
		emit bool
	}
	var open []openTag
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF or a tokenizer error: either way, close what is open.
			for i := len(open) - 1; i >= 0; i-- {
				if open[i].emit {
					out.WriteString("</" + open[i].tag + ">")
				}
			}
			return out.String()
		case html.TextToken:
			// Text() has decoded the entities; escape it all again.
			out.WriteString(html.EscapeString(string(z.Text())))
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			tag, ok := safeTags[tok.Data]
			if !ok || tag == "" || tt == html.SelfClosingTagToken {
				continue
			}
			switch tag {
			case "a":
				href := safeHref(attr(tok, "href"))
				if href == "" {
					// Keep the link text; an unsafe link is no link.
					open = append(open, openTag{tag: tag})
					continue
				}
				out.WriteString(`<a href="` + html.EscapeString(href) + `" target="_blank" rel="noopener noreferrer">`)
			case "span":
				if tok.Data == "span" && attr(tok, "class") != "tg-spoiler" {
					open = append(open, openTag{tag: tag})
					continue
				}
				out.WriteString(`<span class="spoiler">`)
			default:
				out.WriteString("<" + tag + ">")
			}
			open = append(open, openTag{tag: tag, emit: true})
		case html.EndTagToken:
			name, _ := z.TagName()
			tag, ok := safeTags[string(name)]
			if !ok || tag == "" {
				continue
			}
			// Close the innermost matching tag (and anything opened inside
			// it); an end tag that matches nothing is dropped.
			for i := len(open) - 1; i >= 0; i-- {
				if open[i].tag == tag {
					for j := len(open) - 1; j >= i; j-- {
						if open[j].emit {
							out.WriteString("</" + open[j].tag + ">")
						}
					}
					open = open[:i]
					break
				}
			}
		}
		// Comments and doctypes are dropped.
	}
}

// attr returns the value of the tag's attribute key, "" when absent.
func attr(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// safeHref returns the link as an absolute http or https URL, or "" when it
// is anything else (javascript:, data:, relative, malformed).
func safeHref(href string) string {
	href = strings.TrimSpace(href)
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
