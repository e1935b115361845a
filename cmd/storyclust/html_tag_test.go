package main

import (
	"os/exec"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -tags nohtml leaves the HTML extractor and its dependencies out of the
// CLI (html_off.go); the default build has them.
func TestNoHTMLTagDropsExtractor(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	deps := func(tags ...string) string {
		args := append([]string{"list", "-deps"}, tags...)
		out, err := exec.Command("go", append(args, ".")...).Output()
		require.NoError(t, err)
		return string(out)
	}
	full, lean := deps(), deps("-tags", "nohtml")
	for _, pkg := range []string{"github.com/storyclust/storyclust/extract", "github.com/markusmobius/go-dateparser", "github.com/markusmobius/go-trafilatura"} {
		assert.Contains(t, full, pkg+"\n")
		assert.NotContains(t, lean, pkg+"\n")
	}
	assert.Contains(t, lean, "github.com/storyclust/storyclust\n")
}
