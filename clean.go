package storyclust

import (
	"strings"
	"unicode"
	"unicode/utf8"
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
	dst = dst[:0]
	space := false
	for _, r := range line {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			space = false
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		} else {
			space = true
		}
	}
	return dst
}

func isTeaser(line string) bool {
	return strings.HasSuffix(line, "…") || strings.HasSuffix(line, "...") || strings.HasSuffix(line, ". . .")
}

func isCookieNotice(key string) bool {
	if !strings.Contains(key, "cookie") {
		return false
	}
	for _, c := range cookieCompanions {
		if strings.Contains(key, c) {
			return true
		}
	}
	return false
}

// isFurniture reports whether one line is furniture by its content alone.
func isFurniture(line, key string) bool {
	if key == "" {
		return true
	}
	return isTeaser(line) || furniturePhrases[key] || isCookieNotice(key)
}

type cleanLine struct {
	text string
	key  string
	drop bool
}

// cleanBatch removes page furniture from every article's text and returns
// the cleaned texts, index-aligned with arts.
func cleanBatch(arts []Article, minRepeat int) []string {
	lines := make([][]cleanLine, len(arts))
	counts := map[string]int{}
	var (
		buf  []byte
		keys []string
	)
	for i := range arts {
		lines[i], buf = splitCleanLines(arts[i].Text, buf)
		keys = repeatKeys(keys[:0], &arts[i], lines[i])
		for _, k := range keys {
			counts[k]++
		}
	}
	out := make([]string, len(arts))
	for i := range arts {
		out[i] = cleanText(&arts[i], lines[i], func(k string) int { return counts[k] }, minRepeat)
	}
	return out
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
