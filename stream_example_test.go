package storyclust_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/storyclust/storyclust"
)

func ExampleIndex() {
	ix, err := storyclust.NewIndex(storyclust.IndexConfig{}) // zero value = documented defaults
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	stream := []storyclust.Article{
		{ID: "a1", Title: "Floods force evacuation of 3,000 in Porto Alegre",
			Text: "Heavy rain pushed the Guaiba river above its banks in Porto Alegre, forcing some 3,000 residents to leave their homes, the civil defence agency said. Governor Eduardo Leite opened shelters in schools."},
		{ID: "a4", Title: "Alcaraz beats Sinner in five-set Roland Garros semi-final",
			Text: "Carlos Alcaraz came back from two sets to one down to beat Jannik Sinner in the Roland Garros semi-final on Friday and reach his first final in Paris."},
		{ID: "a3", Title: "Flash floods kill 12 in northern Vietnam",
			Text: "Flash floods and landslides killed at least 12 people in the mountainous province of Lao Cai, Vietnamese disaster officials said. Rescue teams were searching for eight people still missing."},
		{ID: "a2", Title: "Thousands flee as Guaiba river floods Brazilian city",
			Text: "About three thousand people were evacuated from flooded neighbourhoods of Porto Alegre after the Guaiba burst its banks. Governor Eduardo Leite said schools were being used as shelters."},
		{ID: "a5", Title: "Alcaraz into first French Open final after epic against Sinner",
			Text: "Spain's Carlos Alcaraz reached his first French Open final, outlasting world number one Jannik Sinner in five sets on Court Philippe Chatrier."},
		{ID: "a1-copy", Title: "Porto Alegre floods",
			Text: "Heavy rain pushed the Guaiba river above its banks in Porto Alegre, forcing some 3,000 residents to leave their homes, the civil defence agency said. Governor Eduardo Leite opened shelters in schools.\nRelated posts\nYour comment"},
	}
	for _, a := range stream {
		p, err := ix.Add(context.Background(), a)
		if err != nil {
			panic(err)
		}
		switch {
		case p.DuplicateOf != "":
			fmt.Printf("%-7s duplicate of %s (containment %.2f)\n", p.ID, p.DuplicateOf, p.Similarity)
		case p.New:
			fmt.Printf("%-7s new story %s\n", p.ID, p.Story)
		default:
			fmt.Printf("%-7s joins %s (similarity %.2f)\n", p.ID, p.Story, p.Similarity)
		}
	}
	fmt.Println(ix.Len(), "articles,", len(ix.Stories()), "stories")
	// Output:
	// a1      new story s-f55ff16f66f4
	// a4      new story s-4539e4b48890
	// a3      new story s-f46dd28a5499
	// a2      joins s-f55ff16f66f4 (similarity 0.50)
	// a5      joins s-4539e4b48890 (similarity 0.33)
	// a1-copy duplicate of a1 (containment 1.00)
	// 6 articles, 3 stories
}

func ExampleIndex_Save() {
	ix, _ := storyclust.NewIndex(storyclust.IndexConfig{})
	ix.Add(context.Background(), storyclust.Article{ID: "a1", Title: "Floods force evacuation of 3,000 in Porto Alegre"})
	var buf bytes.Buffer
	if err := ix.Save(&buf); err != nil { // or ix.SaveFile(path): atomic
		panic(err)
	}
	restored, _ := storyclust.NewIndex(storyclust.IndexConfig{})
	if err := restored.Load(&buf); err != nil {
		panic(err)
	}
	p, _ := restored.Get("a1")
	fmt.Println(restored.Len(), p.Story)
	// Output:
	// 1 s-f55ff16f66f4
}
