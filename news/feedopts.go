package news

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// FeedOptions are what an operator sets on a feed after its address, in a
// FEEDS entry and in /addfeed: "https://… fulltext=never". A zero field was
// not given, so applying options to a known feed changes only those named.
type FeedOptions struct {
	// FullText is when the feed's article pages are read ("" not given).
	FullText FullTextMode
	// Lang is which items are pushed by their language ("" not given).
	Lang FeedLanguage
	// Breaking marks (Yes) or unmarks (No) a feed whose every item is
	// urgent and that is always polled at the shortest ("" not given).
	Breaking YesNo
	// Country is the place the feed is the outlet of, as given (a place
	// slug or name; CountryNone to clear it; "" not given). Whether the
	// catalogue has that place is checked where the catalogue is known:
	// the app at start, the bot's /addfeed.
	Country string
	// Name is how pushes name the source (CheckFeedName's form; NameNone
	// to go back to the feed's own title; "" not given).
	Name string
}

// YesNo is a feed option that is on, off, or not given ("").
type YesNo string

// The values of a YesNo option.
const (
	Yes YesNo = "yes"
	No  YesNo = "no"
)

// parseYesNo reads yes/no (also true/false, on/off, 1/0, نعم/لا).
func parseYesNo(v string) (YesNo, bool) {
	switch v {
	case "yes", "true", "on", "1", "نعم":
		return Yes, true
	case "no", "false", "off", "0", "لا":
		return No, true
	}
	return "", false
}

// CountryNone as country= takes a feed's country away.
const CountryNone = "none"

// IsZero reports whether no option was given.
func (o FeedOptions) IsZero() bool { return o == FeedOptions{} }

// Apply sets the options given in o on f and reports whether any changed.
func (o FeedOptions) Apply(f *Feed) bool {
	changed := false
	if o.FullText != "" && o.FullText != cmpFullText(f.FullText) {
		f.FullText, changed = o.FullText, true
	}
	if o.Lang != "" && o.Lang != cmpLang(f.Lang) {
		f.Lang, changed = o.Lang, true
	}
	if o.Breaking != "" && (o.Breaking == Yes) != f.Breaking {
		f.Breaking, changed = o.Breaking == Yes, true
	}
	changed = setOrClear(&f.Name, o.Name, NameNone) || changed
	changed = setOrClear(&f.Country, o.Country, CountryNone) || changed
	return changed
}

// setOrClear applies an option that can be taken away: given "" leaves
// the field, none clears it, any other value sets it; it reports a change.
func setOrClear(field *string, given, none string) bool {
	if given == "" {
		return false
	}
	if given == none {
		given = ""
	}
	if *field == given {
		return false
	}
	*field = given
	return true
}

func cmpLang(l FeedLanguage) FeedLanguage {
	if l == "" {
		return LangArabic
	}
	return l
}

func cmpFullText(m FullTextMode) FullTextMode {
	if m == "" {
		return FullTextAuto
	}
	return m
}

// feedOption is one option of the table below: its key as typed (with
// other spellings), the values it takes, and how it sets them.
type feedOption struct {
	key     string
	aliases []string
	// values is the usage of its values, as shown in errors: "auto|always|never".
	values string
	// set stores a value (already lower-cased unless keepCase) and reports
	// whether it was valid.
	set func(o *FeedOptions, v string) bool
	// check, when set, is used instead of set: it stores a value or says
	// why it is refused (the name's length, its markup).
	check    func(o *FeedOptions, v string) error
	keepCase bool
}

// feedOptions is every option a feed takes, in the order errors list them.
// A new option is one entry here (and a column in storage, and its words
// in the bot's replies).
var feedOptions = []feedOption{
	{key: "fulltext", aliases: []string{"full_text"}, values: "auto|always|never",
		set: func(o *FeedOptions, v string) bool {
			m, ok := ParseFullTextMode(v)
			if !ok || v == "" {
				return false
			}
			o.FullText = m
			return true
		}},
	{key: "lang", aliases: []string{"language"}, values: "ar|any",
		set: func(o *FeedOptions, v string) bool {
			l, ok := ParseFeedLanguage(v)
			if !ok || v == "" {
				return false
			}
			o.Lang = l
			return true
		}},
	{key: "breaking", values: "yes|no",
		set: func(o *FeedOptions, v string) bool {
			b, ok := parseYesNo(v)
			o.Breaking = b
			return ok
		}},
	{key: "country", values: "<place>|" + CountryNone,
		set: func(o *FeedOptions, v string) bool {
			if !placeName(v) {
				return false
			}
			o.Country = v
			return true
		}},
	{key: "name", aliases: []string{"title"}, values: "<name>", keepCase: true,
		check: func(o *FeedOptions, v string) error {
			if v == NameNone {
				o.Name = NameNone
				return nil
			}
			name, err := CheckFeedName(v)
			o.Name = name
			return err
		}},
}

// placeName reports whether v can name a place: a slug (morocco, saudi-arabia)
// or a name in letters (المغرب, "جزر القمر"), at most 64 bytes.
func placeName(v string) bool {
	if v == "" || len(v) > 64 {
		return false
	}
	for _, r := range v {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != ' ' && !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

// FeedOptionUsage lists every option with its values, as errors and help
// show it: "fulltext=auto|always|never breaking=yes|no".
func FeedOptionUsage() string {
	parts := make([]string, len(feedOptions))
	for i, o := range feedOptions {
		parts[i] = o.key + "=" + o.values
	}
	return strings.Join(parts, " ")
}

// ErrFeedOption is matched by every *FeedOptionError.
var ErrFeedOption = errors.New("bad feed option")

// ErrUnclosedQuote is a feed entry whose double quote is not closed.
var ErrUnclosedQuote = errors.New(`a double quote is not closed: quote a value with spaces whole, like name="Arab News"`)

// FeedOptionError says which option of a feed entry was refused: an
// unknown key (Unknown) or a value the key does not take.
type FeedOptionError struct {
	Key, Value string
	Unknown    bool
	// Usage is the key's accepted values ("auto|always|never"), or every
	// option's usage for an unknown key.
	Usage string
	// Err, when set, says why the value was refused (a *FeedNameError).
	Err error
}

func (e *FeedOptionError) Error() string {
	switch {
	case e.Unknown:
		return fmt.Sprintf("unknown option %q: the options are %s, after the URL and a space", e.Key, e.Usage)
	case e.Err != nil:
		return fmt.Sprintf("%s=%q: %v", e.Key, e.Value, e.Err)
	}
	return fmt.Sprintf("%s=%q: use %s=%s", e.Key, e.Value, e.Key, e.Usage)
}

// Is makes errors.Is(err, ErrFeedOption) true.
func (e *FeedOptionError) Is(target error) bool { return target == ErrFeedOption }

// Unwrap is the reason the value was refused, if one was given.
func (e *FeedOptionError) Unwrap() error { return e.Err }

// ParseFeedEntry splits a feed entry, "URL [key=value …]", into its
// address and options. A value with spaces is quoted: name="الشرق الأوسط".
// The address is not checked here (each caller has its own rule); an
// option refused is a *FeedOptionError; an unclosed quote is one too.
func ParseFeedEntry(s string) (rawURL string, opts FeedOptions, err error) {
	fields, err := splitFeedEntry(s)
	if err != nil {
		return "", FeedOptions{}, err
	}
	if len(fields) == 0 {
		return "", FeedOptions{}, nil
	}
	rawURL = fields[0]
	for _, f := range fields[1:] {
		key, val, _ := strings.Cut(f, "=")
		if err := ParseFeedOption(&opts, key, val); err != nil {
			return rawURL, FeedOptions{}, err
		}
	}
	return rawURL, opts, nil
}

// ParseFeedOption sets one option, key=value as typed, on opts: the
// options table's rule for the key. An unknown key or a value it does not
// take is a *FeedOptionError. OPML attributes go through it as FEEDS and
// /addfeed options do.
func ParseFeedOption(opts *FeedOptions, key, val string) error {
	o, ok := lookupFeedOption(strings.ToLower(key))
	if !ok {
		return &FeedOptionError{Key: key, Value: val, Unknown: true, Usage: FeedOptionUsage()}
	}
	v := strings.TrimSpace(val)
	if !o.keepCase {
		v = strings.ToLower(v)
	}
	if o.check != nil {
		if err := o.check(opts, v); err != nil {
			return &FeedOptionError{Key: o.key, Value: val, Usage: o.values, Err: err}
		}
		return nil
	}
	if !o.set(opts, v) {
		return &FeedOptionError{Key: o.key, Value: val, Usage: o.values}
	}
	return nil
}

// FeedOptionKeys are the options' keys, in the table's order.
func FeedOptionKeys() []string {
	keys := make([]string, len(feedOptions))
	for i, o := range feedOptions {
		keys[i] = o.key
	}
	return keys
}

// Values are the options of o as key=value pairs in the table's order,
// those not given left out: what a FEEDS entry or an OPML outline
// carries to give a feed the same options.
func (o FeedOptions) Values() [][2]string {
	var out [][2]string
	add := func(k, v string) {
		if v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	add("fulltext", string(o.FullText))
	add("lang", string(o.Lang))
	add("breaking", string(o.Breaking))
	add("country", o.Country)
	add("name", o.Name)
	return out
}

func lookupFeedOption(key string) (feedOption, bool) {
	for _, o := range feedOptions {
		if o.key == key {
			return o, true
		}
		for _, a := range o.aliases {
			if a == key {
				return o, true
			}
		}
	}
	return feedOption{}, false
}

// splitFeedEntry splits on white space, keeping a double-quoted part (the
// quotes removed) in its field: name="a b" is one field, name=a b.
func splitFeedEntry(s string) ([]string, error) {
	var fields []string
	var cur strings.Builder
	inField, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			inField = true
		case unicode.IsSpace(r) && !quoted:
			if inField {
				fields = append(fields, cur.String())
				cur.Reset()
				inField = false
			}
		default:
			cur.WriteRune(r)
			inField = true
		}
	}
	if quoted {
		return nil, ErrUnclosedQuote
	}
	if inField {
		fields = append(fields, cur.String())
	}
	return fields, nil
}
