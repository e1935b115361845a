package extract

import (
	"encoding/json"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Why Fill does not take go-trafilatura's date as it is: go-htmldate
// (v1.9) compares the dates it finds in a page's JSON-LD only to the day,
// and when two of them fall on the same day (datePublished at 20:51 and
// dateCreated at 20:22, say) it keeps whichever it meets first in Go's
// random map order. So the same page could give a different Published from
// run to run, and Published feeds the time decay of the story tier.
// publishedDate settles such a tie on the time the page declares as its
// publication time.

// declaredDate is a publication date a page declares in its markup.
type declaredDate struct {
	t       time.Time
	hasTime bool // false for a date alone ("2024-05-06"), taken as midnight UTC
}

// declaredDates returns the publication dates doc declares, in this
// order, each group in document order:
//
//  1. datePublished of the JSON-LD items (<script type="application/ld+json">):
//     a top-level object, the objects of a top-level array, and the items
//     of an @graph, at any depth of arrays and @graph; other nested objects
//     (an author, a review, an embedded video) are not the page's article;
//  2. <meta property="article:published_time"> (or name=);
//  3. the content or datetime attribute of an element with
//     itemprop="datePublished".
//
// Values that do not parse (see parseDeclared) are left out, and so are
// JSON-LD that is not valid JSON and dates go-htmldate would reject: before
// 1995 or more than a year after now.
func declaredDates(doc *html.Node) []declaredDate {
	var ld, meta, micro []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Script && strings.EqualFold(strings.TrimSpace(attr(n, "type")), "application/ld+json"):
				var sb strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode {
						sb.WriteString(c.Data)
					}
				}
				var v any
				if json.Unmarshal([]byte(sb.String()), &v) == nil {
					ld = ldDatePublished(ld, v)
				}
			case n.DataAtom == atom.Meta && (strings.EqualFold(attr(n, "property"), "article:published_time") ||
				strings.EqualFold(attr(n, "name"), "article:published_time")):
				meta = append(meta, attr(n, "content"))
			}
			if strings.EqualFold(strings.TrimSpace(attr(n, "itemprop")), "datePublished") {
				v := attr(n, "content")
				if strings.TrimSpace(v) == "" {
					v = attr(n, "datetime")
				}
				micro = append(micro, v)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	var out []declaredDate
	latest := time.Now().AddDate(1, 0, 0)
	for _, group := range [][]string{ld, meta, micro} {
		for _, s := range group {
			if d, ok := parseDeclared(s); ok && !d.t.Before(earliestDate) && !d.t.After(latest) {
				out = append(out, d)
			}
		}
	}
	return out
}

// earliestDate is go-htmldate's default MinDate.
var earliestDate = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)

// ldDatePublished appends to dst the datePublished strings of the JSON-LD
// value v (see declaredDates for which items count). It reads the keys it
// needs by name, never by ranging over a map, so the order is the
// document's.
func ldDatePublished(dst []string, v any) []string {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			dst = ldDatePublished(dst, e)
		}
	case map[string]any:
		if s, ok := v["datePublished"].(string); ok {
			dst = append(dst, s)
		}
		if g, ok := v["@graph"]; ok {
			dst = ldDatePublished(dst, g)
		}
	}
	return dst
}

// declaredLayouts are the forms of ISO 8601 that parseDeclared accepts
// (after a space between date and time is made a 'T'): RFC 3339 and its
// common variants, with or without seconds and time zone, the zone as Z,
// ±hh:mm, ±hhmm or ±hh. time.Parse also takes a fraction after the seconds.
var declaredLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04Z07",
	"2006-01-02T15:04",
}

// parseDeclared parses a declared date: one of declaredLayouts, or a date
// alone (2006-01-02). A time without a zone is taken as UTC, as go-htmldate
// does, and the time is cut to whole seconds, go-htmldate's precision.
func parseDeclared(s string) (declaredDate, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + strings.TrimLeft(s[11:], " ")
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return declaredDate{t: t}, true
	}
	for _, layout := range declaredLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return declaredDate{t: t.Truncate(time.Second), hasTime: true}, true
		}
	}
	return declaredDate{}, false
}

// publishedDate returns the publication date Fill reports, given the date
// go-trafilatura found (zero if none) and the dates the page declares
// (declaredDates): the first declared date with a time that falls on the
// day of found, else the first declared date alone on that day, else found.
// When found is zero, any day will do. Days are compared as each date is
// written (in its own time zone), the way go-htmldate compares them.
func publishedDate(found time.Time, declared []declaredDate) time.Time {
	var dateOnly time.Time
	for _, d := range declared {
		if !found.IsZero() && !sameDay(d.t, found) {
			continue
		}
		if d.hasTime {
			return d.t
		}
		if dateOnly.IsZero() {
			dateOnly = d.t
		}
	}
	if !dateOnly.IsZero() {
		return dateOnly
	}
	return found
}

// sameDay reports whether a and b have the same calendar date, each in its
// own location.
func sameDay(a, b time.Time) bool {
	y1, m1, d1 := a.Date()
	y2, m2, d2 := b.Date()
	return y1 == y2 && m1 == m2 && d1 == d2
}

// attr returns the value of n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}
