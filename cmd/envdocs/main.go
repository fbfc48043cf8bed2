// Command envdocs writes the operators' documentation of Ajel's settings
// from config's table of them: README.md's table of variables and
// .env.example. `go generate ./config` runs it; config's tests fail, naming
// the variable, while either file is out of step.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ajel-news/ajel/config"
)

func main() {
	readme := flag.String("readme", "README.md", "the README whose table of variables is rewritten")
	env := flag.String("env", ".env.example", "the example .env file to write")
	flag.Parse()
	if err := run(*readme, *env); err != nil {
		fmt.Fprintln(os.Stderr, "envdocs:", err)
		os.Exit(1)
	}
}

func run(readmePath, envPath string) error {
	readme, err := os.ReadFile(readmePath)
	if err != nil {
		return err
	}
	updated, err := config.UpdateReadme(readme)
	if err != nil {
		return fmt.Errorf("%s: %w", readmePath, err)
	}
	if err := os.WriteFile(readmePath, updated, 0o644); err != nil {
		return err
	}
	return os.WriteFile(envPath, config.EnvExample(), 0o644)
}
