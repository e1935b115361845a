// Command daily-stories groups a day of news into stories and prints each
// story with its headline and its coverage.
//
//	go run ./examples/daily-stories                      # a built-in day of news
//	go run ./examples/daily-stories testdata/seeds/*.txt # your own text files, one article each
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/storyclust/storyclust"
)

func day() []storyclust.Article {
	return []storyclust.Article{
		{ID: "a1", Source: "coastal-times", Title: "Floods force evacuation of 3,000 in Porto Alegre",
			Text: "Heavy rain over the weekend pushed the Guaiba river above its banks in Porto Alegre, forcing some 3,000 residents of low-lying districts to leave their homes, the civil defence agency said on Monday. Governor Eduardo Leite said shelters had been opened in schools and sports halls."},
		{ID: "a2", Source: "southern-news", Title: "Thousands flee as Guaiba river floods Brazilian city",
			Text: "About three thousand people were evacuated from flooded neighbourhoods of Porto Alegre after the Guaiba burst its banks following days of torrential rain. Rio Grande do Sul governor Eduardo Leite asked the federal government for help and said schools were being used as shelters."},
		{ID: "a3", Source: "asia-wire", Title: "Flash floods kill 12 in northern Vietnam",
			Text: "Flash floods and landslides triggered by tropical storm rains killed at least 12 people in the mountainous province of Lao Cai, Vietnamese disaster officials said on Monday. Rescue teams were searching for eight people still missing."},
		{ID: "a4", Source: "sports-daily", Title: "Alcaraz beats Sinner in five-set Roland Garros semi-final",
			Text: "Carlos Alcaraz came back from two sets to one down to beat Jannik Sinner 2-6 6-3 3-6 6-4 6-3 in the Roland Garros semi-final on Friday and reach his first final in Paris."},
		{ID: "a5", Source: "tennis-world", Title: "Alcaraz into first French Open final after epic against Sinner",
			Text: "Spain's Carlos Alcaraz reached his first French Open final, outlasting world number one Jannik Sinner in five sets after four hours and nine minutes on Court Philippe Chatrier. He will face Alexander Zverev in Sunday's final at Roland Garros."},
		{ID: "a6", Source: "coastal-times", Title: "City council approves new tram line",
			Text: "The city council voted 31 to 12 on Monday to approve a new tram line linking the harbour to the university campus, with construction due to start next spring and a budget of 420 million."},
	}
}

func readFiles(paths []string) ([]storyclust.Article, error) {
	var arts []storyclust.Article
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		id := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
		arts = append(arts, storyclust.Article{ID: id, Text: string(b)})
	}
	return arts, nil
}

func main() {
	arts := day()
	if len(os.Args) > 1 {
		var err error
		if arts, err = readFiles(os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "daily-stories:", err)
			os.Exit(1)
		}
	}
	p, err := storyclust.New(storyclust.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "daily-stories:", err)
		os.Exit(1)
	}
	res, err := p.Run(context.Background(), arts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "daily-stories:", err)
		os.Exit(1)
	}
	byID := map[string]storyclust.Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	fmt.Printf("%d articles, %d stories\n", len(arts), len(res.Stories))
	for i, s := range res.Stories {
		fmt.Printf("\n%d. %s\n", i+1, s.Title)
		for _, m := range s.Members {
			a := byID[m]
			mark := " "
			if m == s.Representative {
				mark = "*"
			}
			src := a.Source
			if src == "" {
				src = "-"
			}
			fmt.Printf("   %s %-24s %s\n", mark, m, src)
		}
	}
	fmt.Println("\n* the story's most complete article")
}
