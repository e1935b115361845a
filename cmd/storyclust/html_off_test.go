//go:build nohtml

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Built with -tags nohtml, HTML input is bad input with a message that says
// why, and the rest of the input is still read.
func TestNoHTMLBuild(t *testing.T) {
	code, _, errs := runCLI(t, "", "-h")
	require.Equal(t, exitOK, code)
	assert.Contains(t, errs, "built with -tags nohtml")

	page := filepath.Join(t.TempDir(), "page.html")
	require.NoError(t, os.WriteFile(page, []byte("<html><body><p>Floods in Porto Alegre.</p></body></html>"), 0o644))
	code, _, errs = runCLI(t, "", "dedup", page)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "page.html: HTML input is not supported by this storyclust, built with -tags nohtml")

	in := `{"id":"p","html":"<p>Floods in Porto Alegre.</p>"}` + "\n" + `{"id":"t","text":"Floods in Porto Alegre."}` + "\n"
	code, _, errs = runCLI(t, in, "dedup")
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errs, "<stdin>:1: HTML input is not supported")

	code, out, errs := runCLI(t, in, "dedup", "-skip-bad")
	assert.Equal(t, exitOK, code, errs)
	assert.Equal(t, `{"id":"t"}`+"\n", out)
	assert.Contains(t, errs, "skipped 1 bad input line(s)")
}
