package storyclust

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/cluster"
)

func mustNew(t testing.TB, cfg Config) *Pipeline {
	t.Helper()
	p, err := New(cfg)
	require.NoError(t, err)
	return p
}

func TestSeedsFourStories(t *testing.T) {
	arts := loadSeeds(t)
	res, err := mustNew(t, Config{}).Run(context.Background(), arts)
	require.NoError(t, err)
	require.Len(t, res.Stories, 4, "stories: %+v", res.Stories)
	s := storyOf(res)
	assert.Equal(t, s["000_8e94011131dd3905"], s["002_4c52b5d957b4cd4a"], "000 and 002 report the same visit")
	for _, other := range []string{"001_7850ec27218cba1f", "003_a1e318bd52d8cfa9", "004_4e8300cdc2e4c952"} {
		assert.NotEqual(t, s["000_8e94011131dd3905"], s[other], "%s is another event", other)
	}
	for _, a := range res.Assignments {
		assert.Empty(t, a.DuplicateOf, "no seed re-publishes another")
	}
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want error
	}{
		{"cut above 1", Config{StoryCut: 1.5}, ErrInvalidConfig},
		{"negative cut", Config{StoryCut: -0.1}, ErrInvalidConfig},
		{"k too small", Config{K: 2}, ErrInvalidConfig},
		{"dup threshold", Config{DupThreshold: 2}, ErrInvalidConfig},
		{"min repeat 1", Config{MinRepeat: 1}, ErrInvalidConfig},
		{"cohesion above 1", Config{StoryCohesion: 1.5}, ErrInvalidConfig},
		{"NaN cohesion", Config{StoryCohesion: math.NaN()}, ErrInvalidConfig},
		{"no cohesion test", Config{StoryCohesion: -1}, nil},
		{"unknown default language", Config{Lang: "klingon"}, ErrUnknownLanguage},
		{"zero value", Config{}, nil},
		{"named language", Config{Lang: "russian"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestInputErrors(t *testing.T) {
	p := mustNew(t, Config{MaxArticleBytes: 100})
	for _, tc := range []struct {
		name string
		arts []Article
		want error
	}{
		{"missing id", []Article{{ID: "a", Text: "x"}, {Text: "y"}}, ErrMissingID},
		{"repeated id", []Article{{ID: "a", Text: "x"}, {ID: "a", Text: "y"}}, ErrDuplicateID},
		{"too large", []Article{{ID: "a", Text: strings.Repeat("x", 101)}}, ErrArticleTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Run(context.Background(), tc.arts)
			require.ErrorIs(t, err, tc.want)
		})
	}
	res, err := p.Run(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, res.Assignments)
}

func TestUnknownArticleLanguage(t *testing.T) {
	arts := []Article{{ID: "fa", Lang: "fa", Text: "هیئت روسی با وزیر امور خارجه ایران در تهران دیدار کرد"}}
	res, err := mustNew(t, Config{}).Run(context.Background(), arts)
	require.NoError(t, err)
	require.Len(t, res.Warnings, 1)
	assert.Contains(t, res.Warnings[0], `"fa"`)
	_, err = mustNew(t, Config{StrictLang: true}).Run(context.Background(), arts)
	require.ErrorIs(t, err, ErrUnknownLanguage)
}

const wireBody = `The European Central Bank kept its main interest rate unchanged on Thursday, saying inflation in the euro area was falling faster than expected but that wage growth remained too strong to declare victory.
ECB President Christine Lagarde told reporters in Frankfurt that the governing council had not discussed cutting rates and that it would take decisions meeting by meeting, based on incoming data.
Inflation in the twenty countries that share the euro fell to 2.4 percent in November, the lowest in more than two years, down from a peak of 10.6 percent in October last year.
Markets had priced in cuts as early as March, but Lagarde said it was premature to talk about easing and that the bank would keep rates at record highs for as long as necessary.
Economists expect the bank to begin lowering borrowing costs in the second half of next year as the economy stagnates and price pressures ease.`

func TestDuplicateTier(t *testing.T) {
	lines := strings.Split(wireBody, "\n")
	t0 := time.Date(2023, 12, 14, 13, 0, 0, 0, time.UTC)
	arts := []Article{
		{ID: "orig", Title: "ECB holds rates", Text: wireBody, Published: t0},
		{ID: "furniture", Title: "Lagarde: no cuts yet", Text: "Home | Markets\n" + wireBody +
			"\nRelated posts\nOil slides below $70 as demand…\nYour comment", Published: t0.Add(time.Hour)},
		{ID: "truncated", Title: "Euro zone bank stands pat", Text: strings.Join(lines[:3], "\n")},
		{ID: "edited", Title: "ECB holds", Text: strings.NewReplacer("reporters", "journalists", "Thursday", "Wednesday").Replace(wireBody)},
		{ID: "other", Title: "Bank of England holds", Text: "The Bank of England held interest rates at a 15-year high of 5.25 percent on Thursday and pushed back against market bets on early cuts. Governor Andrew Bailey said there was still some way to go in the fight against inflation."},
	}
	res, err := mustNew(t, Config{}).Run(context.Background(), arts)
	require.NoError(t, err)
	dup := map[string]string{}
	for _, a := range res.Assignments {
		dup[a.ID] = a.DuplicateOf
	}
	// orig is the earliest published of the group, so it is the original.
	assert.Equal(t, map[string]string{"orig": "", "furniture": "orig", "truncated": "orig", "edited": "orig", "other": ""}, dup)
	s := storyOf(res)
	assert.Equal(t, s["orig"], s["truncated"], "a duplicate joins its original's story")

	// Dedup gives the same duplicates and no stories.
	dres, err := mustNew(t, Config{}).Dedup(context.Background(), arts)
	require.NoError(t, err)
	assert.Nil(t, dres.Stories)
	for i, a := range dres.Assignments {
		assert.Equal(t, res.Assignments[i].DuplicateOf, a.DuplicateOf)
		assert.Empty(t, a.Story)
	}
}

// TestOrderAndGOMAXPROCSIndependence checks that the same articles in any
// order, with any GOMAXPROCS, give the same result.
func TestOrderAndGOMAXPROCSIndependence(t *testing.T) {
	arts, _ := loadLabeled(t, "ecbplus.jsonl.gz")
	arts = arts[:300]
	p := mustNew(t, Config{})
	want, err := p.Run(context.Background(), arts)
	require.NoError(t, err)
	wantStory, wantDup := storyOf(want), map[string]string{}
	for _, a := range want.Assignments {
		wantDup[a.ID] = a.DuplicateOf
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, procs := range []int{1, 2, 4} {
		shuffled := append([]Article(nil), arts...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		old := runtime.GOMAXPROCS(procs)
		got, err := p.Run(context.Background(), shuffled)
		runtime.GOMAXPROCS(old)
		require.NoError(t, err)
		require.Len(t, got.Assignments, len(shuffled))
		for i, a := range got.Assignments {
			require.Equal(t, shuffled[i].ID, a.ID, "assignments are in input order")
			require.Equal(t, wantStory[a.ID], a.Story, "story of %s with GOMAXPROCS=%d", a.ID, procs)
			require.Equal(t, wantDup[a.ID], a.DuplicateOf)
		}
		require.Equal(t, want.Stories, got.Stories)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := mustNew(t, Config{}).Run(ctx, loadSeeds(t))
	require.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

// Recorded B-cubed F1 of the default configuration (README, "Quality").
// TestQualityLabeled fails when a figure drops more than 0.01 below these.
const (
	recordedECBPlus   = 0.9246
	recordedNewsWCL50 = 0.9837
)

// TestQualityLabeled runs the default configuration on the labeled sets and
// fails when B-cubed F1 drops below the floor.
func TestQualityLabeled(t *testing.T) {
	for _, tc := range []struct {
		file  string
		floor float64
	}{
		{"ecbplus.jsonl.gz", max(0.85, recordedECBPlus-0.01)},
		{"newswcl50.jsonl.gz", recordedNewsWCL50 - 0.01},
	} {
		t.Run(tc.file, func(t *testing.T) {
			arts, gold := loadLabeled(t, tc.file)
			res, err := mustNew(t, Config{}).Run(context.Background(), arts)
			require.NoError(t, err)
			pred := make([]string, len(arts))
			for i, a := range res.Assignments {
				pred[i] = a.Story
			}
			b, err := cluster.BCubed(pred, gold)
			require.NoError(t, err)
			t.Logf("%s: %d articles, %d stories, B-cubed P %.4f R %.4f F1 %.4f",
				tc.file, len(arts), len(res.Stories), b.Precision, b.Recall, b.F1)
			assert.GreaterOrEqual(t, b.F1, tc.floor)
		})
	}
}
