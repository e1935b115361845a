package storyclust

import (
	"slices"
	"strings"
	"unsafe"

	"github.com/storyclust/storyclust/shingle"
)

// Online page furniture removal.
//
// The batch pipeline drops a line repeated in MinRepeat articles of the
// batch (per source). The Index has no batch: it keeps, per source, the
// number of indexed articles that contain each line (a 64-bit hash of the
// source and the normalized line), and drops a line of a new article when
// that count plus the article itself reaches MinRepeat. The pattern rules
// (teasers, furniture phrases, cookie notices) apply per line as in the
// batch, and so does the guard that repetition never removes more than half
// of an article's words. Counts go down when articles leave the index.
//
// The difference from the batch: the first MinRepeat-1 articles of a
// source keep a footer that later articles lose, because nothing told them
// it would repeat.

// streamLines is an article's text split into the lines that pass the
// pattern rules.
type streamLines struct {
	lines []string
	words []int    // words per line
	hash  []uint64 // (source, line) hash per line
	uniq  []uint64 // sorted unique hashes: what the index counts
}

func splitLines(a *Article, seed uint64) streamLines {
	var sl streamLines
	src := strings.ToLower(strings.TrimSpace(a.Source))
	hs := shingle.HashString(seed^0x6c696e6573, src)
	var buf []byte
	for _, raw := range strings.Split(a.Text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		var words int
		buf, words = lineKeyWords(buf, line)
		key := unsafe.String(unsafe.SliceData(buf), len(buf)) // not kept
		if isFurniture(line, key) {
			continue
		}
		sl.lines = append(sl.lines, line)
		sl.words = append(sl.words, words)
		sl.hash = append(sl.hash, mix64(hs*0x9e3779b185ebca87+shingle.Hash(seed, buf)))
	}
	sl.uniq = slices.Clone(sl.hash)
	slices.Sort(sl.uniq)
	sl.uniq = slices.Compact(sl.uniq)
	return sl
}

// repeated returns which lines count as repeated, given the number of other
// indexed articles that contain each line. It returns nil when no line is
// dropped (none repeats, or the repeats are most of the article).
func (sl *streamLines) repeated(count func(uint64) int32, minRepeat int) []bool {
	var rep []bool
	total, repeated := 0, 0
	for i, h := range sl.hash {
		total += sl.words[i]
		if int(count(h))+1 >= minRepeat {
			if rep == nil {
				rep = make([]bool, len(sl.hash))
			}
			rep[i] = true
			repeated += sl.words[i]
		}
	}
	if 2*repeated > total {
		return nil
	}
	return rep
}

// text joins the lines that are kept.
func (sl *streamLines) text(rep []bool) string {
	var sb strings.Builder
	for i, l := range sl.lines {
		if rep != nil && rep[i] {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(l)
	}
	return sb.String()
}
