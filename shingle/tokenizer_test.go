package shingle

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustNew(t testing.TB, cfg Config) *Shingler {
	t.Helper()
	s, err := New(cfg)
	require.NoError(t, err)
	return s
}

func normalize(s *Shingler, text string) string { return string(s.Normalize(nil, text)) }

func TestNormalize(t *testing.T) {
	plain := mustNew(t, Config{})
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only punctuation", " ,.;!? -- … ", ""},
		{"case and punctuation", "Hello, World!", "hello world"},
		{"whitespace collapsed", "  multiple   spaces\t\n\r\nhere  ", "multiple spaces here"},
		{"hyphen splits", "well-known long–term", "well known long term"},
		{"thousands comma dropped", "1,000 people and 1,000,000.25 euros", "1000 people and 1000000.25 euros"},
		{"decimal point kept", "growth of 3.5% in 2023", "growth of 3.5 in 2023"},
		{"version number", "v1.2.3 and 1.2.", "v1.2.3 and 1.2"},
		{"sentence point", "end.Next U.S. 5.a", "end next u s 5 a"},
		{"comma between words", "a,b 1,a a,1", "a b 1 a a 1"},
		{"apostrophe inside word", "don't rock 'n' roll 'quoted' o''k", "don't rock n roll quoted o k"},
		{"curly apostrophe", "Russia’s president’s ’tis", "russia's president's tis"},
		{"entities", "AT&amp;T caf&eacute; don&#39;t don&rsquo;t a&nbsp;b &#x41;&#66;", "at t café don't don't a b ab"},
		{"unknown entity", "x&foo;y &bogus", "x y bogus"},
		{"double escaped", "&amp;quot;hi&amp;quot; &amp;amp;", "hi"},
		{"cp1252 reference", "it&#146;s", "it's"},
		{"tags", "line<br>break</p><p class=\"x\">next <b>bold</b>", "line break next bold"},
		{"escaped tags", "a &lt;br&gt; b", "a b"},
		{"not a tag", "a < b > c, x<3", "a b c x 3"},
		{"comment", "<!-- hidden -->text<!DOCTYPE html>", "text"},
		{"nfkc compatibility", "ﬁnance ＡＢＣ x² ①", "finance abc x2 1"},
		{"nfkc fraction", "½", "1 2"},
		{"full case folding", "Straße STRASSE", "strasse strasse"},
		{"canonical composition", "Cafe\u0301", "café"},
		{"soft hyphen ignored", "infor\u00ADmation", "information"},
		{"zero width space splits", "a\u200Bb", "a b"},
		{"bidi marks ignored", "\u200Fسلام\u200F", "سلام"},
		{"persian zwnj kept", "می\u200Cخواهم", "می\u200Cخواهم"},
		{"zwnj at edges dropped", "\u200Cword\u200C", "word"},
		{"arabic tatweel dropped", "كـتاب", "كتاب"},
		{"greek", "Ο ΟΔΥΣΣΕΑΣ", "ο οδυσσεασ"},
		{"russian", "Президент России, Ёлка", "президент россии ёлка"},
		{"cjk one rune per token", "日本語のテキスト。", "日 本 語 の テ キ ス ト"},
		{"halfwidth katakana", "ｶﾞ", "ガ"},
		{"hangul is a word", "한국어 텍스트", "한국어 텍스트"},
		{"invalid utf8 separates", "a\xffb\xc3", "a b"},
		{"digraph titlecase", "ǅemal", "džemal"},
		{"orphan mark dropped", "\u0301abc", "abc"},
		{"emoji separates", "go🚀now", "go now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := normalize(plain, tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, normalize(plain, got), "idempotent")
		})
	}
}

func TestNormalizeFoldDiacritics(t *testing.T) {
	s := mustNew(t, Config{FoldDiacritics: true})
	tests := []struct{ in, want string }{
		{"Café naïve São Paulo Ærø", "cafe naive sao paulo ærø"}, // ø has no decomposition,
		{"Ёлка йогурт", "елка иогурт"},
		{"Ελλάδα", "ελλαδα"},
		{"Cafe\u0301 e\u00AD\u0301", "cafe e"},
		{"كَتَبَ", "كتب"},
	}
	for _, tt := range tests {
		got := normalize(s, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.Equal(t, got, normalize(s, got), "idempotent")
	}
}

func TestTokenizerCapStart(t *testing.T) {
	var tok UnicodeTokenizer
	text := "The cat met Bob. then ALICE!\nÉcole a\nb 日本? Да.Нет <p>Tag"
	got := tok.Tokenize(nil, []byte(text))
	type tc struct {
		term       string
		cap, start bool
	}
	want := []tc{
		{"the", true, true}, {"cat", false, false}, {"met", false, false}, {"bob", true, false},
		{"then", false, true}, {"alice", true, false},
		{"école", true, true}, {"a", false, false},
		{"b", false, true}, {"日", false, false}, {"本", false, false},
		{"да", true, true}, {"нет", true, true},
		{"tag", true, true},
	}
	require.Len(t, got, len(want))
	for i, w := range want {
		assert.Equal(t, w, tc{string(got[i].Term), got[i].Cap, got[i].Start}, "token %d", i)
	}
}

func TestTokenizerAppendsAndReuses(t *testing.T) {
	var tok UnicodeTokenizer
	dst := []Token{{Term: []byte("keep")}}
	dst = tok.Tokenize(dst, []byte("One two"))
	require.Len(t, dst, 3)
	assert.Equal(t, "keep", string(dst[0].Term))
	assert.Equal(t, "two", string(dst[2].Term))
	// Terms have no spare capacity, so appending to one cannot clobber
	// the next.
	assert.Equal(t, len(dst[1].Term), cap(dst[1].Term))
	text := []byte("Input Is Not Modified &amp; <b>")
	orig := string(text)
	tok.Tokenize(nil, text)
	assert.Equal(t, orig, string(text))
}

// Articles in scripts without stemmers must still give tokens.
var multilingual = map[string]string{
	"russian": "Министр иностранных дел России Сергей Лавров заявил в четверг, что Москва готова " +
		"продолжить переговоры с Тегераном по ядерной программе. «Мы рассчитываем на конструктивный " +
		"диалог», — сказал он журналистам.",
	"persian": "وزیر امور خارجه ایران روز پنجشنبه گفت که تهران می‌خواهد همکاری‌های اقتصادی خود را " +
		"با مسکو گسترش دهد. او افزود: «این همکاری‌ها به نفع هر دو کشور است».",
	"arabic": "قال وزير الخارجية الإيراني يوم الخميس إن طهران ترغب في توسيع تعاونها الاقتصادي مع " +
		"موسكو، مضيفاً أن هذا التعاون يخدم مصالح البلدين.",
	"greek": "Ο υπουργός Εξωτερικών της Ελλάδας δήλωσε την Πέμπτη ότι η Αθήνα είναι έτοιμη να " +
		"συνεχίσει τις συνομιλίες. «Περιμένουμε εποικοδομητικό διάλογο», είπε.",
	"chinese":  "伊朗外交部长周四表示，德黑兰希望扩大与莫斯科的经济合作。他说：“这种合作符合两国的利益。”",
	"japanese": "イランの外相は木曜日、テヘランはモスクワとの経済協力を拡大したいと述べた。",
	"hindi":    "ईरान के विदेश मंत्री ने गुरुवार को कहा कि तेहरान मास्को के साथ आर्थिक सहयोग बढ़ाना चाहता है।",
	"french":   "Le ministre iranien des Affaires étrangères a déclaré jeudi que Téhéran souhaitait élargir sa coopération économique avec Moscou.",
	"spanish":  "El ministro iraní de Asuntos Exteriores dijo el jueves que Teherán quiere ampliar su cooperación económica con Moscú.",
	"swedish":  "Irans utrikesminister sade på torsdagen att Teheran vill utöka det ekonomiska samarbetet med Moskva.",
	"norwegian": "Irans utenriksminister sa torsdag at Teheran ønsker å utvide det økonomiske samarbeidet med " +
		"Moskva.",
	"hungarian": "Irán külügyminisztere csütörtökön azt mondta, hogy Teherán bővíteni kívánja gazdasági " +
		"együttműködését Moszkvával.",
}

func TestMultilingualNonEmpty(t *testing.T) {
	cfgs := []Config{{}, {Lang: "en"}, {FoldDiacritics: true}, {Lang: "ru"}, {Lang: "hu", FoldDiacritics: true}}
	for name, text := range multilingual {
		for _, cfg := range cfgs {
			s := mustNew(t, cfg)
			toks := s.Tokens(nil, text)
			assert.GreaterOrEqualf(t, len(toks), 8, "%s %+v: %q", name, cfg, toks)
			for _, tk := range toks {
				assert.NotEmpty(t, tk)
				assert.True(t, utf8.ValidString(tk))
			}
			assert.NotEmpty(t, s.Shingles(nil, text), name)
			assert.NotEmpty(t, s.CharShingles(nil, text), name)
			norm := normalize(s, text)
			assert.Equal(t, norm, normalize(s, norm), "%s: idempotent", name)
		}
	}
	plain := mustNew(t, Config{})
	assert.Contains(t, plain.Tokens(nil, multilingual["persian"]), "می\u200cخواهد")
	assert.Contains(t, plain.Tokens(nil, multilingual["russian"]), "лавров")
	ru := mustNew(t, Config{Lang: "ru"})
	toks := ru.Tokens(nil, multilingual["russian"])
	assert.Contains(t, toks, "министр")
	assert.Contains(t, toks, "переговор") // переговоры, stemmed
	assert.NotContains(t, toks, "что")    // stopword
}

// TestNormalizeIdempotentAllRunes checks idempotency for every BMP rune in a
// few contexts (start, middle, after a combining mark, doubled, between
// digits), with and without diacritic folding.
func TestNormalizeIdempotentAllRunes(t *testing.T) {
	step := rune(1)
	if raceEnabled {
		step = 11 // the race detector makes the full sweep slow and adds nothing here
	}
	for _, fold := range []bool{false, true} {
		s := mustNew(t, Config{FoldDiacritics: fold})
		var b strings.Builder
		check := func(text string) {
			got := normalize(s, text)
			if !utf8.ValidString(got) {
				t.Fatalf("fold=%v: invalid UTF-8 from %q: %q", fold, text, got)
			}
			if again := normalize(s, got); again != got {
				t.Fatalf("fold=%v: not idempotent for %q: %q -> %q", fold, text, got, again)
			}
		}
		for r := rune(0); r < 0x10000; r += step {
			if r >= 0xD800 && r <= 0xDFFF {
				continue
			}
			c := string(r)
			b.Reset()
			for _, ctx := range []string{c, "A" + c + "b", "e\u0301" + c, c + c + "\u0301", "1" + c + "2", "x" + c + "'y"} {
				b.WriteString(ctx)
				check(ctx)
			}
			check(b.String())
		}
		for r := rune(0x10000); r < 0x30000; r += 7 {
			check("Ab" + string(r) + "c\u0301" + string(r))
		}
	}
}

// TestASCIIWordTable checks the fast table of asciiChunk against the
// character classes.
func TestASCIIWordTable(t *testing.T) {
	for c := range 256 {
		word := c < utf8.RuneSelf && (asciiClass[c] == cLetter || asciiClass[c] == cDigit)
		assert.Equal(t, word, asciiWord[c] != 0, "byte %#x", c)
		if word {
			assert.Equal(t, strings.ToLower(string(rune(c))), string(rune(asciiWord[c])), "byte %#x", c)
		}
	}
}

// TestPunct3Classes checks what punct3 assumes of the runes it passes over:
// NFKC leaves them alone, none combines with what precedes it, and each is
// a separator, or (’) an apostrophe, which joins only between word
// characters.
func TestPunct3Classes(t *testing.T) {
	tb := tables()
	for _, r := range []rune{0x2018, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014} {
		b := []byte(string(r))
		require.True(t, punct3(b, 0), "%U", r)
		require.NotZero(t, tb.nfkcOK[r>>6]&(1<<(r&63)), "%U changes under NFKC or combines", r)
		want := cSep
		if r == 0x2019 {
			want = cApos
		}
		require.Equal(t, want, tb.class[r], "%U", r)
	}
	for _, r := range []rune{0x2026, 0x2011, 0x2015, 0x201A, 0x00E9} {
		require.False(t, punct3([]byte(string(r)+"x"), 0), "%U", r)
	}
}
