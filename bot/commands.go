package bot

import (
	"context"
)

// handler is what a command runs.
type handler func(b *Bot, ctx context.Context, r *cmdReq) error

// access says who may use a command.
type access int

const (
	everyone  access = iota
	botAdmins        // ADMIN_IDS only; /help lists these to them alone
)

// changes says when a command changes what a chat follows or how it is
// sent to, which in a group only the group's administrators may do.
type changes int

const (
	readsOnly       changes = iota
	changesAlways           // every call changes the chat
	changesWithArgs         // with arguments; without, it shows the setting
)

// command is one entry of the command table, which drives routing, /help
// and setMyCommands alike. A new command is one entry here, its handler
// (a method of Bot), its /help line under its name in the catalogue's
// Commands (bot/texts/ar.json), and its replies as catalogue entries
// (bot/texts: a field of Catalogue, its text in ar.json; a reply with a
// value also a method of render.Renderer).
type command struct {
	name    string
	aliases []string
	access  access
	changes changes
	// settings marks the commands that govern how the chat is sent to
	// (/pause, /quiet, /settings…): an admin's have a rate budget of their
	// own, so they are answered even after a flood of other commands.
	settings bool
	run      handler
}

// commandTable lists the commands in the order /help shows them. (A
// function, not a variable: /help's handler reads the table.)
func commandTable() []*command {
	return []*command{
		{name: "start", run: (*Bot).cmdStart},
		{name: "help", run: (*Bot).cmdHelp},
		{name: "topics", run: (*Bot).cmdTopics},
		{name: "subscribe", aliases: []string{"sub"}, changes: changesWithArgs, run: (*Bot).cmdSubscribe},
		{name: "unsubscribe", aliases: []string{"unsub"}, changes: changesAlways, run: (*Bot).cmdUnsubscribe},
		{name: "list", run: (*Bot).cmdList},
		{name: "latest", run: (*Bot).cmdLatest},
		{name: "search", run: (*Bot).cmdSearch},
		{name: "story", run: (*Bot).cmdStory},
		{name: "following", run: (*Bot).cmdFollowing},
		{name: "mute", changes: changesWithArgs, run: (*Bot).cmdMute},
		{name: "unmute", changes: changesWithArgs, run: (*Bot).cmdUnmute},
		{name: "pause", settings: true, changes: changesAlways, run: (*Bot).cmdPause},
		{name: "resume", settings: true, changes: changesAlways, run: (*Bot).cmdResume},
		{name: "quiet", settings: true, changes: changesWithArgs, run: (*Bot).cmdQuiet},
		{name: "limit", settings: true, changes: changesWithArgs, run: (*Bot).cmdLimit},
		{name: "pictures", settings: true, changes: changesWithArgs, run: (*Bot).cmdPictures},
		{name: "sound", settings: true, changes: changesWithArgs, run: (*Bot).cmdSound},
		{name: "settings", settings: true, run: (*Bot).cmdSettings},
		{name: "stop", settings: true, changes: changesAlways, run: (*Bot).cmdStop},

		{name: "stats", access: botAdmins, run: (*Bot).cmdStats},
		{name: "feeds", access: botAdmins, run: (*Bot).cmdFeeds},
		{name: "addfeed", access: botAdmins, run: (*Bot).cmdAddFeed},
		{name: "delfeed", access: botAdmins, run: (*Bot).cmdDelFeed},
		{name: "renamefeed", access: botAdmins, run: (*Bot).cmdRenameFeed},
		{name: "export", access: botAdmins, run: (*Bot).cmdExport},
		{name: "channel", access: botAdmins, run: (*Bot).cmdChannel},
	}
}

// commandIndex maps every name and alias to its command.
func commandIndex(table []*command) map[string]*command {
	m := make(map[string]*command, len(table)*2)
	for _, c := range table {
		m[c.name] = c
		for _, a := range c.aliases {
			m[a] = c
		}
	}
	return m
}

// listed reports whether setMyCommands registers the command.
func (c *command) listed(admin bool) bool { return c.access == everyone || admin }

// guarded is c's handler behind the guards its entry asks for.
func (c *command) guarded(r *cmdReq) handler {
	h := c.run
	if c.changes == changesAlways || c.changes == changesWithArgs && r.args != "" {
		h = groupAdminsOnly(h)
	}
	if c.access == botAdmins {
		h = botAdminsOnly(h)
	}
	return h
}

// botAdminsOnly refuses, politely, anyone not in ADMIN_IDS.
func botAdminsOnly(h handler) handler {
	return func(b *Bot, ctx context.Context, r *cmdReq) error {
		if !b.isBotAdmin(r.msg) {
			return b.reply(ctx, r.to, b.txt.NotBotAdmin)
		}
		return h(b, ctx, r)
	}
}

// groupAdminsOnly lets only a group's administrators (or an anonymous
// admin writing as the group) change what it follows; anyone may in a
// private chat.
func groupAdminsOnly(h handler) handler {
	return func(b *Bot, ctx context.Context, r *cmdReq) error {
		ok, err := b.mayChangeMsg(ctx, r)
		if err != nil {
			return err
		}
		if !ok {
			return b.reply(ctx, r.to, b.txt.NotGroupAdmin)
		}
		return h(b, ctx, r)
	}
}
