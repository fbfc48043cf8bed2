package page

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// What a news page puts around its story — a cookie or consent banner, a
// newsletter box, a share bar, a "most read" or "related" list — is
// removed from the page before the extractor looks for the story, by what
// the page itself calls it (class, id, role, aria-label); clean.Page then
// removes from the text what slipped through unnamed.

// junkNameRE finds such a block's name in its class or id.
var junkNameRE = regexp.MustCompile(`(?i)cookie|consent|gdpr|onetrust|didomi|cookiebot|usercentrics|(?:^|[-_ ])cmp(?:$|[-_ 0-9])|` +
	`newsletter|subscribe|sign-?up|share|sharing|social|most[-_]?(?:read|popular|viewed|shared|commented)|popular|trending|` +
	`outbrain|taboola|related|recommend|read[-_]?(?:also|more|next)`)

// junkLabelRE finds it in an aria-label, in English or Arabic.
var junkLabelRE = regexp.MustCompile(`(?i)cookie|consent|newsletter|share|most read|popular|related|` +
	`الكوكيز|الارتباط|الموافقة|النشرة|مشاركة|شارك|الأكثر|ذات صلة`)

// minProse is how many paragraphs of prose a block holds when it is part
// of the story whatever it is called ("article share-enabled").
const minProse = 2

// removeJunkBlocks removes from a parsed page the blocks that are not its
// story (see junkBlock).
func removeJunkBlocks(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && junkBlock(c) {
			n.RemoveChild(c)
		} else {
			removeJunkBlocks(c)
		}
		c = next
	}
}

// junkBlock reports whether an element is a banner, box, bar or list
// around the story: named so (class, id, aria-label) or a modal dialog,
// holding less than minProse paragraphs of prose. The page's frame (html,
// body, main, article) never is.
func junkBlock(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Html, atom.Body, atom.Main, atom.Article, atom.Head:
		return false
	}
	named := false
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id":
			named = named || junkNameRE.MatchString(a.Val)
		case "aria-label":
			named = named || junkLabelRE.MatchString(a.Val)
		case "role":
			named = named || a.Val == "dialog" || a.Val == "alertdialog"
		case "aria-modal":
			named = named || a.Val == "true"
		}
	}
	return named && proseParagraphs(n, minProse) < minProse
}

// proseParagraphs counts, up to limit, the paragraphs under n that read as
// prose: 25 words or more ending as a sentence does.
func proseParagraphs(n *html.Node, limit int) int {
	count := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && count < limit; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.P {
				if t := strings.TrimSpace(nodeText(c)); wordCount(t) >= 25 && endsLikeSentence(t) {
					count++
				}
				continue
			}
			walk(c)
		}
	}
	walk(n)
	return count
}

// nodeText is the text under n.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func endsLikeSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(`"'”’»)`, r) })
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") ||
		strings.HasSuffix(s, "؟") || strings.HasSuffix(s, "…")
}
