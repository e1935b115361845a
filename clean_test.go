package storyclust

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	out := cleanBatch(context.Background(), arts, 3)
	for i := 0; i < 3; i++ {
		assert.NotContains(t, out[i], "Subscribe", "site-a repeats the banner in 3 articles")
	}
	assert.Contains(t, out[3], "Subscribe", "site-b shows it once: not furniture there")

	// Syndicated copies share all their lines: repetition must not empty them.
	copies := []Article{{ID: "x", Text: wireBody}, {ID: "y", Text: wireBody}, {ID: "z", Text: wireBody}}
	for i, s := range cleanBatch(context.Background(), copies, 3) {
		assert.Equal(t, strings.TrimSpace(wireBody), s, "copy %d", i)
	}
}

func TestCleanSeeds(t *testing.T) {
	arts := loadSeeds(t)
	out := cleanBatch(context.Background(), arts, 3)
	all := strings.Join(out, "\n")
	for _, gone := range []string{"Your comment", "Related posts", "Latest news", "cookies", "Israeli soldiers", "Larijani"} {
		assert.NotContains(t, all, gone)
	}
	assert.Contains(t, out[0], "Hossein Amir Abdollahian made the comment")
	assert.Contains(t, out[4], "Putin said")
}

// refLineKey is the plain rune-by-rune lineKey, the reference for the ASCII
// fast path of lineKeyWords.
func refLineKey(line string) string {
	var b strings.Builder
	space := false
	for _, r := range line {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			space = true
		}
	}
	return b.String()
}

func TestLineKeyWords(t *testing.T) {
	for _, line := range []string{
		"", "   ", "Hello, World!", "  --Tags:  ", "ÉCOLE d’été 2024 — Paris", "İstanbul ÀÉ x", "a\u00a0b", "ǅemal Ⅻ ９９",
		"Привет, мир", "日本語のテキスト", "x\xffy", "ABC_def-123", "ª º",
		"Internationalization AND CONSTANTINOPLE1234567 é", "abcdefgh", "ABCDEFGHI", "abcdefg\u00e9hijklmnop",
	} {
		k, n := lineKeyWords(nil, line)
		want := refLineKey(line)
		assert.Equal(t, want, string(k), "%q", line)
		assert.Equal(t, len(strings.Fields(want)), n, "%q", line)
	}
}

// FuzzLineKeyWords checks lineKeyWords against the rune-by-rune key.
func FuzzLineKeyWords(f *testing.F) {
	f.Add("Hello, World! Internationalization 2024")
	f.Add("ÉCOLE d’été — ABCDEFGHIJ_klmnopq")
	f.Add("we use cookies, kcookie")
	f.Fuzz(func(t *testing.T, line string) {
		k, n := lineKeyWords([]byte("scratch"), line)
		want := refLineKey(line)
		if string(k) != want || n != len(strings.Fields(want)) {
			t.Fatalf("lineKeyWords(%q) = %q, %d; want %q, %d", line, k, n, want, len(strings.Fields(want)))
		}
		if containsCookie(line) != strings.Contains(line, "cookie") {
			t.Fatalf("containsCookie(%q) = %v", line, !strings.Contains(line, "cookie"))
		}
	})
}

// TestCleanBatchMatchesStringKeys checks the hash-keyed, parallel
// cleanBatch against the string-keyed FurnitureKeys + CleanText path.
func TestCleanBatchMatchesStringKeys(t *testing.T) {
	banner := "Subscribe to our daily briefing for the top headlines every morning"
	arts := append(loadSeeds(t),
		Article{ID: "r1", Source: "Site-A ", Text: banner + "\nFloods in the north reported on Monday.\n\n  A second line here.  "},
		Article{ID: "r2", Source: "site-a", Text: "A second line here.\n" + banner + "\nA new bridge opened on Monday."},
		Article{ID: "r3", Source: "site-a", Text: "  " + banner + "\nThe election was held on Sunday."},
		Article{ID: "r4", Source: "site-b", Text: banner + "\nWeather."},
		Article{ID: "w1", Text: wireBody}, Article{ID: "w2", Text: wireBody}, Article{ID: "w3", Text: wireBody},
	)
	p, err := New(Config{})
	require.NoError(t, err)
	t.Run("seeds", func(t *testing.T) { checkCleanBatch(t, p, arts) })
	t.Run("allsides", func(t *testing.T) { checkCleanBatch(t, p, loadAllSidesArticles(t, 3000)) })
}

func checkCleanBatch(t *testing.T, p *Pipeline, arts []Article) {
	counts := map[string]int{}
	for i := range arts {
		for _, k := range FurnitureKeys(nil, &arts[i]) {
			counts[k]++
		}
	}
	got := cleanBatch(context.Background(), arts, p.cfg.MinRepeat)
	for i := range arts {
		want := p.CleanText(&arts[i], func(k string) int { return counts[k] })
		assert.Equal(t, want, got[i], "article %s", arts[i].ID)
	}
}

func TestContainsCookie(t *testing.T) {
	for _, key := range []string{"", "cookie", "cookies", "a cookie", "kcookie", "cookiecookie", "cooki", "ookie",
		"kkkkkk", "cook ie", "we use cookies to", "k", "ck", "cookkie", "xxxcookie", "cookiek"} {
		assert.Equal(t, strings.Contains(key, "cookie"), containsCookie(key), "%q", key)
	}
}

// TestRepeatedLines checks repeatedLines against a map count of the same
// hashes: in one part and in many (partLines is exceeded), with the hash
// 0, and with hashes that differ only in their top or low bits, which the
// parts and the tally tables take their slots from.
func TestRepeatedLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct {
		name      string
		articles  int
		perArt    int
		pool      int // distinct hashes drawn from
		minRepeat int
	}{
		{"one part", 50, 20, 400, 3},
		{"many parts", 3000, 30, 40000, 3},
		{"many parts, min 2", 3000, 30, 40000, 2},
		{"mostly unique", 1500, 40, 1 << 40, 3},
		{"empty", 0, 0, 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool := make([]uint64, min(tc.pool, 1<<16))
			for i := range pool {
				switch i % 4 {
				case 0:
					pool[i] = rng.Uint64()
				case 1:
					pool[i] = uint64(i) // only low bits: all in part 0
				case 2:
					pool[i] = uint64(i) << 40 // only top bits
				case 3:
					pool[i] = 0
				}
			}
			lines := make([]hashedLines, tc.articles)
			want := map[uint64]int{}
			for i := range lines {
				seen := map[uint64]bool{}
				for range tc.perArt {
					var h uint64
					if tc.pool > len(pool) {
						h = rng.Uint64()
					} else {
						h = pool[rng.IntN(len(pool))]
					}
					if !seen[h] { // uniq lists are sets
						seen[h] = true
						lines[i].uniq = append(lines[i].uniq, h)
						want[h]++
					}
				}
			}
			set := repeatedLines(lines, tc.minRepeat)
			for h, n := range want {
				require.Equal(t, n >= tc.minRepeat, set.count(h) == 1, "hash %#x in %d articles", h, n)
			}
			for range 1000 {
				h := rng.Uint64()
				require.Equal(t, want[h] >= tc.minRepeat, set.count(h) == 1)
			}
			if tc.name == "many parts" {
				total := 0
				for i := range lines {
					total += len(lines[i].uniq)
				}
				require.Greater(t, total, 4*partLines, "the case must span several parts")
			}
		})
	}
}

// TestHashCounts checks hashCounts against a map, with the table sized for
// the distinct hashes and reset reusing a larger table's memory.
func TestHashCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var c hashCounts
	for _, n := range []int{5000, 10, 0, 3000} {
		c.reset(n/3 + 1) // the distinct hashes below
		want := map[uint64]int32{}
		for range n {
			h := rng.Uint64() % uint64(n/3+1) // repeats, and 0
			want[h]++
			require.Equal(t, want[h], c.add(h))
		}
		for h, k := range want {
			require.Equal(t, k, c.count(h), "hash %d", h)
		}
		require.Zero(t, c.count(uint64(n+1)))
	}
}
