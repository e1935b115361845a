package storyclust

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/shingle"
	"github.com/storyclust/storyclust/similarity"
)

// randomSet returns n sorted unique values, each drawn from common with
// probability share, else fresh.
func randomSet(rng *rand.Rand, n int, common []uint64, share float64) []uint64 {
	s := make([]uint64, 0, n)
	for range n {
		if len(common) > 0 && rng.Float64() < share {
			s = append(s, common[rng.IntN(len(common))])
		} else {
			s = append(s, rng.Uint64())
		}
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// countIn returns the set of b's values and how many of a's are in it.
func countIn[T comparable](a, b []T) (map[T]bool, int) {
	in := map[T]bool{}
	for _, x := range b {
		in[x] = true
	}
	n := 0
	for _, x := range a {
		if in[x] {
			n++
		}
	}
	return in, n
}

func TestGallopIntersect(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ na, nb int }{
		{0, 0}, {0, 10}, {10, 0}, {1, 1}, {5, 1000}, {40, 2000}, {1000, 1000}, {2000, 40}, {300, 301},
	} {
		t.Run(fmt.Sprintf("%dx%d", c.na, c.nb), func(t *testing.T) {
			for _, share := range []float64{0, 0.3, 0.9, 1} {
				common := randomSet(rng, max(c.na, c.nb), nil, 0)
				a := randomSet(rng, c.na, common, share)
				b := randomSet(rng, c.nb, common, share)
				_, want := countIn(a, b)
				assert.Equal(t, want, gallopIntersect(a, b), "share %v", share)
				if len(a) > 0 {
					assert.Equal(t, similarity.Containment(a, b), float64(gallopIntersect(a, b))/float64(len(a)))
					// contains compares the top 32 bits, as doc.dup holds them.
					a32, b32 := slices.Compact(narrow(a)), slices.Compact(narrow(b))
					in32, want32 := countIn(a32, b32)
					for _, th := range []float64{0, 0.2, 0.5, 0.8, 1} {
						var sc verifyScratch
						found := sc.contains(a32, b32, th)
						require.Equal(t, float64(want32)/float64(len(a32)) >= th, found, "threshold %v", th)
						if found {
							for i, x := range a32 {
								require.Equal(t, in32[x], sc.hit[i>>6]>>(i&63)&1 == 1)
							}
						}
					}
				}
			}
		})
	}
}

// nearDupArticles returns articles in groups of near-duplicates: each
// group an original of paragraphs drawn from a small vocabulary and copies
// with words replaced at various rates and paragraphs cut, so that some
// candidate pairs pass verification and some fail either test; a few
// pages share a long block of another group.
func nearDupArticles(rng *rand.Rand, groups int) []Article {
	vocab := make([]string, 2500)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%dx", i)
	}
	word := func() string { return vocab[rng.IntN(len(vocab))] }
	var arts []Article
	var blocks []string
	for g := range groups {
		paras := make([][]string, 3+rng.IntN(12))
		for i := range paras {
			paras[i] = make([]string, 8+rng.IntN(50))
			for j := range paras[i] {
				paras[i][j] = word()
			}
		}
		blocks = append(blocks, strings.Join(paras[0], " "))
		copies := 1 + rng.IntN(11)
		for c := range copies {
			rate := []float64{0, 0.03, 0.08, 0.15, 0.3}[rng.IntN(5)]
			keep := len(paras)
			if c > 0 && rng.IntN(3) == 0 {
				keep = max(1, keep-rng.IntN(keep))
			}
			var lines []string
			for _, p := range paras[:keep] {
				ws := slices.Clone(p)
				for j := range ws {
					if c > 0 && rng.Float64() < rate {
						ws[j] = word()
					}
				}
				lines = append(lines, strings.Join(ws, " "))
			}
			if g > 0 && rng.IntN(8) == 0 {
				// A long block shared with another group's page.
				lines = append(lines, strings.Repeat(blocks[rng.IntN(g)]+" ", 3))
			}
			arts = append(arts, Article{ID: fmt.Sprintf("g%03d-c%02d", g, c), Text: strings.Join(lines, "\n")})
		}
	}
	return arts
}

// TestVerifyPairsMatchesAllPairs checks that verifying candidate pairs only
// until their articles are connected yields the groups of verifying every
// candidate pair (the shingle test, then the paragraph test of the shorter
// article), and that verifyScratch's tests, on the top 32 bits of the
// shingle hashes (doc.dup), decide as similarity.Containment and
// paragraphsFound do on the full hashes (doc.full).
func TestVerifyPairsMatchesAllPairs(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			arts := nearDupArticles(rng, 120)
			p, err := New(Config{})
			require.NoError(t, err)
			slices.SortFunc(arts, func(a, b Article) int { return strings.Compare(a.ID, b.ID) })
			texts := cleanBatch(context.Background(), arts, p.cfg.MinRepeat)
			docs := make([]doc, len(arts))
			keys := make([]uint64, len(docs)*p.dupLSH.Bands)
			opt := analyzeOpt{full: true, keys: keys}
			var toks []shingle.HashedToken
			for k := range docs {
				toks = p.analyzeOne(&docs[k], &arts[k], k, texts[k], toks, opt.forDoc(k, p.dupLSH.Bands))
				require.Equal(t, narrow(docs[k].full), docs[k].dup)
			}
			pairs := bandPairs(keys, len(docs), p.dupLSH.Bands)
			th := p.cfg.DupThreshold

			// Every candidate pair, as duplicates verified them before.
			want := newUnionFind(len(docs))
			var passShingles, passBoth int
			var sc verifyScratch
			for _, pr := range pairs {
				short, long := pr.A, pr.B
				if len(docs[short].dup) > len(docs[long].dup) {
					short, long = long, short
				}
				c := similarity.Containment(docs[short].full, docs[long].full)
				if len(docs[short].dup) > 0 {
					require.Equal(t, c >= th, sc.contains(docs[short].dup, docs[long].dup, th), "pair %v", pr)
				}
				if c < th {
					continue
				}
				passShingles++
				paras := p.paragraphsOf(docs[short].art, len(docs[short].dup), &paraScratch{})
				found := paragraphsFound(paras, docs[long].full, th)
				sc.analyze(p, docs[short].art, docs[short].dup)
				require.Equal(t, found, sc.paragraphsFound(docs[long].dup, th), "pair %v", pr)
				if found >= th {
					passBoth++
					want.union(short, long)
				}
			}
			// The test must exercise both tests' failures and the
			// transitive skips.
			require.Greater(t, len(pairs), passShingles)
			require.Greater(t, passShingles, passBoth)
			groups := 0
			for k := range docs {
				if want.find(k) == k {
					groups++
				}
			}
			require.Greater(t, passBoth, len(docs)-groups, "no pair was redundant")

			got := newUnionFind(len(docs))
			p.verifyPairs(docs, pairs, got)
			for k := range docs {
				assert.Equal(t, want.find(k), got.find(k), "doc %s", docs[k].art.ID)
			}
		})
	}
}

// BenchmarkContains times the containment test of verification on two
// copies of one article of 600 shingles, each with a quarter of them
// changed (about what 5% of the words edited does to word 5-grams), so
// that the test runs to the end and passes.
func BenchmarkContains(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	edit := func(s []uint64) []uint64 {
		out := slices.Clone(s)
		for i := range out {
			if rng.IntN(4) == 0 {
				out[i] = rng.Uint64()
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	// Many pairs, so that branch predictors cannot learn one.
	var shorts, longs [][]uint32
	size := 0
	for range 512 {
		orig := randomSet(rng, 650, nil, 0)
		shorts, longs = append(shorts, narrow(edit(orig[:600]))), append(longs, narrow(edit(orig)))
		size += 4 * (len(shorts[len(shorts)-1]) + len(longs[len(longs)-1]))
	}
	var sc verifyScratch
	for i := range shorts {
		if !sc.contains(shorts[i], longs[i], 0.5) {
			b.Fatal("the copies do not pass")
		}
	}
	b.SetBytes(int64(size / len(shorts)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sc.contains(shorts[i], longs[i], 0.5)
		i = (i + 1) % len(shorts)
	}
}

// BenchmarkParagraphs times verification's analysis of the shorter article
// of a pair (verifyScratch.analyze: its paragraphs' shingle sets, found in
// its own), which runs once for every article whose pairs are verified.
func BenchmarkParagraphs(b *testing.B) {
	arts, bytes := benchArticles(b, 1000)
	s := newBenchState(b, arts)
	s.analyzeAll(false)
	b.SetBytes(bytes / int64(len(arts)))
	b.ReportAllocs()
	var sc verifyScratch
	k := 0
	for b.Loop() {
		sc.analyze(s.p, s.docs[k].art, s.docs[k].dup)
		k = (k + 1) % len(s.docs)
	}
}

// TestParagraphsFoundScratch checks verifyScratch's paragraph test (a hash
// table of the short article's shingles) against paragraphsFound on the full
// hashes, for paragraphs that repeat a shingle, paragraphs whose shingles the
// short article's set lacks (as for lines dropped as repeated in the batch),
// a repeated paragraph, and furniture.
func TestParagraphsFoundScratch(t *testing.T) {
	p, err := New(Config{})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(8, 9))
	sentence := func(n int) string {
		ws := make([]string, n)
		for i := range ws {
			ws[i] = fmt.Sprintf("w%dx", rng.IntN(300))
		}
		return strings.Join(ws, " ")
	}
	for trial := range 40 {
		var lines []string
		for range 2 + rng.IntN(8) {
			switch rng.IntN(5) {
			case 0: // a shingle repeated inside the paragraph
				s := sentence(12)
				lines = append(lines, s+" "+s+" "+sentence(5))
			case 1: // a paragraph twice
				s := sentence(20)
				lines = append(lines, s, s)
			case 2:
				lines = append(lines, "Read more")
			default:
				lines = append(lines, sentence(10+rng.IntN(40)))
			}
		}
		a := &Article{ID: "a", Text: strings.Join(lines, "\n")}
		paras := p.paragraphsOf(a, 0, &paraScratch{})
		var all []uint64
		for _, ps := range paras {
			all = append(all, ps...)
		}
		all = shingle.SortUnique(all)
		// short lacks a random part of the shingles, or whole paragraphs.
		subset := func(keep float64) []uint64 {
			var out []uint64
			for _, x := range all {
				if rng.Float64() < keep {
					out = append(out, x)
				}
			}
			return out
		}
		short := subset([]float64{1, 0.9, 0.6}[trial%3])
		if trial%4 == 0 && len(paras) > 1 {
			drop := paras[rng.IntN(len(paras))]
			short = slices.DeleteFunc(short, func(x uint64) bool {
				_, in := slices.BinarySearch(drop, x)
				return in
			})
		}
		var sc verifyScratch
		sc.analyze(p, a, narrow(short))
		for _, keep := range []float64{0.2, 0.5, 0.8, 1} {
			long := subset(keep)
			sc.contains(narrow(short), narrow(long), 0) // marks every hit
			for _, th := range []float64{0.3, 0.5, 0.8} {
				require.Equal(t, paragraphsFound(paras, long, th), sc.paragraphsFound(narrow(long), th),
					"trial %d keep %v threshold %v", trial, keep, th)
			}
		}
	}
}
