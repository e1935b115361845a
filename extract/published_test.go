package extract

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/storyclust/storyclust"
)

// datedPage returns a small news page with head (metadata) and body
// markup added.
func datedPage(head, body string) string {
	return `<!DOCTYPE html><html lang="en"><head><title>Floods force 3,000 from homes</title>` + head + `</head>
<body><article><h1>Floods force 3,000 from homes</h1>` + body + `
<p>Heavy rain pushed the Guaiba river above its banks in Porto Alegre on Monday, forcing some 3,000 residents to leave their homes, the civil defence agency said.</p>
<p>Governor Eduardo Leite opened shelters in schools and asked people living near the river to leave while roads were still open.</p>
</article></body></html>`
}

func ldJSON(s string) string { return `<script type="application/ld+json">` + s + `</script>` }

// TestFillPublished fills small pages whose dates go-htmldate (v1.9)
// settles differently from run to run, or not on the declared publication
// time, and requires the declared time on every one of 20 runs.
func TestFillPublished(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return tm
	}
	tests := []struct {
		name, head, body string
		want             time.Time
	}{
		{"JSON-LD object: datePublished beats dateCreated of the same day",
			ldJSON(`{"@context":"https://schema.org","@type":"NewsArticle","dateCreated":"2022-05-03T20:22:28.368Z",
				"dateModified":"2022-05-03T20:51:07.518Z","datePublished":"2022-05-03T20:51:06.620Z"}`), "",
			utc("2022-05-03T20:51:06Z")},
		{"JSON-LD array",
			ldJSON(`[{"@type":"BreadcrumbList","itemListElement":[]},
				{"@type":"NewsArticle","dateCreated":"2024-05-06T08:00:00+02:00","datePublished":"2024-05-06T09:30:00+02:00"}]`), "",
			utc("2024-05-06T07:30:00Z")},
		{"JSON-LD @graph, space before the time, no zone",
			ldJSON(`{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Example Times"},
				{"@type":"NewsArticle","dateCreated":"2024-05-06 08:00:00","datePublished":"2024-05-06 09:30:00"}]}`), "",
			utc("2024-05-06T09:30:00Z")},
		{"malformed JSON-LD is ignored",
			ldJSON(`{"@type":"NewsArticle","datePublished":"2024-05-06T07:00:00Z",}`) +
				ldJSON(`{"@type":"NewsArticle","dateCreated":"2024-05-06T08:00:00Z","datePublished":"2024-05-06T10:00:00Z"}`), "",
			utc("2024-05-06T10:00:00Z")},
		{"date alone beats another time of the day",
			ldJSON(`{"@type":"NewsArticle","dateCreated":"2024-05-06T08:00:00Z","datePublished":"2024-05-06"}`), "",
			utc("2024-05-06T00:00:00Z")},
		{"meta only: article:published_time beats an earlier meta date",
			`<meta name="date" content="2024-05-06T07:00:00Z">
			<meta property="article:published_time" content="2024-05-06T09:30:00-04:00">`, "",
			utc("2024-05-06T13:30:00Z")},
		{"itemprop datePublished beats JSON-LD dateCreated",
			ldJSON(`{"@type":"NewsArticle","dateCreated":"2024-05-06T06:00:00Z"}`),
			`<p>Published <time itemprop="datePublished" datetime="2024-05-06T09:30:00Z">May 6, 2024</time></p>`,
			utc("2024-05-06T09:30:00Z")},
		{"conflicting days: the extractor's date stays",
			ldJSON(`{"@type":"NewsArticle","datePublished":"2024-05-05T23:00:00Z"}`) +
				`<meta name="date" content="2024-05-06T07:00:00Z">`, "",
			utc("2024-05-06T07:00:00Z")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := datedPage(tt.head, tt.body)
			for run := range 20 {
				a, err := Fill(storyclust.Article{ID: "p"}, strings.NewReader(page))
				require.NoError(t, err)
				require.True(t, tt.want.Equal(a.Published), "run %d: published %v, want %v", run, a.Published, tt.want)
			}
		})
	}
}

func TestParseDeclared(t *testing.T) {
	east := time.FixedZone("", 2*3600)
	for _, tt := range []struct {
		in      string
		want    time.Time // zero: does not parse
		hasTime bool
	}{
		{"2024-05-06T09:30:00Z", time.Date(2024, 5, 6, 9, 30, 0, 0, time.UTC), true},
		{"2024-05-06T09:30:00.620Z", time.Date(2024, 5, 6, 9, 30, 0, 0, time.UTC), true},
		{" 2024-05-06T09:30:00+02:00 ", time.Date(2024, 5, 6, 9, 30, 0, 0, east), true},
		{"2024-05-06T09:30:00+0200", time.Date(2024, 5, 6, 9, 30, 0, 0, east), true},
		{"2024-05-06T09:30:00+02", time.Date(2024, 5, 6, 9, 30, 0, 0, east), true},
		{"2024-05-06T09:30+02:00", time.Date(2024, 5, 6, 9, 30, 0, 0, east), true},
		{"2024-05-06T09:30", time.Date(2024, 5, 6, 9, 30, 0, 0, time.UTC), true},
		{"2024-05-06 09:30:15", time.Date(2024, 5, 6, 9, 30, 15, 0, time.UTC), true},
		{"2024-05-06", time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), false},
		{"", time.Time{}, false},
		{"May 6, 2024", time.Time{}, false},
		{"2024-13-45T99:99", time.Time{}, false},
		{"2024-05-06T09:30:00 PDT", time.Time{}, false},
	} {
		d, ok := parseDeclared(tt.in)
		assert.Equal(t, !tt.want.IsZero(), ok, "%q", tt.in)
		assert.True(t, tt.want.Equal(d.t), "%q: got %v, want %v", tt.in, d.t, tt.want)
		if ok {
			_, off := d.t.Zone()
			_, wantOff := tt.want.Zone()
			assert.Equal(t, wantOff, off, "%q: zone offset", tt.in)
			assert.Equal(t, tt.hasTime, d.hasTime, "%q", tt.in)
		}
	}
}

func TestPublishedDate(t *testing.T) {
	west := time.FixedZone("", -5*3600)
	at := func(day, hour int, loc *time.Location) time.Time { return time.Date(2024, 5, day, hour, 0, 0, 0, loc) }
	timed := func(tm time.Time) declaredDate { return declaredDate{t: tm, hasTime: true} }
	for _, tt := range []struct {
		name     string
		found    time.Time
		declared []declaredDate
		want     time.Time
	}{
		{"nothing declared", at(6, 8, time.UTC), nil, at(6, 8, time.UTC)},
		{"nothing at all", time.Time{}, nil, time.Time{}},
		{"nothing found: first declared", time.Time{}, []declaredDate{timed(at(5, 9, time.UTC)), timed(at(6, 9, time.UTC))}, at(5, 9, time.UTC)},
		{"first of the same day", at(6, 8, time.UTC),
			[]declaredDate{timed(at(5, 9, time.UTC)), timed(at(6, 10, time.UTC)), timed(at(6, 11, time.UTC))}, at(6, 10, time.UTC)},
		{"other days only", at(6, 8, time.UTC), []declaredDate{timed(at(5, 9, time.UTC))}, at(6, 8, time.UTC)},
		{"a time beats a date alone", at(6, 8, time.UTC),
			[]declaredDate{{t: at(6, 0, time.UTC)}, timed(at(6, 11, time.UTC))}, at(6, 11, time.UTC)},
		{"a date alone when no time", at(6, 8, time.UTC), []declaredDate{{t: at(6, 0, time.UTC)}}, at(6, 0, time.UTC)},
		// 22:00 on the 6th at UTC-5 is the 7th in UTC: the day is the one
		// written, as go-htmldate reads it.
		{"day in its own zone", at(6, 20, west), []declaredDate{timed(at(6, 22, west))}, at(6, 22, west)},
	} {
		got := publishedDate(tt.found, tt.declared)
		assert.True(t, tt.want.Equal(got), "%s: got %v, want %v", tt.name, got, tt.want)
	}
}

// TestDeclaredDates checks which dates declaredDates reads, and their
// order: JSON-LD, then article:published_time, then itemprop, each in
// document order.
func TestDeclaredDates(t *testing.T) {
	page := datedPage(
		`<meta property="article:published_time" content="2020-01-04T00:00:00Z">`+
			ldJSON(`[{"datePublished":"1990-01-01T00:00:00Z"},{"datePublished":"2999-01-01T00:00:00Z"},
			{"datePublished":"2020-01-01T00:00:00Z","author":{"datePublished":"2020-02-02T00:00:00Z"}},
			{"@graph":[{"@graph":[{"datePublished":"2020-01-02"}]}]}]`)+
			ldJSON(`{"datePublished":"2020-03-03T00:00:00Z"`)+
			`<script type="text/javascript">{"datePublished":"2020-03-04T00:00:00Z"}</script>`+
			`<meta name="article:published_time" content="not a date">`,
		`<span itemprop="datePublished" content="2020-01-05T00:00:00Z">Jan 5</span>`+
			ldJSON(`{"@type":"NewsArticle","datePublished":"2020-01-03T00:00:00Z"}`)+
			`<time itemprop="datePublished" datetime="2020-01-06 00:00">Jan 6</time>`)
	doc, err := html.Parse(strings.NewReader(page))
	require.NoError(t, err)
	var got []string
	for _, d := range declaredDates(doc) {
		got = append(got, d.t.Format("2006-01-02"))
	}
	assert.Equal(t, []string{"2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-05", "2020-01-06"}, got)
}
