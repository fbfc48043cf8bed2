package bot

import (
	"testing"

	"github.com/ajel-news/ajel/bot/texts"
)

// Every command of the table has its /help line in every language's
// catalogue, and the catalogue describes no command the bot lacks.
func TestEveryCommandIsDescribed(t *testing.T) {
	table := commandIndex(commandTable())
	for _, lang := range texts.Languages() {
		c, err := texts.Load(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, cmd := range commandTable() {
			if c.Commands[cmd.name].Desc == "" {
				t.Errorf("%s: /%s has no description in Commands", lang, cmd.name)
			}
		}
		for name := range c.Commands {
			if cmd := table[name]; cmd == nil || cmd.name != name {
				t.Errorf("%s: Commands describes /%s, which is not a command", lang, name)
			}
		}
	}
}
