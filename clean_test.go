package storyclust

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFurnitureLines(t *testing.T) {
	for _, tc := range []struct {
		line string
		drop bool
	}{
		{"At least six Israeli soldiers have taken their own lives in recent months, the Israeli…", true},
		{"Ali Larijani, an advisor to Iran’s Leader, says if the US wants to impose its...", true},
		{"Your comment", true},
		{"Related posts", true},
		{"Latest news", true},
		{"Tags:", true},
		{"LATEST", true},
		{"lascia un commento usa i cookies, anche di terze parti. Ti invitiamo a dare il consenso così da proseguire al meglio con una navigazione ottimizzata.", true},
		{"We use cookies to improve your experience. By continuing to browse you accept our cookie policy.", true},
		{"", true},
		{"The Russian delegation arrived in Tehran from Damascus after talks with Syrian officials.", false},
		{"Girl Scout cookie sales rose 5 percent this year, the organisation said.", false},
		{"Latest news from the front suggests the offensive has stalled.", false},
	} {
		got := isFurniture(tc.line, string(lineKey(nil, tc.line)))
		assert.Equal(t, tc.drop, got, "%q", tc.line)
	}
}

func TestCleanBatchRepeatedLines(t *testing.T) {
	banner := "Subscribe to our daily briefing for the top headlines every morning"
	body := func(s string) string { return s + " reported on Monday, officials said in a statement to the press." }
	arts := []Article{
		{ID: "1", Source: "site-a", Text: banner + "\n" + body("Floods in the north")},
		{ID: "2", Source: "site-a", Text: banner + "\n" + body("A new bridge")},
		{ID: "3", Source: "site-a", Text: banner + "\n" + body("The election")},
		{ID: "4", Source: "site-b", Text: banner + "\n" + body("Weather")},
	}
	out := cleanBatch(arts, 3)
	for i := 0; i < 3; i++ {
		assert.NotContains(t, out[i], "Subscribe", "site-a repeats the banner in 3 articles")
	}
	assert.Contains(t, out[3], "Subscribe", "site-b shows it once: not furniture there")

	// Syndicated copies share all their lines: repetition must not empty them.
	copies := []Article{{ID: "x", Text: wireBody}, {ID: "y", Text: wireBody}, {ID: "z", Text: wireBody}}
	for i, s := range cleanBatch(copies, 3) {
		assert.Equal(t, strings.TrimSpace(wireBody), s, "copy %d", i)
	}
}

func TestCleanSeeds(t *testing.T) {
	arts := loadSeeds(t)
	out := cleanBatch(arts, 3)
	all := strings.Join(out, "\n")
	for _, gone := range []string{"Your comment", "Related posts", "Latest news", "cookies", "Israeli soldiers", "Larijani"} {
		assert.NotContains(t, all, gone)
	}
	assert.Contains(t, out[0], "Hossein Amir Abdollahian made the comment")
	assert.Contains(t, out[4], "Putin said")
}
