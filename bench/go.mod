module github.com/storyclust/storyclust/bench

go 1.24.0

replace github.com/storyclust/storyclust => ../

require (
	github.com/dgryski/go-minhash v0.0.0-20170608043002-7fe510aff544
	github.com/ekzhu/minhash-lsh v0.0.0-20171225071031-5c06ee8586a1
	github.com/klauspost/compress v1.19.2
	github.com/storyclust/storyclust v0.0.0-00010101000000-000000000000
)

require (
	github.com/kljensen/snowball v0.10.0 // indirect
	golang.org/x/text v0.32.0 // indirect
	gonum.org/v1/gonum v0.17.0 // indirect
)
