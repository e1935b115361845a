package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"time"

	"github.com/storyclust/storyclust"
)

// indexOptions are the flags of the persistent (-state) and shared
// (-redis) index.
type indexOptions struct {
	state  string
	redis  string
	prefix string
	window time.Duration
}

func (o *indexOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&o.state, "state", "", "cluster, eval: load the streaming index from `FILE` if it exists, add the input to it in input order, and write it back atomically")
	fs.StringVar(&o.redis, "redis", "", "cluster, eval: add the input to the index shared on the Redis server at `ADDR` (host:port) instead")
	fs.StringVar(&o.prefix, "redis-prefix", "storyclust", "the name (key prefix) of the shared index on the Redis server")
	fs.DurationVar(&o.window, "window", 0, "with -state or -redis: evict articles published more than `DURATION` before the newest (e.g. 168h)")
}

func (o *indexOptions) enabled() bool { return o.state != "" || o.redis != "" }

// check validates the flags for a command.
func (o *indexOptions) check(cmd string) error {
	switch {
	case !o.enabled():
		if o.window != 0 {
			return errors.New("-window needs -state or -redis")
		}
		return nil
	case o.state != "" && o.redis != "":
		return errors.New("-state and -redis exclude each other")
	case cmd != "cluster" && cmd != "eval":
		return fmt.Errorf("-state and -redis are for cluster and eval, not %s", cmd)
	case o.window < 0:
		return errors.New("-window must not be negative")
	}
	return nil
}

// runIndexed adds the articles, in input order, to the streaming index of
// -state or -redis and returns a Result shaped like the batch pipeline's:
// one assignment per input article with its story and duplicate as they
// stand after the whole input (a later article can regroup an earlier
// one's story), and the stories that hold input articles, with all their
// members (those of earlier runs included). With -state the file is
// written back only when every article was added. On error it returns the
// exit code.
func runIndexed(ctx context.Context, o *indexOptions, cfg storyclust.Config, arts []storyclust.Article) (*storyclust.Result, int, error) {
	icfg := storyclust.IndexConfig{Config: cfg, Window: o.window}
	if o.redis != "" {
		icfg.Redis = &storyclust.RedisConfig{Addr: o.redis, Prefix: o.prefix}
	}
	ix, err := storyclust.NewIndex(icfg)
	if err != nil {
		return nil, exitUsage, err
	}
	defer ix.Close()
	if o.state != "" {
		if err := ix.LoadFile(o.state); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, exitInput, fmt.Errorf("-state: %w", err)
		}
	}
	if _, err := ix.AddBatch(ctx, arts); err != nil {
		code := exitInput
		if errors.Is(err, storyclust.ErrUnavailable) || ctx.Err() != nil {
			code = exitIO
		}
		if o.state != "" {
			err = fmt.Errorf("%w (%s is unchanged)", err, o.state)
		}
		return nil, code, err
	}
	if o.redis != "" {
		// Pick up what other processes added meanwhile, for current stories.
		if err := ix.Sync(ctx); err != nil {
			return nil, exitIO, err
		}
	}
	res := &storyclust.Result{Assignments: make([]storyclust.Assignment, len(arts))}
	touched := map[string]bool{}
	for i, a := range arts {
		p, _ := ix.Get(a.ID)
		res.Assignments[i] = storyclust.Assignment{ID: a.ID, Story: p.Story, DuplicateOf: p.DuplicateOf}
		touched[p.Story] = true
	}
	for _, s := range ix.Stories() {
		if touched[s.ID] {
			res.Stories = append(res.Stories, s)
		}
	}
	if o.state != "" {
		if err := ix.SaveFile(o.state); err != nil {
			return nil, exitIO, err
		}
	}
	return res, exitOK, nil
}
