// Package htmltext turns HTML fragments from feeds and newsroom posts into
// plain text, one block a line. Both the feed parser and the pipeline's
// cleaner use it, so there is one notion of "the text of this HTML".
package htmltext

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockTags start a new line of text.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Br: true, atom.Dd: true, atom.Details: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true, atom.Li: true,
	atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Summary: true, atom.Table: true, atom.Tr: true, atom.Ul: true,
}

// skipTags hold no readable text: their whole content is dropped.
var skipTags = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Svg: true, atom.Math: true, atom.Object: true, atom.Iframe: true,
	atom.Select: true, atom.Button: true,
}

// footerClasses mark the footers platforms append to every item of a
// feed (Blogger's, FeedBurner's share links, WordPress.com's share and
// related-posts boxes): an element of such a class is dropped whole.
var footerClasses = []string{"blogger-post-footer", "feedflare", "sharedaddy", "jp-relatedposts", "addtoany_share", "a2a_kit"}

// FromHTML turns an HTML fragment into plain text: tags are removed,
// block elements (p, div, br, li, headings…) become line breaks, entities
// are decoded, script and style contents are dropped, and so are the
// footers platforms append to feed items (footerClasses); runs of white
// space collapse to one space, and every line is trimmed; empty lines are
// dropped. Text that is not HTML comes back with only its white space
// tidied.
func FromHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return tidyLines(s)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0         // depth inside skipTags
	var footer []byte // the tag of the footer element being dropped
	footerDepth := 0  // its depth among elements of that tag
	for {
		tt := z.Next()
		if footer != nil {
			// Inside a platform's footer: only its end matters.
			if name, _ := z.TagName(); string(name) == string(footer) {
				switch tt {
				case html.StartTagToken:
					footerDepth++
				case html.EndTagToken:
					if footerDepth--; footerDepth == 0 {
						footer = nil
					}
				}
			}
			if tt != html.ErrorToken {
				continue
			}
		}
		switch tt {
		case html.ErrorToken:
			return tidyLines(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if skipTags[a] {
				if tt == html.StartTagToken {
					skip++
				}
				continue
			}
			if hasAttr && tt == html.StartTagToken && isFooter(z) {
				footer, footerDepth = []byte(string(name)), 1
				continue
			}
			if blockTags[a] {
				b.WriteByte('\n')
			} else if a == atom.Td || a == atom.Th {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipTags[a] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if blockTags[a] {
				b.WriteByte('\n')
			}
		}
	}
}

// isFooter reports whether the tag being read has a platform footer's
// class (its attributes are consumed).
func isFooter(z *html.Tokenizer) bool {
	for {
		key, val, more := z.TagAttr()
		if string(key) == "class" {
			for _, c := range footerClasses {
				if strings.Contains(string(val), c) {
					return true
				}
			}
		}
		if !more {
			return false
		}
	}
}

// tidyLines collapses white space inside each line, trims the lines and
// drops the empty ones. Non-breaking and other Unicode spaces count as
// spaces; zero-width joiners (needed by Persian and Urdu) are kept.
func tidyLines(s string) string {
	var out []string
	for line := range strings.SplitSeq(strings.ReplaceAll(s, "\r", "\n"), "\n") {
		if l := SquashSpaces(line); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// SquashSpaces returns s trimmed, with every run of white space (Unicode
// spaces and line breaks included) replaced by one space. A line that is
// already so comes back as it is, without allocating: cleaning a body
// squashes every line, and most need nothing.
func SquashSpaces(s string) string {
	prevSpace := true // a space at the start needs trimming
	for _, r := range s {
		space := unicode.IsSpace(r)
		if space && (prevSpace || r != ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = space
	}
	if prevSpace && s != "" {
		return strings.Join(strings.Fields(s), " ") // a space at the end
	}
	return s
}
