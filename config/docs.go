package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// The markers around README.md's table of variables: UpdateReadme
// rewrites what lies between them.
const (
	readmeBegin = "<!-- The table below is written from config/settings.go by `go generate ./config`: edit it there. -->"
	readmeEnd   = "<!-- End of the table written from config/settings.go. -->"
)

// UpdateReadme returns readme (README.md) with its table of variables, the
// lines between its two markers, written afresh from the settings.
func UpdateReadme(readme []byte) ([]byte, error) {
	begin := bytes.Index(readme, []byte(readmeBegin+"\n"))
	end := bytes.Index(readme, []byte(readmeEnd))
	if begin < 0 || end < begin {
		return nil, errors.New("config: README has no table of variables: put the lines " + readmeBegin + " and " + readmeEnd + " where it goes")
	}
	var b bytes.Buffer
	b.Write(readme[:begin])
	b.WriteString(readmeBegin + "\n")
	b.WriteString("| variable | default | accepts | meaning |\n|---|---|---|---|\n")
	for _, s := range settings(&Config{}) {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", s.name, cell(s.shownDefaultMarkdown()), cell(s.accepts), cell(s.help))
	}
	b.Write(readme[end:])
	return b.Bytes(), nil
}

// EnvExample returns the text of .env.example: every setting with its help,
// what it accepts and its default, which loading the file as is gives.
func EnvExample() []byte {
	table := settings(&Config{})
	var keepEmpty []string
	for _, s := range table {
		if s.emptyIsValue {
			keepEmpty = append(keepEmpty, s.name)
		}
	}
	var b bytes.Buffer
	b.WriteString("# Ajel (عاجل) configuration. Copy this file to .env and fill in what you need.\n")
	b.WriteString("# A variable already set in the environment wins over this file.\n")
	fmt.Fprintf(&b, "# An empty value means \"use the default\", except for %s (see its note).\n", strings.Join(keepEmpty, ", "))
	b.WriteString("# Values containing $ must be in single quotes ('...'), or $NAME is expanded.\n")
	b.WriteString("# This file is written from config/settings.go by go generate ./config.\n")
	for _, s := range table {
		b.WriteByte('\n')
		comment(&b, sentence(upperFirst(plain(s.help))))
		accepts := sentence("Accepts " + plain(s.accepts))
		if s.def == "" && s.shownDefault != "" {
			accepts += " " + sentence("Default: "+plain(s.shownDefault))
		}
		comment(&b, accepts)
		fmt.Fprintf(&b, "%s=%s\n", s.name, s.def)
	}
	return b.Bytes()
}

// shownDefaultMarkdown is the default as README's table shows it.
func (s setting) shownDefaultMarkdown() string {
	switch {
	case s.def != "":
		return "`" + s.def + "`"
	case s.shownDefault != "":
		return s.shownDefault
	}
	return "—"
}

// cell makes Markdown fit in a table cell: a | would end the cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

var readmeLink = regexp.MustCompile(`\[([^\]]+)\]\(#[^)]*\)`)

// plain turns the Markdown of help into text: no backticks, and a link to
// a README section says so.
func plain(s string) string {
	s = readmeLink.ReplaceAllString(s, "$1 in README.md")
	return strings.ReplaceAll(s, "`", "")
}

// sentence ends s with a full stop unless it ends with one or "…".
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// comment writes text as # lines of at most 100 characters.
func comment(b *bytes.Buffer, text string) {
	const width = 100
	line := "#"
	for _, w := range strings.Fields(text) {
		if len(line) > 1 && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			b.WriteString(line + "\n")
			line = "#"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
}
