module github.com/storyclust/storyclust

go 1.24.0

require (
	github.com/dgryski/go-minhash v0.0.0-20170608043002-7fe510aff544
	github.com/kljensen/snowball v0.10.0
	github.com/stretchr/testify v1.12.1
	golang.org/x/text v0.32.0
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/dgryski/go-metro v0.0.0-20250106013310-edb8663e5e33 // indirect
	github.com/dgryski/go-spooky v0.0.0-20170606183049-ed3d087f40e2 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
