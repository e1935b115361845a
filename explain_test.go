package storyclust

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExplainSeeds(t *testing.T) {
	arts := loadSeeds(t)
	p := mustNew(t, Config{})
	same, err := p.Explain(context.Background(), arts, "000_8e94011131dd3905", "002_4c52b5d957b4cd4a")
	require.NoError(t, err)
	assert.True(t, same.SameStory)
	assert.LessOrEqual(t, same.LinkageDistance, same.StoryCut)
	assert.InDelta(t, 1-same.Similarity, same.LinkageDistance, 1e-12)
	assert.Less(t, same.DupContainment, same.DupThreshold, "a rewrite is not a duplicate")
	var shared []string
	for _, tw := range same.Shared {
		shared = append(shared, tw.Term)
	}
	assert.Contains(t, shared, "abdollahian", "the minister's name is what binds the two reports")
	assert.Contains(t, same.String(), "joined")

	diff, err := p.Explain(context.Background(), arts, "000_8e94011131dd3905", "001_7850ec27218cba1f")
	require.NoError(t, err)
	assert.False(t, diff.SameStory)
	assert.Greater(t, diff.LinkageDistance, diff.StoryCut)
	assert.Less(t, diff.Similarity, same.Similarity)
	assert.Contains(t, diff.String(), "NOT joined")

	_, err = p.Explain(context.Background(), arts, "000_8e94011131dd3905", "nope")
	require.ErrorIs(t, err, ErrUnknownID)
}

// TestExplainCohesion: in ECB+ topic 28 the two events of one kind are
// within the cut of each other but each story holds together much more
// tightly than they are linked, so the cohesion test keeps them apart, and
// the explanation shows it; without the test they are joined.
func TestExplainCohesion(t *testing.T) {
	arts, _ := loadLabeled(t, "ecbplus.jsonl.gz")
	const a, b = "28_1ecb", "28_1ecbplus"
	e, err := mustNew(t, Config{}).Explain(context.Background(), arts, a, b)
	require.NoError(t, err)
	assert.False(t, e.SameStory)
	assert.LessOrEqual(t, e.LinkageDistance, e.StoryCut)
	require.Positive(t, e.CohesionA)
	require.Positive(t, e.CohesionB)
	assert.Less(t, 1-e.LinkageDistance, e.StoryCohesion*min(e.CohesionA, e.CohesionB))
	assert.Contains(t, e.String(), "story cohesions")

	off, err := mustNew(t, Config{StoryCohesion: -1}).Explain(context.Background(), arts, a, b)
	require.NoError(t, err)
	assert.True(t, off.SameStory)
}

func TestExplainDuplicates(t *testing.T) {
	arts := []Article{
		{ID: "a", Text: wireBody},
		{ID: "b", Text: "Home\n" + wireBody + "\nYour comment"},
		{ID: "c", Text: "The Bank of England held interest rates at a 15-year high of 5.25 percent on Thursday."},
	}
	e, err := mustNew(t, Config{}).Explain(context.Background(), arts, "b", "a")
	require.NoError(t, err)
	assert.True(t, e.SameDupSets)
	assert.True(t, e.DupCandidate)
	assert.InDelta(t, 1.0, e.DupContainment, 1e-9)
	assert.InDelta(t, e.DupJaccard, e.DupEstimate, 0.3)
}
