package storyclust_test

import (
	"context"
	"fmt"
	"time"

	"github.com/storyclust/storyclust"
)

func ExamplePipeline_Run() {
	p, err := storyclust.New(storyclust.Config{})
	if err != nil {
		panic(err)
	}
	res, err := p.Run(context.Background(), []storyclust.Article{
		{ID: "a1", Title: "Floods force evacuation of 3,000 in Porto Alegre",
			Text: "Heavy rain pushed the Guaiba river above its banks in Porto Alegre, forcing some 3,000 residents to leave their homes, the civil defence agency said. Governor Eduardo Leite opened shelters in schools."},
		{ID: "a2", Title: "Thousands flee as Guaiba river floods Brazilian city",
			Text: "About three thousand people were evacuated from flooded neighbourhoods of Porto Alegre after the Guaiba burst its banks. Governor Eduardo Leite said schools were being used as shelters."},
		{ID: "a3", Title: "Flash floods kill 12 in northern Vietnam",
			Text: "Flash floods and landslides killed at least 12 people in the mountainous province of Lao Cai, Vietnamese disaster officials said. Rescue teams were searching for eight people still missing."},
		{ID: "a4", Title: "Alcaraz beats Sinner in five-set Roland Garros semi-final",
			Text: "Carlos Alcaraz came back from two sets to one down to beat Jannik Sinner in the Roland Garros semi-final on Friday and reach his first final in Paris."},
		{ID: "a5", Title: "Alcaraz into first French Open final after epic against Sinner",
			Text: "Spain's Carlos Alcaraz reached his first French Open final, outlasting world number one Jannik Sinner in five sets on Court Philippe Chatrier."},
		{ID: "a1-copy", Title: "Porto Alegre floods",
			Text: "Heavy rain pushed the Guaiba river above its banks in Porto Alegre, forcing some 3,000 residents to leave their homes, the civil defence agency said. Governor Eduardo Leite opened shelters in schools.\nRelated posts\nYour comment"},
	})
	if err != nil {
		panic(err)
	}
	for _, s := range res.Stories {
		fmt.Printf("%d articles: %s %v\n", len(s.Members), s.Title, s.Members)
	}
	for _, a := range res.Assignments {
		if a.DuplicateOf != "" {
			fmt.Printf("%s duplicates %s\n", a.ID, a.DuplicateOf)
		}
	}
	// Output:
	// 3 articles: Floods force evacuation of 3,000 in Porto Alegre [a1 a1-copy a2]
	// 2 articles: Alcaraz beats Sinner in five-set Roland Garros semi-final [a4 a5]
	// 1 articles: Flash floods kill 12 in northern Vietnam [a3]
	// a1-copy duplicates a1
}

func ExamplePipeline_Dedup() {
	p, err := storyclust.New(storyclust.Config{})
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2023, 12, 14, 13, 0, 0, 0, time.UTC)
	body := "The European Central Bank kept its main interest rate unchanged on Thursday, saying inflation in the euro area was falling faster than expected but that wage growth remained too strong."
	res, err := p.Dedup(context.Background(), []storyclust.Article{
		{ID: "wire", Text: body, Published: t0},
		{ID: "site-a", Text: "Home | Markets\n" + body + "\nLatest news", Published: t0.Add(time.Hour)},
		{ID: "site-b", Text: "The Bank of England held interest rates at 5.25 percent on Thursday.", Published: t0},
	})
	if err != nil {
		panic(err)
	}
	for _, a := range res.Assignments {
		fmt.Printf("%s %q\n", a.ID, a.DuplicateOf)
	}
	// Output:
	// wire ""
	// site-a "wire"
	// site-b ""
}
