package storyclust

import (
	"context"
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/storyclust/storyclust/internal/alnum"
	"github.com/storyclust/storyclust/shingle"
)

// Page furniture removal.
//
// Scraped text carries the page around the article: cookie banners, teaser
// lists, "Latest news" headings, comment boxes. Left in, they make unrelated
// articles of one site look alike. clean drops, line by line:
//
//   - lines that end in an ellipsis (teasers of other articles: "…" or "...");
//   - lines that are a known furniture phrase ("Your comment", "Related
//     posts", "Latest news", "Tags:", "Read more", …), compared after case
//     folding with trailing punctuation removed;
//   - cookie and consent notices (a line that mentions cookies together with
//     consent, settings, privacy, accepting or browsing, in English, Italian,
//     French, Spanish or German);
//   - lines repeated verbatim (after normalization) in at least MinRepeat
//     articles of the batch: counted per source when the articles name one,
//     else across the whole batch. Because syndicated copies of one story
//     also share their lines, repetition never removes more than half of an
//     article's words: past that, the article keeps its repeated lines.

// furniturePhrases are whole-line page furniture, normalized (lower case,
// single spaces, no trailing punctuation).
var furniturePhrases = map[string]bool{}

func init() {
	for _, s := range []string{
		"your comment", "your comments", "leave a comment", "leave a reply", "add comment", "comments",
		"post a comment", "write a comment", "comment", "0 comments", "no comments",
		"related posts", "related articles", "related stories", "related news", "related", "related content",
		"latest news", "latest", "latest stories", "latest articles", "more news", "more stories", "top stories",
		"most read", "most popular", "popular", "trending", "recommended", "recommended for you", "you may also like",
		"you might also like", "read more", "read also", "see also", "also read", "more", "continue reading",
		"tags", "share", "share this", "share this article", "share on facebook", "share on twitter", "tweet",
		"print", "email", "e-mail", "advertisement", "sponsored", "sponsored content", "subscribe",
		"subscribe now", "sign up", "newsletter", "follow us", "back to top", "home", "menu", "search",
		"loading", "close", "skip to content", "accept", "ok",
	} {
		furniturePhrases[s] = true
		maxPhraseLen = max(maxPhraseLen, len(s))
	}
}

var cookieCompanions = []string{
	"consent", "consenso", "consentement", "consentimiento", "zustimmung", "einwilligung",
	"accept", "accett", "akzept", "acept",
	"settings", "impostazioni", "paramètres", "einstellungen", "configuración",
	"privacy", "datenschutz", "confidentialité", "privacidad",
	"browsing", "navigazione", "navigation", "navegación",
	"this site", "this website", "questo sito", "ce site", "este sitio",
}

// lineKey normalizes a line for comparison: lower case, runs of spaces and
// punctuation collapsed to one space, trimmed.
func lineKey(dst []byte, line string) []byte {
	dst, _ = lineKeyWords(dst, line)
	return dst
}

// lineKeyWords is lineKey that also returns the number of words of the key
// (len(strings.Fields(key))). Runs of ASCII letters and digits take a fast
// path (alnum.LowerRun, which gives the same result as unicode.IsLetter,
// IsDigit and ToLower).
func lineKeyWords(dst []byte, line string) ([]byte, int) {
	buf := slices.Grow(dst[:0], len(line)+utf8.UTFMax+1)
	buf = buf[:cap(buf)]
	n, words := 0, 0
	space := false
	for i := 0; i < len(line); {
		c := line[i]
		if c < utf8.RuneSelf {
			if alnum.Lower[c] == 0 {
				space = true
				i++
				continue
			}
			// LowerRun may write up to len(line)-i bytes.
			if n+1+len(line)-i > len(buf) {
				buf = slices.Grow(buf[:n], len(line)-i+utf8.UTFMax+2)
				buf = buf[:cap(buf)]
			}
			if space && n > 0 {
				buf[n] = ' '
				n++
				words++
			}
			space = false
			r := alnum.LowerRun(buf[n:], unsafe.Slice(unsafe.StringData(line[i:]), len(line)-i))
			n += r
			i += r
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			space = true
			continue
		}
		if n+utf8.UTFMax+1 > len(buf) {
			buf = slices.Grow(buf[:n], len(line)-i+2*utf8.UTFMax+2)
			buf = buf[:cap(buf)]
		}
		if space && n > 0 {
			buf[n] = ' '
			n++
			words++
		}
		space = false
		n += utf8.EncodeRune(buf[n:], unicode.ToLower(r))
	}
	if n > 0 {
		words++
	}
	return buf[:n], words
}

func isTeaser(line string) bool {
	return strings.HasSuffix(line, "…") || strings.HasSuffix(line, "...") || strings.HasSuffix(line, ". . .")
}

func isCookieNotice(key string) bool {
	if !containsCookie(key) {
		return false
	}
	for _, c := range cookieCompanions {
		if strings.Contains(key, c) {
			return true
		}
	}
	return false
}

// containsCookie is strings.Contains(key, "cookie"), searching for the
// rarer 'k' (most lines are not cookie notices, and 'c' is frequent).
func containsCookie(key string) bool {
	for i := 3; i+3 <= len(key); {
		j := strings.IndexByte(key[i:], 'k')
		if j < 0 {
			return false
		}
		i += j
		if i+3 <= len(key) && key[i-3:i+3] == "cookie" {
			return true
		}
		i++
	}
	return false
}

// isFurniture reports whether one line is furniture by its content alone.
func isFurniture(line, key string) bool {
	if key == "" {
		return true
	}
	return isTeaser(line) || (len(key) <= maxPhraseLen && furniturePhrases[key]) || isCookieNotice(key)
}

// maxPhraseLen is the length of the longest furniture phrase (set by init).
var maxPhraseLen int

type cleanLine struct {
	text string
	key  string
	drop bool
}

// cleanBatch removes page furniture from every article's text and returns
// the cleaned texts, index-aligned with arts, as splitBatch and
// hashedLines.clean make them.
func cleanBatch(ctx context.Context, arts []Article, minRepeat int) []string {
	lines, set := splitBatch(ctx, arts, minRepeat)
	out := make([]string, len(arts))
	dedupParallel(len(arts), func() func(i int) {
		return func(i int) {
			out[i] = lines[i].clean(arts[i].Text, set)
		}
	})
	return out
}

// splitBatch splits every article's text into lines and returns them with
// the lines repeated in at least minRepeat articles (repeatedLines), which
// is what hashedLines.repeated needs. It works on all CPUs and counts lines
// by a 64-bit hash of (source, key) rather than by the key string (as the
// Index does, see stream_clean.go); FurnitureKeys and CleanText, the
// string-keyed form, give the same result unless two keys collide in 64
// bits. The result does not depend on GOMAXPROCS. Lines a Prefetcher split
// (see prefetchedFor) are taken from ctx.
func splitBatch(ctx context.Context, arts []Article, minRepeat int) ([]hashedLines, *hashCounts) {
	lines := make([]hashedLines, len(arts))
	dedupParallel(len(arts), func() func(i int) {
		var sc splitScratch
		return func(i int) {
			if pre := prefetchedFor(ctx, &arts[i]); pre != nil {
				lines[i] = pre.hl
				return
			}
			lines[i].split(&arts[i], &sc)
		}
	})
	releasePrefetched(ctx)
	return lines, repeatedLines(lines, minRepeat)
}

// hashedLines is an article's text split into non-empty trimmed lines (as
// textLines yields them), for cleanBatch and analyzeLines: each line's word
// count and hash, not its text, which textLines gives again from the
// article's text. Every article is split before any is analyzed, so this
// is held for all at once: 8 bytes a line and 8 for each distinct hash, where
// a line that kept its string and hash took 32 and 8.
type hashedLines struct {
	lines []hashedLine
	uniq  []uint64 // sorted unique hashes of the lines that are not furniture
}

type hashedLine struct {
	u     int32 // the line's hash, of (source, key), is uniq[u]; -1 for furniture
	words int32 // words of the key
}

// splitScratch is scratch space for split, reused from one call to the next.
type splitScratch struct {
	key    []byte
	hashes []uint64 // each line's hash
}

// textLines yields the non-empty lines of text, trimmed.
func textLines(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for raw := range strings.Lines(text) {
			if line := strings.TrimSpace(raw); line != "" && !yield(line) {
				return
			}
		}
	}
}

// split fills hl from a's text.
func (hl *hashedLines) split(a *Article, sc *splitScratch) {
	src := shingle.HashString(0x6c696e6573, strings.ToLower(strings.TrimSpace(a.Source)))
	n := strings.Count(a.Text, "\n") + 1
	hl.lines = make([]hashedLine, 0, n)
	hs := sc.hashes[:0]
	for line := range textLines(a.Text) {
		var words int
		sc.key, words = lineKeyWords(sc.key, line)
		key := unsafe.String(unsafe.SliceData(sc.key), len(sc.key)) // not kept
		l := hashedLine{u: -1, words: int32(words)}
		var h uint64
		if !isFurniture(line, key) {
			h = mix64(src*0x9e3779b185ebca87 + shingle.Hash(0, sc.key))
			l.u = 0 // found in uniq below
		}
		hl.lines = append(hl.lines, l)
		hs = append(hs, h)
	}
	sc.hashes = hs
	uniq := make([]uint64, 0, len(hs))
	for j, l := range hl.lines {
		if l.u >= 0 {
			uniq = append(uniq, hs[j])
		}
	}
	slices.Sort(uniq)
	hl.uniq = slices.Compact(uniq)
	for j := range hl.lines {
		if l := &hl.lines[j]; l.u >= 0 {
			u, _ := slices.BinarySearch(hl.uniq, hs[j])
			l.u = int32(u)
		}
	}
}

// repeatedLines returns the line hashes that at least minRepeat articles'
// uniq lists hold, as a table where each counts 1. Most lines are in one
// article only, so rather than counting every distinct line in one table
// (a map took 156 MB at 200,000 articles, held through the analysis, and
// its lookups missed the cache), the hashes are grouped by their top bits
// into parts of at most ~16k (in one array of 8 bytes a line, dropped on
// return), and each part is counted in a small table that stays in the
// cache. The parts are counted on all CPUs.
func repeatedLines(lines []hashedLines, minRepeat int) *hashCounts {
	total := 0
	for i := range lines {
		total += len(lines[i].uniq)
	}
	pbits := 0
	for total>>pbits > partLines {
		pbits++
	}
	shift := uint(64 - pbits) // h>>64 is 0 in Go: one part
	next := make([]int, 1<<pbits+1)
	for i := range lines {
		for _, h := range lines[i].uniq {
			next[h>>shift+1]++
		}
	}
	for p := 1; p < len(next); p++ {
		next[p] += next[p-1]
	}
	bounds := slices.Clone(next) // part p is all[bounds[p]:bounds[p+1]]
	all := make([]uint64, total)
	for i := range lines {
		for _, h := range lines[i].uniq {
			all[next[h>>shift]] = h
			next[h>>shift]++
		}
	}
	reps := make([][]uint64, 1<<pbits)
	dedupParallel(len(reps), func() func(p int) {
		var c hashCounts
		return func(p int) {
			part := all[bounds[p]:bounds[p+1]]
			c.reset(len(part))
			for _, h := range part {
				if c.add(h) == int32(minRepeat) {
					reps[p] = append(reps[p], h)
				}
			}
		}
	})
	n := 0
	for _, r := range reps {
		n += len(r)
	}
	set := &hashCounts{}
	set.reset(n)
	for _, r := range reps {
		for _, h := range r {
			set.add(h)
		}
	}
	return set
}

// partLines is the most hashes repeatedLines counts in one table, unless
// they are all in one part: a table of 2·partLines slots of 16 bytes.
const partLines = 1 << 14

// hashCounts counts uniform 64-bit hashes: an open-addressing table sized
// by reset for the distinct hashes it will get, so at most half full, an
// empty slot's count 0. A hash's home slot is its low bits, since all the
// hashes of one part of repeatedLines share their top ones (termIndex, whose
// home slots are the top bits, suits sorted vectors instead).
type hashCounts struct {
	slots []struct {
		h uint64
		n int32
	}
}

// reset empties c, sized for n distinct hashes.
func (c *hashCounts) reset(n int) {
	size := 64
	for size < 2*n {
		size *= 2
	}
	if cap(c.slots) >= size {
		c.slots = c.slots[:size]
		clear(c.slots)
	} else {
		c.slots = make([]struct {
			h uint64
			n int32
		}, size)
	}
}

// slot returns the slot of h, or the empty slot where it would go.
func (c *hashCounts) slot(h uint64) int {
	mask := uint64(len(c.slots) - 1)
	i := h & mask
	for c.slots[i].n != 0 && c.slots[i].h != h {
		i = (i + 1) & mask
	}
	return int(i)
}

// add counts h once more and returns its count. c holds at most the
// distinct hashes reset was sized for.
func (c *hashCounts) add(h uint64) int32 {
	s := &c.slots[c.slot(h)]
	s.h = h
	s.n++
	return s.n
}

// count returns how many times h was added.
func (c *hashCounts) count(h uint64) int32 { return c.slots[c.slot(h)].n }

// clean joins the lines of text (which hl was split from) that are kept,
// as cleanText does.
func (hl *hashedLines) clean(text string, repeated *hashCounts) string {
	return hl.join(text, hl.repeated(repeated))
}

// repeated returns which lines are dropped as repeated (nil if none), by
// the rule of cleanText: lines in at least MinRepeat articles (those
// repeatedLines returned), unless they are most of the article's words.
func (hl *hashedLines) repeated(set *hashCounts) []bool {
	total, repeated := 0, 0
	var rep []bool
	for j, l := range hl.lines {
		if l.u < 0 {
			continue
		}
		total += int(l.words)
		if set.count(hl.uniq[l.u]) != 0 {
			if rep == nil {
				rep = make([]bool, len(hl.lines))
			}
			rep[j] = true
			repeated += int(l.words)
		}
	}
	if 2*repeated > total {
		return nil
	}
	return rep
}

// kept reports whether line j is kept, given the result of repeated.
func (hl *hashedLines) kept(j int, rep []bool) bool {
	return hl.lines[j].u >= 0 && (rep == nil || !rep[j])
}

// keptLines yields the lines of text (which hl was split from) that are
// kept, given the result of repeated.
func (hl *hashedLines) keptLines(text string, rep []bool) iter.Seq[string] {
	return func(yield func(string) bool) {
		j := 0
		for line := range textLines(text) {
			if hl.kept(j, rep) && !yield(line) {
				return
			}
			j++
		}
	}
}

// join joins the kept lines of text (which hl was split from) with line
// breaks.
func (hl *hashedLines) join(text string, rep []bool) string {
	var sb strings.Builder
	sb.Grow(len(text)) // the lines kept are at most the text
	for line := range hl.keptLines(text, rep) {
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(line)
	}
	return sb.String()
}

// splitCleanLines splits a text into its non-empty trimmed lines with their
// keys, the furniture lines marked.
func splitCleanLines(text string, buf []byte) ([]cleanLine, []byte) {
	var lines []cleanLine
	for _, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		buf = lineKey(buf, line)
		key := string(buf)
		lines = append(lines, cleanLine{text: line, key: key, drop: isFurniture(line, key)})
	}
	return lines, buf
}

// repeatKey is the key under which a line of a's source is counted.
func repeatKey(a *Article, key string) string {
	return strings.ToLower(strings.TrimSpace(a.Source)) + "\x00" + key
}

// repeatKeys appends to dst the repeat keys of a's lines that are counted
// toward repetition: each key of a line that is not furniture, once.
func repeatKeys(dst []string, a *Article, lines []cleanLine) []string {
	seen := map[string]bool{}
	for _, l := range lines {
		if !l.drop && !seen[l.key] {
			seen[l.key] = true
			dst = append(dst, repeatKey(a, l.key))
		}
	}
	return dst
}

// cleanText joins the lines of a that are kept, given count, the number of
// articles that contain a line (by repeat key).
func cleanText(a *Article, lines []cleanLine, count func(repeatKey string) int, minRepeat int) string {
	total, repeated := 0, 0
	rep := make([]bool, len(lines))
	for j, l := range lines {
		if l.drop {
			continue
		}
		w := len(strings.Fields(l.key))
		total += w
		if count(repeatKey(a, l.key)) >= minRepeat {
			rep[j] = true
			repeated += w
		}
	}
	keepRepeated := 2*repeated > total
	var sb strings.Builder
	for j, l := range lines {
		if l.drop || (rep[j] && !keepRepeated) {
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(l.text)
	}
	return sb.String()
}
