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
// and setMyCommands alike. A new command is one entry here, its handler,
// and its texts in messages.go.
type command struct {
	name    string
	aliases []string
	args    string // shown after the name in /help
	desc    string // one line of plain text (setMyCommands takes no HTML)
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
		{name: "start", desc: "البدء واختيار الموضوعات", run: (*Bot).cmdStart},
		{name: "help", desc: "عرض الأوامر", run: (*Bot).cmdHelp},
		{name: "topics", desc: "الاشتراك في الموضوعات أو إلغاؤه بالأزرار", run: (*Bot).cmdTopics},
		{name: "subscribe", aliases: []string{"sub"}, args: "<موضوع أو كلمة>", desc: "الاشتراك في موضوع أو كلمة",
			changes: changesWithArgs, run: (*Bot).cmdSubscribe},
		{name: "unsubscribe", aliases: []string{"unsub"}, args: "<موضوع أو كلمة>", desc: "إلغاء اشتراك",
			changes: changesAlways, run: (*Bot).cmdUnsubscribe},
		{name: "list", desc: "عرض الاشتراكات", run: (*Bot).cmdList},
		{name: "latest", args: "[موضوع]", desc: "آخر الأخبار", run: (*Bot).cmdLatest},
		{name: "search", args: "<كلمات>", desc: "البحث في الأخبار", run: (*Bot).cmdSearch},
		{name: "following", desc: "الأخبار التي تتابعها، وإيقاف متابعتها", run: (*Bot).cmdFollowing},
		{name: "mute", args: "<كلمة أو عبارة>", desc: "إخفاء كل خبر يذكر كلمة، ولو طابق اشتراكاتك",
			changes: changesWithArgs, run: (*Bot).cmdMute},
		{name: "unmute", args: "[كلمة]", desc: "إلغاء كتم كلمة", changes: changesWithArgs, run: (*Bot).cmdUnmute},
		{name: "pause", settings: true, desc: "إيقاف الإشعارات مؤقتًا", changes: changesAlways, run: (*Bot).cmdPause},
		{name: "resume", settings: true, desc: "استئناف الإشعارات", changes: changesAlways, run: (*Bot).cmdResume},
		{name: "quiet", settings: true, args: "<22-07 أو off>", desc: "ساعات الهدوء: لا يرنّ فيها شيء، وتصل الأخبار العادية مجمّعة عند انتهائها",
			changes: changesWithArgs, run: (*Bot).cmdQuiet},
		{name: "limit", settings: true, args: "<1-60 أو off>", desc: "حدّ الأخبار في الساعة، وما زاد عليه يصل في موجز واحد",
			changes: changesWithArgs, run: (*Bot).cmdLimit},
		{name: "pictures", settings: true, args: "<on أو off>", desc: "صورة الخبر فوق نصه أو بدونها",
			changes: changesWithArgs, run: (*Bot).cmdPictures},
		{name: "sound", settings: true, args: "<breaking أو all أو none>", desc: "ما يصل بصوت: العاجل فقط أو كل الأخبار أو لا شيء",
			changes: changesWithArgs, run: (*Bot).cmdSound},
		{name: "settings", settings: true, desc: "كل الإعدادات في رسالة واحدة بأزرار", run: (*Bot).cmdSettings},
		{name: "stop", settings: true, desc: "حذف كل الاشتراكات والبيانات", changes: changesAlways, run: (*Bot).cmdStop},

		{name: "stats", desc: "إحصاءات البوت", access: botAdmins, run: (*Bot).cmdStats},
		{name: "feeds", desc: "المصادر وحالتها", access: botAdmins, run: (*Bot).cmdFeeds},
		{name: "addfeed", args: "<رابط> [fulltext=auto|always|never] [lang=ar|any] [breaking=yes|no]", desc: "إضافة مصدر", access: botAdmins, run: (*Bot).cmdAddFeed},
		{name: "delfeed", args: "<رقم>", desc: "حذف مصدر", access: botAdmins, run: (*Bot).cmdDelFeed},
		{name: "channel", args: "[add <@قناة> <موضوع> | del <@قناة>]", desc: "قنوات الموضوعات: عرضها وإضافتها وحذفها",
			access: botAdmins, run: (*Bot).cmdChannel},
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
			return b.reply(ctx, r.to, msgNotBotAdmin)
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
			return b.reply(ctx, r.to, msgNotGroupAdmin)
		}
		return h(b, ctx, r)
	}
}
