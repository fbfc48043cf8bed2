package bot_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// Every word the bot says is in the catalogue (bot/texts/*.json): no Go
// file of the bot, its rendering, its catalogue or the transport holds a
// string or rune literal with an Arabic letter. (Tests are not scanned:
// they say what readers must see.)
func TestNoArabicOutsideTheCatalogue(t *testing.T) {
	dirs := []string{".", "render", "texts", "../telegram"}
	files := 0
	for _, dir := range dirs {
		paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			files++
			for _, lit := range arabicLiterals(t, path) {
				t.Errorf("%s: a text the bot says belongs in the catalogue (bot/texts/ar.json): %s", lit.pos, lit.text)
			}
		}
	}
	if files < 10 {
		t.Fatalf("scanned %d files: the bot's sources were not found", files)
	}
}

type literal struct{ pos, text string }

// arabicLiterals are the string and rune literals of a Go file that hold
// an Arabic letter.
func arabicLiterals(t *testing.T, path string) []literal {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var found []literal
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
			return true
		}
		value := lit.Value
		if lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				value = s
			}
		} else if r, _, _, err := strconv.UnquoteChar(strings.Trim(lit.Value, "'"), '\''); err == nil {
			value = string(r)
		}
		if strings.IndexFunc(value, isArabicLetter) >= 0 {
			found = append(found, literal{fset.Position(lit.Pos()).String(), lit.Value})
		}
		return true
	})
	return found
}

func isArabicLetter(r rune) bool { return unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r) }

// The scan finds what it must: an Arabic reply written in Go.
func TestTheScanFindsArabicLiterals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reply.go")
	src := "package x\n\nconst reply = \"تمّ\"\n\nvar r = 'ب'\n\n// تعليق: comments may be Arabic.\nvar ok = \"done ✅ 3\"\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := arabicLiterals(t, path); len(got) != 2 {
		t.Errorf("found %v, want the string and the rune", got)
	}
}

// The bot talks to Telegram only through package telegram, and no longer
// pulls in feed (and through it gofeed and go-readability) for errors.
func TestBotImports(t *testing.T) {
	const mod = "github.com/ajel-news/ajel/"
	deps := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		if deps[path] {
			return
		}
		deps[path] = true
		if !strings.HasPrefix(path, mod) {
			return // outside the module: its own imports do not matter here
		}
		p, err := build.Default.Import(path, dir, 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		for _, imp := range p.Imports {
			walk(imp, p.Dir)
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	walk(mod+"bot", dir)
	for _, banned := range []string{mod + "feed", mod + "storage", "github.com/mmcdole/gofeed", "codeberg.org/readeck/go-readability/v2"} {
		if deps[banned] {
			t.Errorf("bot depends on %s", banned)
		}
	}
	// Only the transport imports the Bot API library.
	for _, pkg := range []string{"bot", "bot/render", "bot/texts"} {
		p, err := build.Default.Import(mod+pkg, dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(p.Imports, "github.com/go-telegram-bot-api/telegram-bot-api/v5") {
			t.Errorf("%s imports the Bot API library; only package telegram may", pkg)
		}
	}
}
