package telegramtest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// HTMLError is why a text is not valid Telegram HTML. Its message follows
// Telegram's "can't parse entities: ..." wording.
type HTMLError struct {
	// Offset is the byte offset of the problem in the text.
	Offset int
	// Reason is the message without the "can't parse entities: " prefix.
	Reason string
}

// Error returns Telegram's wording, without the "Bad Request: " prefix.
func (e *HTMLError) Error() string {
	return "can't parse entities: " + e.Reason
}

// errNotUTF8 is returned for text that is not valid UTF-8.
var errNotUTF8 = errors.New("text must be encoded in UTF-8")

// allowedTags are the tags Telegram's HTML parse mode accepts.
var allowedTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "code": true, "pre": true, "blockquote": true, "tg-emoji": true,
}

// ValidateHTML reports whether s is a text Telegram accepts with
// parse_mode=HTML: only Telegram's tags (b, strong, i, em, u, ins, s, strike,
// del, span class="tg-spoiler", tg-spoiler, a, code, pre, blockquote,
// tg-emoji), properly nested and closed; every '<' and '&' outside a tag
// escaped; only the entities &lt; &gt; &amp; &quot; and numeric ones. It is
// stricter than Telegram in one place: a bare '&' is refused even where
// Telegram would let it pass, so that callers escape everything.
func ValidateHTML(s string) error {
	_, err := ParseHTML(s)
	return err
}

// ParseHTML validates s as ValidateHTML does and returns the text the
// reader sees: tags removed and entities decoded.
func ParseHTML(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errNotUTF8
	}
	var (
		out   strings.Builder
		stack []string
		open  []int // byte offsets of the open tags, for messages
	)
	out.Grow(len(s))
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			end, name, closing, err := parseTag(s, i)
			if err != nil {
				return "", err
			}
			if closing {
				if len(stack) == 0 {
					return "", &HTMLError{Offset: i, Reason: fmt.Sprintf("Unexpected end tag at byte offset %d", i)}
				}
				top := stack[len(stack)-1]
				if top != name {
					return "", &HTMLError{Offset: i, Reason: fmt.Sprintf(
						"Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top, name)}
				}
				stack, open = stack[:len(stack)-1], open[:len(open)-1]
			} else {
				stack, open = append(stack, name), append(open, i)
			}
			i = end
		case '&':
			r, n, err := parseEntity(s, i)
			if err != nil {
				return "", err
			}
			out.WriteRune(r)
			i += n
		default:
			j := i + 1
			for j < len(s) && s[j] != '<' && s[j] != '&' {
				j++
			}
			out.WriteString(s[i:j])
			i = j
		}
	}
	if len(stack) > 0 {
		return "", &HTMLError{Offset: open[0], Reason: fmt.Sprintf(
			"Can't find end tag corresponding to start tag \"%s\"", stack[0])}
	}
	return out.String(), nil
}

// parseTag reads the tag starting at s[start] == '<'. It returns the offset
// just past '>', the lower-cased tag name and whether it is an end tag.
func parseTag(s string, start int) (end int, name string, closing bool, err error) {
	i := start + 1
	if i < len(s) && s[i] == '/' {
		closing = true
		i++
	}
	j := i
	// Tag names start with a letter: "1<2" is a bare '<', not a tag "2".
	if j < len(s) && isLetter(s[j]) {
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
	}
	name = strings.ToLower(s[i:j])
	i = j
	if closing {
		i = skipSpace(s, i)
		if i >= len(s) {
			return 0, "", false, &HTMLError{Offset: start, Reason: fmt.Sprintf("Unclosed end tag at byte offset %d", start)}
		}
		if s[i] != '>' || name == "" {
			return 0, "", false, &HTMLError{Offset: start, Reason: fmt.Sprintf("Unexpected end tag at byte offset %d", start)}
		}
		return i + 1, name, true, nil
	}
	if !allowedTags[name] {
		return 0, "", false, &HTMLError{Offset: start, Reason: fmt.Sprintf(
			"Unsupported start tag \"%s\" at byte offset %d", name, start)}
	}
	attrs := map[string]string{}
	for {
		i = skipSpace(s, i)
		if i >= len(s) {
			return 0, "", false, &HTMLError{Offset: start, Reason: fmt.Sprintf("Unclosed start tag at byte offset %d", start)}
		}
		if s[i] == '>' {
			i++
			break
		}
		j := i
		for j < len(s) && isNameByte(s[j]) {
			j++
		}
		if j == i {
			return 0, "", false, &HTMLError{Offset: i, Reason: fmt.Sprintf(
				"Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, i)}
		}
		attr := strings.ToLower(s[i:j])
		i = skipSpace(s, j)
		if i >= len(s) || s[i] != '=' {
			// Telegram accepts valueless attributes such as <blockquote expandable>.
			attrs[attr] = ""
			continue
		}
		i = skipSpace(s, i+1)
		if i >= len(s) {
			return 0, "", false, &HTMLError{Offset: start, Reason: fmt.Sprintf("Unclosed start tag at byte offset %d", start)}
		}
		var raw string
		vstart := i
		switch q := s[i]; q {
		case '"', '\'':
			k := strings.IndexByte(s[i+1:], q)
			if k < 0 {
				return 0, "", false, &HTMLError{Offset: start, Reason: fmt.Sprintf(
					"Unclosed start tag at byte offset %d", start)}
			}
			vstart = i + 1
			raw = s[vstart : vstart+k]
			i += k + 2
		default:
			k := i
			for k < len(s) && s[k] != '>' && s[k] != ' ' && s[k] != '\t' && s[k] != '\n' && s[k] != '\r' {
				k++
			}
			raw = s[i:k]
			i = k
		}
		val, verr := decodeAttr(raw, vstart)
		if verr != nil {
			return 0, "", false, verr
		}
		attrs[attr] = val
	}
	if name == "span" && attrs["class"] != "tg-spoiler" {
		return 0, "", false, &HTMLError{Offset: start, Reason: "Tag \"span\" must have class \"tg-spoiler\""}
	}
	if name == "tg-emoji" {
		if _, ok := attrs["emoji-id"]; !ok {
			return 0, "", false, &HTMLError{Offset: start, Reason: "Custom emoji entity must have emoji-id"}
		}
	}
	return i, name, false, nil
}

// decodeAttr checks the entities of an attribute value and decodes them.
func decodeAttr(raw string, base int) (string, error) {
	if !strings.ContainsAny(raw, "&<") {
		return raw, nil
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		switch raw[i] {
		case '<':
			return "", &HTMLError{Offset: base + i, Reason: fmt.Sprintf("Unexpected \"<\" in attribute value at byte offset %d", base+i)}
		case '&':
			r, n, err := parseEntity(raw, i)
			if err != nil {
				var he *HTMLError
				if errors.As(err, &he) {
					he.Offset += base
				}
				return "", err
			}
			b.WriteRune(r)
			i += n
		default:
			b.WriteByte(raw[i])
			i++
		}
	}
	return b.String(), nil
}

// parseEntity decodes the character entity at s[i] == '&'.
func parseEntity(s string, i int) (rune, int, error) {
	semi := strings.IndexByte(s[i:], ';')
	if semi < 0 || semi > 12 {
		return 0, 0, &HTMLError{Offset: i, Reason: fmt.Sprintf(
			"Character \"&\" must be escaped as \"&amp;\" at byte offset %d", i)}
	}
	body := s[i+1 : i+semi]
	n := semi + 1
	switch body {
	case "lt":
		return '<', n, nil
	case "gt":
		return '>', n, nil
	case "amp":
		return '&', n, nil
	case "quot":
		return '"', n, nil
	}
	if strings.HasPrefix(body, "#") && len(body) > 1 {
		digits, base := body[1:], 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		v, err := strconv.ParseUint(digits, base, 32)
		if err == nil && digits != "" && digits[0] != '+' && v != 0 && v <= utf8.MaxRune && !(v >= 0xD800 && v <= 0xDFFF) {
			return rune(v), n, nil
		}
	}
	return 0, 0, &HTMLError{Offset: i, Reason: fmt.Sprintf(
		"Unsupported character entity \"&%s;\" at byte offset %d", body, i)}
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}
