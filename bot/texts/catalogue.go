// Package texts is the catalogue of every word the bot says: replies,
// callback answers, errors, the framing of pushes, digests and updates,
// settings, button labels, /help's descriptions, admin replies, and the
// words readers may type instead of on/off. Each language is one JSON file
// here (ar.json), embedded, whose keys are Catalogue's fields: one entry
// per message, counted nouns as Plural data in the CLDR categories.
//
// A second language is one more file, say en.json, with every key of
// ar.json; Load("en") then returns it, and TestEveryLanguageIsComplete
// checks it has every entry, with the same arguments. No Go code changes.
//
// Texts are Telegram HTML: a literal '<', '>' or '&' is escaped, and the
// code (package render) escapes every outside string it puts in. An entry
// whose field has a fmt tag is a format for fmt.Sprintf: the tag lists its
// arguments in order (s a string, d an integer), the comment says what
// they are, and a translation may reorder them with explicit indexes
// (%[2]s). An entry without a fmt tag is sent as it is.
package texts

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/ajel-news/ajel/news"
)

// Catalogue is every text of the bot in one language. Its fields follow
// the order of the conversation: welcome and help, subscriptions, mutes,
// settings, lists, pushes, follows, admin commands, channels; then the
// counted nouns and the words readers type.
type Catalogue struct {
	// Language is the BCP 47 tag of the file (its name): it picks the
	// plural rules.
	Language string `json:"-"`
	tag      language.Tag

	// Welcome answers /start: who the bot is and how to begin.
	Welcome string
	// HelpHeader begins /help; HelpAdmin begins its admins' part.
	HelpHeader, HelpAdmin string
	// Commands describe each command of the table in /help and in
	// Telegram's menu, by command name: Args (after the name, plain text)
	// and Desc (one line of plain text: the menu takes no HTML).
	Commands map[string]CommandHelp
	// Quote shows an outside string (a keyword, a topic) inside a
	// sentence, %s being the string.
	Quote string `fmt:"s"`
	// ListJoin separates the items of a list in a sentence ("a، b").
	ListJoin string

	TopicsPrompt, TopicsEmpty       string
	UnsubscribePrompt               string
	NothingToRemove, NoneLeft       string // no subscription to remove; none left after a removal
	NoMutesLeft                     string
	UnknownCommand, PlainText       string
	SlowDown                        string // a flood is slowed
	InternalError, Unavailable      string
	NotGroupAdmin, NotBotAdmin      string
	KeywordEmpty, KeywordSymbols    string // refusals of a keyword or mute
	KeywordControl, KeywordTooShort string
	// KeywordTooLong: %s is the longest length, counted in Characters.
	KeywordTooLong string `fmt:"s"`

	// SubscribedTopic, SubscribedKeyword, AlreadySubscribed, Unsubscribed,
	// NotSubscribed: %s is the topic or keyword, quoted.
	SubscribedTopic   string `fmt:"s"`
	SubscribedKeyword string `fmt:"s"`
	AlreadySubscribed string `fmt:"s"`
	Unsubscribed      string `fmt:"s"`
	NotSubscribed     string `fmt:"s"`
	// TooMany: %s is the most subscriptions a chat may have, counted in
	// Subscriptions.
	TooMany string `fmt:"s"`
	// AnswerSubscribed, AnswerUnsubscribed, AnswerUnmuted answer a button
	// (plain text, at most 200 characters): %s is the topic or word.
	AnswerSubscribed   string `fmt:"s"`
	AnswerUnsubscribed string `fmt:"s"`
	AnswerUnmuted      string `fmt:"s"`
	StaleButton        string

	ListEmpty, ListHeader            string
	ListTopics, ListWords, ListMutes string // the labels of /list's lines
	ListPaused                       string
	// ListQuiet: the quiet hours' first and last hour, and the time zone
	// quoted.
	ListQuiet string `fmt:"d,d,s"`
	// ListLimit: %s is the hourly cap, counted in Stories.
	ListLimit string `fmt:"s"`

	MuteUsage, MuteMarkup, MuteTooCommon string
	NoMutes, UnmutePrompt                string
	// Muted: the word quoted, then as typed (escaped) for /unmute.
	Muted string `fmt:"s,s"`
	// MuteWins follows Muted when the chat also follows the word, quoted.
	MuteWins string `fmt:"s"`
	// AlreadyMuted, Unmuted, NotMuted: %s is the word, quoted.
	AlreadyMuted string `fmt:"s"`
	Unmuted      string `fmt:"s"`
	NotMuted     string `fmt:"s"`

	PicturesAreOn, PicturesAreOff, PicturesUsage string
	PicturesBad, PicturesOn, PicturesOff         string
	Paused, Resumed, Stopped                     string
	QuietOff, QuietBad, QuietSame                string
	QuietUsage, QuietUnset                       string
	// QuietSet: the first and last hour of quiet, and the time zone,
	// quoted.
	QuietSet string `fmt:"d,d,s"`
	// QuietCurrent: as QuietSet.
	QuietCurrent string `fmt:"d,d,s"`

	LimitOff, LimitUnset, LimitBad, LimitUsage string
	// LimitSet, LimitCurrent: %s is the hourly cap, counted in Stories.
	LimitSet     string `fmt:"s"`
	LimitCurrent string `fmt:"s"`
	// LimitBurst: %s is the automatic hourly cap, counted in Stories.
	LimitBurst string `fmt:"s"`

	// Settings is /settings' message: what rings, the quiet hours, the
	// hourly cap, pictures and the state, each already in words.
	Settings string `fmt:"s,s,s,s,s"`
	// SettingsQuiet: the first and last hour, and the time zone.
	SettingsQuiet string `fmt:"d,d,s"`
	// SettingsLimit: %s is the cap, counted in Stories.
	SettingsLimit                           string `fmt:"s"`
	SettingsQuietOff, SettingsLimitOff      string
	SettingsPicturesOn, SettingsPicturesOff string
	SettingsRunning, SettingsPaused         string
	SettingsSaved                           string
	RingBreaking, RingAll, RingNone         string // what rings, in Settings and SoundNow
	SoundUsage, SoundBad                    string
	// SoundNow: %s is what rings now (RingBreaking…).
	SoundNow                            string `fmt:"s"`
	ButtonRingBreaking, ButtonRingAll   string // /settings' buttons
	ButtonRingNone, ButtonQuietOff      string
	ButtonLimitOff                      string
	ButtonPicturesOn, ButtonPicturesOff string
	ButtonPause, ButtonResume           string
	// ButtonQuiet: the first and last hour of a preset.
	ButtonQuiet string `fmt:"d,d"`
	// ButtonLimit: a preset hourly cap.
	ButtonLimit string `fmt:"d"`
	// ButtonRemove: a subscription (a topic with its emoji, a keyword
	// quoted) or a followed story, to remove.
	ButtonRemove string `fmt:"s"`
	// ButtonUnmute: a muted word to unmute.
	ButtonUnmute string `fmt:"s"`

	LatestHeader, LatestNone   string
	UnknownTopic               string
	SearchUsage, SearchNoTerms string
	// LatestTopicHeader, LatestTopicNone: %s is the topic, quoted.
	LatestTopicHeader string `fmt:"s"`
	LatestTopicNone   string `fmt:"s"`
	// SearchHeader, SearchNone: %s is the query, quoted.
	SearchHeader string `fmt:"s"`
	SearchNone   string `fmt:"s"`

	// Breaking is the word a push's first line says (after 🔴 or 📰).
	Breaking string
	// SourceLabel and OthersLabel begin a push's source line and its line
	// of other outlets; LinkLabel is the text of the story's link.
	SourceLabel, OthersLabel, LinkLabel string
	// OtherSources says how many more outlets carried a story (a clause
	// of the source line).
	OtherSources Plural
	// DigestHeader: %s is the number of stories, counted in Stories.
	DigestHeader string `fmt:"s"`
	// DigestMore: the stories a digest had no room for.
	DigestMore Plural
	// UpdateLabel begins a follow update, before the story's title.
	UpdateLabel string

	FollowButton, UnfollowButton string
	AlreadyFollowing             string
	NotFollowing, Unfollowed     string
	FollowingHeader              string
	// Following, FollowExpired: %s is how long a story may be followed
	// (news.FollowWindow, in words).
	Following     string `fmt:"s"`
	FollowExpired string `fmt:"s"`
	// NoFollows: %s is FollowButton.
	NoFollows string `fmt:"s"`
	// FollowingLine: a followed story's title, and until when.
	FollowingLine string `fmt:"s,s"`

	// Comparing and sharing a story: «كيف نقلتها المصادر» (the button
	// under a push, /story), inline mode ("@bot words" in any chat) and
	// the «📤 مشاركة» button.

	// CompareButton and ShareButton are under a push (and a story shared
	// through inline mode); StoryButton turns a comparison posted through
	// inline mode back into the story.
	CompareButton, ShareButton, StoryButton string
	// CompareHeader begins a comparison: the outlets that told the story,
	// counted in Outlets.
	CompareHeader string `fmt:"s"`
	// CompareTelling heads one outlet's telling: its rank (first to
	// last), the outlet, and when it published (CompareAgo, CompareJustNow
	// or a date).
	CompareTelling string `fmt:"d,s,s"`
	// CompareDiffers marks the facts of a telling that other tellings give
	// otherwise (a toll, an amount, a place), joined by " · ".
	CompareDiffers string `fmt:"s"`
	// CompareLegend ends a comparison in which facts are marked.
	CompareLegend string
	// CompareAlone ends a comparison of a story one outlet told so far.
	CompareAlone string
	// CompareMore: the outlets a comparison has no room for.
	CompareMore Plural
	// CompareAgo: how long ago, in Minutes or Hours (today only);
	// CompareJustNow: under a minute ago.
	CompareAgo     string `fmt:"s"`
	CompareJustNow string
	// CompareSent answers the button when the chat already has the
	// comparison, kept up to date.
	CompareSent string
	// StoryUsage answers /story without a story's number; StoryLink
	// offers a story's comparison in /latest and /search: its number.
	StoryUsage string
	StoryLink  string `fmt:"d"`
	// StoryNotFound: the number given (a story pruned or never there).
	StoryNotFound string `fmt:"d"`
	// InlineNone is the button above an inline answer that found nothing:
	// it opens the bot.
	InlineNone string
	// Outlets counts outlets ("3 مصادر").
	Outlets Plural

	// Never stands for a time that has not come yet (no success so far).
	Never string
	// Stats is /stats: chats, active, paused; subscriptions, feeds,
	// articles, stories, topic channels; pending, sent, failed, dropped;
	// and when the oldest pending message was queued.
	Stats string `fmt:"d,d,d,d,d,d,d,d,d,d,d,d,s"`
	// StatsDatabase: the database's size in MiB, written out.
	StatsDatabase      string `fmt:"s"`
	StatsNothingPruned string
	// StatsPruned: the old messages and old stories retention deleted,
	// counted in OldMessages and OldStories.
	StatsPruned string `fmt:"s,s"`
	// StatsPaid: PaidOn or PaidOff, the messages sent paid, and the Stars
	// they cost, written out.
	StatsPaid       string `fmt:"s,d,s"`
	PaidOn, PaidOff string

	FeedsEmpty, AddFeedUsage, DelFeedUsage string
	// FeedsHeader: the number of feeds.
	FeedsHeader string `fmt:"d"`
	// FeedLine: id, title, URL, the last success, and the failures in a
	// row.
	FeedLine string `fmt:"d,s,s,s,d"`
	// FeedLastError: the last error and when.
	FeedLastError string `fmt:"s"`
	// FeedHeld: the items the last poll stored without pushing them,
	// counted in Stories, and why (HeldOverLimit… joined by ListJoin).
	FeedHeld string `fmt:"s,s"`
	// HeldOverLimit, HeldOld, HeldFuture, HeldLanguage: how many.
	HeldOverLimit string `fmt:"d"`
	HeldOld       string `fmt:"d"`
	HeldFuture    string `fmt:"d"`
	HeldLanguage  string `fmt:"d"`
	// FeedAdded: the feed's id and URL.
	FeedAdded string `fmt:"d,s"`
	// FeedOptionsSet: the feed's id.
	FeedOptionsSet string `fmt:"d"`
	// FeedFullText, FeedLang: an option's value, and what it means
	// (FullTextModes, FeedLanguages).
	FeedFullText string `fmt:"s,s"`
	FeedLang     string `fmt:"s,s"`
	// FeedCountry: the feed's country= slug, and what it does.
	FeedCountry string `fmt:"s"`
	// FeedsCountry: the feed's country= slug, in its /feeds block.
	FeedsCountry string `fmt:"s"`
	// FeedUnknownCountry: the value given to country=.
	FeedUnknownCountry string `fmt:"s"`
	// FeedBreakingYes, FeedBreakingNo explain breaking=.
	FeedBreakingYes, FeedBreakingNo string
	// FullTextModes and FeedLanguages say each option's value in the
	// admin's words.
	FullTextModes map[news.FullTextMode]string
	FeedLanguages map[news.FeedLanguage]string
	// FeedUnknownOption: the option given, and every option (joined by
	// ListJoin).
	FeedUnknownOption string `fmt:"s,s"`
	// FeedBadOption: the option's name, the value given, and the values
	// it takes.
	FeedBadOption     string `fmt:"s,s,s"`
	FeedUnclosedQuote string
	// FeedPagesMode: the feed's fulltext mode.
	FeedPagesMode string `fmt:"s"`
	// FeedPagesCounts: pages read, and pages that gave nothing usable.
	FeedPagesCounts string `fmt:"d,d"`
	// FeedPagesLastError: why the last page was not used.
	FeedPagesLastError string `fmt:"s"`
	// PollReasons say why a feed is polled at its interval (after
	// CadenceEvery's interval).
	PollReasons map[news.PollReason]string
	// CadenceRetryAfter, CadenceFailing: when the feed is tried again.
	CadenceRetryAfter string `fmt:"s"`
	CadenceFailing    string `fmt:"s"`
	// CadenceEvery: the interval in words and why (PollReasons);
	// CadenceEveryPlain: the interval alone.
	CadenceEvery      string `fmt:"s,s"`
	CadenceEveryPlain string `fmt:"s"`
	// WebSubActive: until when the subscription holds.
	WebSubActive  string `fmt:"s"`
	WebSubPending string
	// WebSubFailed: why the hub refused.
	WebSubFailed string `fmt:"s"`
	// FeedExists, FeedDeleted, FeedNotFound: the feed's id.
	FeedExists   string `fmt:"d"`
	FeedDeleted  string `fmt:"d"`
	FeedNotFound string `fmt:"d"`
	// FeedAddFailed: the URL, and the reason (FeedBadURL…).
	FeedAddFailed                         string `fmt:"s,s"`
	FeedBadURL, FeedPrivate, FeedAddError string
	// FeedNoSuchHost: the host, quoted.
	FeedNoSuchHost string `fmt:"s"`

	// Sources (issue 24): a site's address finds its feeds, names,
	// /feeds a page at a time, OPML in and out, and alerts to admins.

	// FeedFoundOn: the page given, and the title of the feed found on it
	// (quoted); FeedAdded follows.
	FeedFoundOn string `fmt:"s,s"`
	// FeedChoose: the page, and how many feeds it links to, counted in
	// Feeds; a button per feed follows.
	FeedChoose string `fmt:"s,s"`
	// FeedChoiceGone answers a button of a choice that expired (plain text).
	FeedChoiceGone string
	// FeedNoFeed: the page.
	FeedNoFeed string `fmt:"s"`
	// FeedLinksRefused: how many links the page named were not feeds, or
	// not allowed, written as a number.
	FeedLinksRefused string `fmt:"s"`
	FeedRedirectLoop string
	FeedTimeout      string
	// FeedHTTPStatus: the site's answer ("404 Not Found").
	FeedHTTPStatus string `fmt:"s"`
	// FeedUnreachable: what went wrong, in the fetcher's words.
	FeedUnreachable string `fmt:"s"`
	// FeedName: the feed's name= in /addfeed's answer.
	FeedName    string `fmt:"s"`
	RenameUsage string
	// FeedRenamed: the feed's id and its new name (quoted).
	FeedRenamed string `fmt:"d,s"`
	// FeedNameCleared: the feed's id and the name pushes use now (quoted).
	FeedNameCleared string `fmt:"d,s"`
	// FeedNameTooLong: the name's length and the most, counted in
	// Characters.
	FeedNameTooLong                                string `fmt:"s,s"`
	FeedNameMarkup, FeedNameControl, FeedNameEmpty string
	// FeedsPage heads a page of /feeds: the number of feeds, the page and
	// the pages.
	FeedsPage string `fmt:"d,d,d"`
	// FeedEntry is a feed in a page of /feeds: its id, name, address, and
	// the line of its state and options (FeedStateOK… then FeedModes).
	FeedEntry string `fmt:"d,s,s,s"`
	// FeedStateOK: the last success; FeedStateFailing: since when (a
	// duration) and the failures in a row; FeedStateNew: not polled yet.
	FeedStateOK      string `fmt:"s"`
	FeedStateFailing string `fmt:"s,d"`
	FeedStateNew     string
	// FeedModes: the fulltext and lang options; FeedModeBreaking and
	// FeedModeCountry (the slug) follow when set.
	FeedModes        string `fmt:"s,s"`
	FeedModeBreaking string
	FeedModeCountry  string `fmt:"s"`
	FeedsDetailHint  string
	// ButtonPrevious and ButtonNext turn the pages of /feeds.
	ButtonPrevious, ButtonNext string
	// ImportWhat answers an admin's document that is not OPML.
	ImportWhat string
	// ImportTooLarge: the file's size and the most, in MiB written out.
	ImportTooLarge string `fmt:"s,s"`
	ImportNotOPML  string
	// ImportTooMany: the most outlines, counted in Outlines.
	ImportTooMany      string `fmt:"s"`
	ImportDownloadFail string
	// ImportDone: the feeds added and those already there, counted in
	// Sources.
	ImportDone string `fmt:"s,s"`
	// ImportRepeated: outlines naming a feed a second time.
	ImportRepeated  string `fmt:"d"`
	ImportAddedNote string
	// ImportRefused heads the refusals: how many; ImportRefusedLine is one:
	// the address (or name) and why (ImportNoURL…); ImportMore: how many
	// more were refused.
	ImportRefused                                                        string `fmt:"d"`
	ImportRefusedLine                                                    string `fmt:"s,s"`
	ImportMore                                                           string `fmt:"d"`
	ImportNoURL, ImportPrivate, ImportBadURL, ImportNoHost, ImportFailed string
	// ImportBadOption: the option refused.
	ImportBadOption string `fmt:"s"`
	// ExportCaption: the feeds in the file, counted in Sources.
	ExportCaption string `fmt:"s"`
	// AlertsStarted and AlertsEnded head an alert's problems that began
	// and those that ended; AlertsMore says how many more.
	AlertsStarted, AlertsEnded string
	// AlertsMore: how many more, counted in Problems.
	AlertsMore string `fmt:"s"`
	// AlertFeedFailing: the feed's name, its id, for how long, the last
	// error.
	AlertFeedFailing string `fmt:"s,d,s,s"`
	// AlertFeedSilent: the name, the id, since the last item, the
	// longest usual gap.
	AlertFeedSilent string `fmt:"s,d,s,s"`
	// AlertPagesFailing: the name, the id, for how long, the last reason.
	AlertPagesFailing string `fmt:"s,d,s,s"`
	// AlertWebSubFailed: the name, the id, the hub's reason.
	AlertWebSubFailed string `fmt:"s,d,s"`
	// AlertOutboxStuck: how long the oldest message has waited.
	AlertOutboxStuck string `fmt:"s"`
	// AlertDatabaseSize: the size and ALERT_DATABASE_SIZE, written out.
	AlertDatabaseSize string `fmt:"s,s"`
	// The ends: the feed's name and id; the database's size.
	AlertFeedFailingEnded  string `fmt:"s,d"`
	AlertFeedSilentEnded   string `fmt:"s,d"`
	AlertPagesFailingEnded string `fmt:"s,d"`
	AlertWebSubEnded       string `fmt:"s,d"`
	AlertOutboxEnded       string
	AlertDatabaseEnded     string `fmt:"s"`
	// SizeMB and SizeGB write a size ("1.5").
	SizeMB string `fmt:"s"`
	SizeGB string `fmt:"s"`

	BreakingTopic  string // what a channel of every breaking story is for
	ChannelsHint   string
	ChannelsHeader string
	ChannelsNone   string
	ChannelUsage   string
	ThreadMoved    string
	// ChannelButton: the channel's topic.
	ChannelButton string `fmt:"s"`
	// ChannelLine: the topic quoted, and the channel.
	ChannelLine       string `fmt:"s,s"`
	ChannelFromConfig string
	// ChannelStopped: why the channel is off.
	ChannelStopped string `fmt:"s"`
	// ChannelAdded: the topic quoted, and the channel.
	ChannelAdded string `fmt:"s,s"`
	// ChannelNotFound, NotAChannel, ChannelNoRights, ChannelNotMapped:
	// the channel as the admin wrote it, quoted.
	ChannelNotFound  string `fmt:"s"`
	NotAChannel      string `fmt:"s"`
	ChannelNoRights  string `fmt:"s"`
	ChannelNotMapped string `fmt:"s"`
	// ChannelDeleted: the channel, and its topics counted in Topics.
	ChannelDeleted string `fmt:"s,s"`
	// ChannelLost: the channel, its topics, and Telegram's reason.
	ChannelLost string `fmt:"s,s,s"`

	// Counted nouns, the number included.
	Stories, Subscriptions, Characters, Topics Plural
	OldMessages, OldStories                    Plural
	// Seconds, Minutes, Hours say a duration as it follows "every";
	// DurationAnd joins two of them ("2 minutes and 30 seconds").
	Seconds, Minutes, Hours Plural
	DurationAnd             string `fmt:"s,s"`
	// Days says a long duration (issue 24's alerts); Feeds, Sources and
	// Outlines count what /addfeed and OPML imports found; Problems the
	// alerts a message leaves out.
	Days, Feeds, Sources, Outlines, Problems Plural

	// Words readers may type, besides the Latin ones every language
	// shares (on, off, none…), lower-case.
	OnWords, OffWords []string // /pictures
	NoLimitWords      []string // /limit and /quiet: off
	// RingBreakingWords, RingAllWords, RingNoneWords: /sound's values.
	RingBreakingWords, RingAllWords, RingNoneWords []string
	// BreakingWords name a channel of every breaking story (/channel add).
	BreakingWords []string
}

// CommandHelp describes one command: Args after its name and Desc, plain
// text both.
type CommandHelp struct {
	Args string `json:",omitempty"`
	Desc string
}

// Plural is a phrase with a number, in each CLDR plural category of the
// language; "%d" in a form stands for the number. A category the
// language does not use may stay empty: Other is used instead.
type Plural struct {
	Zero  string `json:"zero,omitempty"`
	One   string `json:"one,omitempty"`
	Two   string `json:"two,omitempty"`
	Few   string `json:"few,omitempty"`
	Many  string `json:"many,omitempty"`
	Other string `json:"other"`
}

// Count is n in the form of p that c's language wants for it (CLDR's
// cardinal rules, from golang.org/x/text).
func (c *Catalogue) Count(p Plural, n int) string {
	return strings.ReplaceAll(p.form(c.Category(n)), "%d", strconv.Itoa(n))
}

// Category is the CLDR plural category of the integer n in c's language.
func (c *Catalogue) Category(n int) plural.Form {
	if n < 0 {
		n = -n
	}
	return plural.Cardinal.MatchPlural(c.tag, n, 0, 0, 0, 0)
}

func (p Plural) form(f plural.Form) string {
	var s string
	switch f {
	case plural.Zero:
		s = p.Zero
	case plural.One:
		s = p.One
	case plural.Two:
		s = p.Two
	case plural.Few:
		s = p.Few
	case plural.Many:
		s = p.Many
	}
	if s == "" {
		return p.Other
	}
	return s
}

// files are the languages, one JSON file each, named by their tag.
//
//go:embed *.json
var files embed.FS

// Load reads the catalogue of a language ("ar"). Every entry must be
// there: a file that lacks one, or has one Catalogue does not know, is
// refused.
func Load(lang string) (*Catalogue, error) {
	data, err := files.ReadFile(lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("texts: no catalogue for %q (want bot/texts/%s.json)", lang, lang)
	}
	return parse(lang, data)
}

// parse reads the catalogue of lang from its file's data.
func parse(lang string, data []byte) (*Catalogue, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("texts: language %q: %w", lang, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	c := &Catalogue{Language: lang, tag: tag}
	if err := dec.Decode(c); err != nil {
		return nil, fmt.Errorf("texts: %s.json: %w", lang, err)
	}
	if missing := c.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("texts: %s.json lacks %s", lang, strings.Join(missing, ", "))
	}
	return c, nil
}

// Arabic is the catalogue the bot speaks by default. It panics if ar.json
// is broken, which TestEveryLanguageIsComplete rules out.
func Arabic() *Catalogue {
	c, err := Load("ar")
	if err != nil {
		panic(err)
	}
	return c
}

// Languages lists the tags of every catalogue there is.
func Languages() []string {
	names, _ := fs.Glob(files, "*.json") // the pattern is valid
	langs := make([]string, len(names))
	for i, n := range names {
		langs[i] = strings.TrimSuffix(n, ".json")
	}
	return langs
}

// Missing names the entries c lacks: an empty text, a Plural without its
// Other form, an empty list or table.
func (c *Catalogue) Missing() []string {
	var missing []string
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		var empty bool
		switch x := v.Field(i).Interface().(type) {
		case string:
			empty = x == ""
		case Plural:
			empty = x.Other == ""
		default:
			empty = v.Field(i).Len() == 0 // the lists and tables
		}
		if empty {
			missing = append(missing, f.Name)
		}
	}
	return missing
}
