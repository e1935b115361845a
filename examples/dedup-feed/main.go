// Command dedup-feed reads a feed of articles and prints which ones are
// re-publications of an article already seen: the duplicate tier of
// storyclust on its own.
//
//	go run ./examples/dedup-feed            # a built-in sample feed
//	go run ./examples/dedup-feed feed.jsonl # JSON Lines with id, title, text, source, published
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/storyclust/storyclust"
)

// wire is the body of one agency story that three outlets re-publish, each
// with its own page furniture, one truncated and lightly edited.
const wire = `The European Central Bank kept its main interest rate unchanged on Thursday, saying inflation in the euro area was falling faster than expected but that wage growth remained too strong to declare victory.
ECB President Christine Lagarde told reporters in Frankfurt that the governing council had not discussed cutting rates and that it would take decisions meeting by meeting, based on incoming data.
Inflation in the twenty countries that share the euro fell to 2.4 percent in November, the lowest in more than two years, down from a peak of 10.6 percent in October last year.
Markets had priced in cuts as early as March, but Lagarde said it was premature to talk about easing and that the bank would keep rates at record highs for as long as necessary.
Economists expect the bank to begin lowering borrowing costs in the second half of next year as the economy stagnates and price pressures ease.`

func sampleFeed() []storyclust.Article {
	day := time.Date(2023, 12, 14, 0, 0, 0, 0, time.UTC)
	return []storyclust.Article{
		{ID: "wire-001", Source: "wire", Published: day.Add(13 * time.Hour),
			Title: "ECB holds rates, says too early to talk about cuts", Text: wire},
		{ID: "daily-17", Source: "dailynews.example", Published: day.Add(14 * time.Hour),
			Title: "Lagarde: no rate cuts yet",
			Text:  "Home | Business | Markets\n" + wire + "\nRelated posts\nMarkets rally as oil slides below $70…\nYour comment"},
		{ID: "herald-9", Source: "herald.example", Published: day.Add(15 * time.Hour),
			Title: "Euro zone central bank stands pat",
			// Truncated to its first three paragraphs, one word changed.
			Text: "We use cookies to improve your experience. By continuing to browse you accept our cookie policy.\n" +
				"The European Central Bank kept its main interest rate unchanged on Thursday, saying inflation in the euro area was falling faster than expected but that wage growth remained too strong to declare victory.\n" +
				"ECB President Christine Lagarde told journalists in Frankfurt that the governing council had not discussed cutting rates and that it would take decisions meeting by meeting, based on incoming data.\n" +
				"Inflation in the twenty countries that share the euro fell to 2.4 percent in November, the lowest in more than two years, down from a peak of 10.6 percent in October last year."},
		{ID: "times-4", Source: "times.example", Published: day.Add(16 * time.Hour),
			Title: "Bank of England keeps rates at 5.25%",
			Text: "The Bank of England held interest rates at a 15-year high of 5.25 percent on Thursday and pushed back against market bets on early cuts.\n" +
				"Governor Andrew Bailey said there was still some way to go in the fight against inflation, which stood at 4.6 percent in October.\n" +
				"Three of the nine members of the Monetary Policy Committee voted to raise rates again, while six voted to hold."},
		{ID: "daily-18", Source: "dailynews.example", Published: day.Add(17 * time.Hour),
			Title: "Frankfurt Christmas market opens",
			Text:  "Home | Business | Markets\nThousands of visitors crowded the Roemerberg square as Frankfurt's Christmas market opened its stalls for the season, with mulled wine prices up by half a euro on last year.\nRelated posts\nYour comment"},
	}
}

type line struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	Source    string `json:"source"`
	Published string `json:"published"`
}

func readFeed(path string) ([]storyclust.Article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var arts []storyclust.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		a := storyclust.Article{ID: l.ID, Title: l.Title, Text: l.Text, Source: l.Source}
		if l.Published != "" {
			if a.Published, err = time.Parse(time.RFC3339, l.Published); err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, n, err)
			}
		}
		arts = append(arts, a)
	}
	return arts, sc.Err()
}

func main() {
	arts := sampleFeed()
	if len(os.Args) > 1 {
		var err error
		if arts, err = readFeed(os.Args[1]); err != nil {
			fmt.Fprintln(os.Stderr, "dedup-feed:", err)
			os.Exit(1)
		}
	}
	p, err := storyclust.New(storyclust.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dedup-feed:", err)
		os.Exit(1)
	}
	res, err := p.Dedup(context.Background(), arts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "dedup-feed:", err)
		os.Exit(1)
	}
	title := map[string]string{}
	for _, a := range arts {
		title[a.ID] = a.Title
	}
	unique := 0
	for _, a := range res.Assignments {
		if a.DuplicateOf == "" {
			unique++
			fmt.Printf("NEW  %-10s %s\n", a.ID, title[a.ID])
		} else {
			fmt.Printf("DUP  %-10s %s\n     └ copy of %s (%s)\n", a.ID, title[a.ID], a.DuplicateOf, title[a.DuplicateOf])
		}
	}
	fmt.Printf("\n%d articles, %d unique, %d duplicates\n", len(arts), unique, len(arts)-unique)
}
