package storyclust

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/storyclust/storyclust/internal/resp"
)

// RedisConfig shares an Index between processes (aggregator replicas)
// through one Redis server. The zero value of every field but Addr selects
// the documented default.
//
// # How it works
//
// The shared index is a replicated log: every change (an added article's
// features, a removal, an eviction) is an operation appended to a list in
// Redis, and every process applies the operations in log order to its own
// in-memory view, so all views agree and every answer is the one a single
// Index would give for that order. An Add appends with a check that the
// process has applied the whole log (one round trip, a Lua script); if
// another process appended first, the script returns the missing
// operations instead, the process applies them and decides again. So
// concurrent Adds from many processes are serialized by Redis, and no
// lock is held across the network.
//
// Every SnapshotEvery operations, the process that appended the last one
// stores a snapshot of its view (the Save format, in parts) and trims the
// log up to it. A process that starts, or falls behind the trimmed log,
// loads the snapshot and the log after it.
//
// # Key layout
//
// All keys start with Prefix (default "storyclust"); the {…} hash tag puts
// them in one Redis Cluster slot, but the scripts touch keys they do not
// declare, so use a single Redis server (with replicas for failover), not
// a cluster.
//
//	{P}:meta          hash: config (analysis fingerprint), seq (operations
//	                  ever appended), base (operations trimmed), snapseq,
//	                  snaptoken, snapparts (the current snapshot)
//	{P}:log           list: operations base+1 … seq, one binary value each
//	{P}:snap:T:i      string: part i of the snapshot with token T (16 MiB
//	                  parts; parts of an unpublished snapshot expire in 1 h)
//
// # When Redis is unreachable
//
// Add, Remove, Evict and Sync return an error wrapping ErrUnavailable after
// Timeout, and the process's view is unchanged: nothing is applied locally
// that is not in the log. An article is never half-indexed, and never lost
// silently: either the Add returned a placement (it is in the log) or an
// error (the caller keeps the article and retries). If the connection
// failed after the append reached Redis, the retry fails with
// ErrDuplicateID once the view has caught up, and Get tells the placement.
// Get, Len, Stories and Save keep answering from the local view.
//
// # Sizing
//
// Redis holds one snapshot (about the Save size: see the README's
// figures, a few KB per indexed article) plus the operations since it (an
// add is about as large as its snapshot record), so plan for twice the
// snapshot size per index, and Redis's maxmemory-policy must be
// noeviction. Each process holds the whole index in memory, as a local
// Index does. Redis persistence (RDB or AOF) is what makes the shared
// index survive a Redis restart; without it, processes that still hold a
// view refuse to continue (the log is shorter than their view) rather than
// fork it.
type RedisConfig struct {
	// Addr is the server's host:port.
	Addr string
	// Password, if set, is sent with AUTH on connecting.
	Password string
	// Prefix names the shared index: processes with the same Addr and
	// Prefix share it. Default "storyclust".
	Prefix string
	// DialTimeout bounds connecting. Default 2 s.
	DialTimeout time.Duration
	// Timeout bounds one round trip (a snapshot part counts as one).
	// Default 5 s.
	Timeout time.Duration
	// SnapshotEvery is how many operations the log may hold past the
	// snapshot before a process stores a new snapshot and trims the log.
	// Default 10000.
	SnapshotEvery int
}

const (
	opAdd    = 1
	opRemove = 2
	opEvict  = 3

	snapPartSize  = 16 << 20
	readBatch     = 512
	appendReturns = 256
)

// appendScript appends one operation if the log holds exactly ARGV[2]
// operations. Replies: {1, seq, base, snapseq} when appended; {0, seq,
// base, snapseq, op…} with the operations the caller has not applied (at
// most ARGV[4]) when it is behind; {2, seq, base, snapseq} when it is
// behind the trimmed log and must load the snapshot. ARGV[3] empty means
// read only.
const appendScript = `
local cfg = redis.call('HGET', KEYS[1], 'config')
if not cfg then
  redis.call('HSET', KEYS[1], 'config', ARGV[1], 'seq', 0, 'base', 0, 'snapseq', -1)
elseif cfg ~= ARGV[1] then
  return redis.error_reply('STORYCLUST_CONFIG ' .. cfg)
end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local base = tonumber(redis.call('HGET', KEYS[1], 'base'))
local snap = tonumber(redis.call('HGET', KEYS[1], 'snapseq'))
local have = tonumber(ARGV[2])
if have > seq then
  return redis.error_reply('STORYCLUST_AHEAD ' .. seq)
end
if have == seq and ARGV[3] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[3])
  redis.call('HSET', KEYS[1], 'seq', seq + 1)
  return {1, seq + 1, base, snap}
end
if have < base then
  return {2, seq, base, snap}
end
local out = {0, seq, base, snap}
local ops = redis.call('LRANGE', KEYS[2], have - base, have - base + tonumber(ARGV[4]) - 1)
for i = 1, #ops do out[#out + 1] = ops[i] end
return out
`

// publishScript makes snapshot ARGV[2] (ARGV[3] parts, covering the first
// ARGV[1] operations) current if it is newer than the current one, deletes
// the old one's parts and trims the log.
const publishScript = `
local s = tonumber(ARGV[1])
local cur = tonumber(redis.call('HGET', KEYS[1], 'snapseq') or '-1')
if s <= cur then return 0 end
local p = ARGV[4]
local n = tonumber(ARGV[3])
for i = 0, n - 1 do
  if redis.call('PERSIST', p .. ':snap:' .. ARGV[2] .. ':' .. i) == 0 and redis.call('EXISTS', p .. ':snap:' .. ARGV[2] .. ':' .. i) == 0 then
    return redis.error_reply('STORYCLUST_PART missing part ' .. i)
  end
end
local old = redis.call('HGET', KEYS[1], 'snaptoken')
if old then
  local on = tonumber(redis.call('HGET', KEYS[1], 'snapparts') or '0')
  for i = 0, on - 1 do redis.call('DEL', p .. ':snap:' .. old .. ':' .. i) end
end
redis.call('HSET', KEYS[1], 'snapseq', s, 'snaptoken', ARGV[2], 'snapparts', n)
local base = tonumber(redis.call('HGET', KEYS[1], 'base'))
if s > base then
  redis.call('LTRIM', KEYS[2], s - base, -1)
  redis.call('HSET', KEYS[1], 'base', s)
end
return 1
`

type sharedIndex struct {
	ix     *Index
	cfg    RedisConfig
	prefix string // {Prefix}
	meta   []byte
	log    []byte
	conn   *resp.Conn
	shas   map[string]string
	closed bool
}

func newSharedIndex(ix *Index, c RedisConfig) (*sharedIndex, error) {
	if c.Addr == "" {
		return nil, fmt.Errorf("%w: Redis.Addr is empty", ErrInvalidConfig)
	}
	if c.Prefix == "" {
		c.Prefix = "storyclust"
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 2 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.SnapshotEvery == 0 {
		c.SnapshotEvery = 10000
	}
	switch {
	case c.DialTimeout < 0 || c.Timeout < 0:
		return nil, fmt.Errorf("%w: Redis timeouts must be positive", ErrInvalidConfig)
	case c.SnapshotEvery < 1:
		return nil, fmt.Errorf("%w: Redis.SnapshotEvery = %d (want >= 1)", ErrInvalidConfig, c.SnapshotEvery)
	case strings.ContainsAny(c.Prefix, "{}"):
		return nil, fmt.Errorf("%w: Redis.Prefix %q must not contain braces", ErrInvalidConfig, c.Prefix)
	}
	p := "{" + c.Prefix + "}"
	return &sharedIndex{ix: ix, cfg: c, prefix: p, meta: []byte(p + ":meta"), log: []byte(p + ":log"),
		shas: map[string]string{}}, nil
}

func (sh *sharedIndex) close() error {
	sh.ix.mu.Lock()
	defer sh.ix.mu.Unlock()
	sh.closed = true
	if sh.conn != nil {
		err := sh.conn.Close()
		sh.conn = nil
		return err
	}
	return nil
}

// unavailable wraps a transport error.
func (sh *sharedIndex) unavailable(err error) error {
	return fmt.Errorf("%w: redis %s: %w", ErrUnavailable, sh.cfg.Addr, err)
}

// do runs one command, connecting first if needed. Transport errors drop
// the connection (the next call reconnects) and wrap ErrUnavailable.
func (sh *sharedIndex) do(ctx context.Context, args ...[]byte) (resp.Value, error) {
	if sh.closed {
		return resp.Value{}, sh.unavailable(errors.New("index closed"))
	}
	if err := ctx.Err(); err != nil {
		return resp.Value{}, err
	}
	deadline := time.Now().Add(sh.cfg.Timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if sh.conn == nil {
		dctx, cancel := context.WithDeadline(ctx, deadline)
		c, err := resp.Dial(dctx, sh.cfg.Addr, sh.cfg.DialTimeout)
		cancel()
		if err != nil {
			return resp.Value{}, sh.unavailable(err)
		}
		if sh.cfg.Password != "" {
			if _, err := c.Do(deadline, resp.Args("AUTH", sh.cfg.Password)...); err != nil {
				c.Close()
				return resp.Value{}, sh.unavailable(err)
			}
		}
		sh.conn = c
	}
	v, err := sh.conn.Do(deadline, args...)
	var se resp.ServerError
	if err != nil && !errors.As(err, &se) {
		sh.conn.Close()
		sh.conn = nil
		return resp.Value{}, sh.unavailable(err)
	}
	return v, err
}

// eval runs a script by its SHA-1, loading it on NOSCRIPT.
func (sh *sharedIndex) eval(ctx context.Context, script string, keys [][]byte, args ...[]byte) (resp.Value, error) {
	sum := sha1.Sum([]byte(script))
	sha := hex.EncodeToString(sum[:])
	call := func(cmd, body string) (resp.Value, error) {
		a := [][]byte{[]byte(cmd), []byte(body), []byte(strconv.Itoa(len(keys)))}
		a = append(a, keys...)
		a = append(a, args...)
		return sh.do(ctx, a...)
	}
	v, err := call("EVALSHA", sha)
	var se resp.ServerError
	if errors.As(err, &se) && strings.HasPrefix(string(se), "NOSCRIPT") {
		v, err = call("EVAL", script)
	}
	if errors.As(err, &se) {
		switch s := string(se); {
		case strings.HasPrefix(s, "STORYCLUST_CONFIG"):
			return v, fmt.Errorf("%w: shared index %s has %q, this process %q", ErrConfigMismatch,
				sh.cfg.Prefix, strings.TrimPrefix(s, "STORYCLUST_CONFIG "), sh.ix.fingerprint())
		case strings.HasPrefix(s, "STORYCLUST_AHEAD"):
			return v, sh.unavailable(fmt.Errorf("the shared log holds %s operations but this process applied %d: was Redis reset?",
				strings.TrimPrefix(s, "STORYCLUST_AHEAD "), sh.ix.st.logSeq))
		}
		return v, sh.unavailable(err)
	}
	return v, err
}

// logReply is a decoded appendScript reply.
type logReply struct {
	status             int64
	seq, base, snapSeq int64
	ops                [][]byte
}

func parseLogReply(v resp.Value) (logReply, error) {
	var r logReply
	if v.Kind != '*' || len(v.Array) < 4 {
		return r, fmt.Errorf("%w: unexpected script reply", resp.ErrProtocol)
	}
	for i, p := range []*int64{&r.status, &r.seq, &r.base, &r.snapSeq} {
		if v.Array[i].Kind != ':' {
			return r, fmt.Errorf("%w: unexpected script reply", resp.ErrProtocol)
		}
		*p = v.Array[i].Int
	}
	for _, e := range v.Array[4:] {
		if e.Kind != '$' || e.Null {
			return r, fmt.Errorf("%w: unexpected log entry", resp.ErrProtocol)
		}
		r.ops = append(r.ops, e.Str)
	}
	return r, nil
}

// call runs the append script: op nil reads only.
func (sh *sharedIndex) call(ctx context.Context, op []byte) (logReply, error) {
	v, err := sh.eval(ctx, appendScript, [][]byte{sh.meta, sh.log},
		[]byte(sh.ix.fingerprint()), resp.Args(sh.ix.st.logSeq)[0], op, resp.Args(appendReturns)[0])
	if err != nil {
		return logReply{}, err
	}
	r, err := parseLogReply(v)
	if err != nil {
		return r, sh.unavailable(err)
	}
	return r, nil
}

// catchUp applies the operations of a behind-reply, or loads the snapshot.
func (sh *sharedIndex) catchUp(ctx context.Context, r logReply) error {
	if r.status == 2 {
		return sh.loadSnapshot(ctx)
	}
	for _, op := range r.ops {
		if err := sh.replay(op); err != nil {
			return err
		}
	}
	return nil
}

// sync applies the whole log.
func (sh *sharedIndex) sync(ctx context.Context) error {
	for {
		r, err := sh.call(ctx, nil)
		if err != nil {
			return err
		}
		if r.status == 0 && len(r.ops) == 0 {
			return nil
		}
		if err := sh.catchUp(ctx, r); err != nil {
			return err
		}
	}
}

// commit appends op, applied by apply once it is in the log. It returns
// false after catching up when another process appended first: the caller
// decides again.
func (sh *sharedIndex) commit(ctx context.Context, op []byte, apply func()) (bool, error) {
	r, err := sh.call(ctx, op)
	if err != nil {
		return false, err
	}
	if r.status != 1 {
		return false, sh.catchUp(ctx, r)
	}
	sh.ix.st.logSeq++
	apply()
	sh.ix.st.maybeCompact()
	if r.seq-max(r.snapSeq, 0) >= int64(sh.cfg.SnapshotEvery) {
		// Best effort: a failed publication leaves the log longer.
		_ = sh.publish(ctx)
	}
	return true, nil
}

func (sh *sharedIndex) add(ctx context.Context, a *Article, f *features) (Placement, error) {
	ix := sh.ix
	for {
		if _, ok := ix.st.byID[a.ID]; ok {
			if err := sh.sync(ctx); err != nil {
				return Placement{}, err
			}
			if _, ok := ix.st.byID[a.ID]; ok {
				return Placement{}, fmt.Errorf("%w %q: already indexed", ErrDuplicateID, a.ID)
			}
		}
		if cut, due := ix.st.evictionDue(ix.cfg.Window, f, ix.clock()); due {
			op := binary.AppendVarint([]byte{opEvict}, cut)
			if _, err := sh.commit(ctx, op, func() { ix.st.evict(cut) }); err != nil {
				return Placement{}, err
			}
			continue
		}
		ix.recheck(a, f)
		pl := ix.st.plan(f)
		var out Placement
		ok, err := sh.commit(ctx, appendFeatures([]byte{opAdd}, f), func() {
			s := ix.st.apply(f, pl)
			out = ix.st.placementOf(s, pl)
		})
		if err != nil {
			return Placement{}, err
		}
		if ok {
			return out, nil
		}
	}
}

func (sh *sharedIndex) remove(ctx context.Context, id string) (bool, error) {
	ix := sh.ix
	for {
		if _, ok := ix.st.byID[id]; !ok {
			if err := sh.sync(ctx); err != nil {
				return false, err
			}
			if _, ok := ix.st.byID[id]; !ok {
				return false, nil
			}
		}
		op := appendString([]byte{opRemove}, id)
		ok, err := sh.commit(ctx, op, func() { ix.st.remove(ix.st.byID[id]) })
		if err != nil || ok {
			return ok, err
		}
	}
}

func (sh *sharedIndex) evict(ctx context.Context, cut int64) (int, error) {
	n := 0
	for {
		op := binary.AppendVarint([]byte{opEvict}, cut)
		ok, err := sh.commit(ctx, op, func() { n = sh.ix.st.evict(cut) })
		if err != nil || ok {
			return n, err
		}
	}
}

// replay applies an operation appended by any process.
func (sh *sharedIndex) replay(op []byte) error {
	st := sh.ix.st
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: shared log operation %d: "+format, append([]any{ErrCorruptSnapshot, st.logSeq + 1}, args...)...)
	}
	if len(op) == 0 {
		return bad("empty")
	}
	d := &decoder{b: op[1:]}
	switch op[0] {
	case opAdd:
		var f features
		d.features(&f)
		sh.ix.checkFeatures(d, &f)
		if d.err == nil && len(d.b) != 0 {
			d.fail("%d stray bytes", len(d.b))
		}
		if d.err != nil {
			return bad("%v", d.err)
		}
		if _, ok := st.byID[f.id]; ok {
			return bad("article %q added twice", f.id)
		}
		st.apply(&f, st.plan(&f))
	case opRemove:
		id := d.str()
		if d.err != nil || len(d.b) != 0 {
			return bad("bad remove")
		}
		if s, ok := st.byID[id]; ok {
			st.remove(s)
		}
	case opEvict:
		cut := d.varint()
		if d.err != nil || len(d.b) != 0 {
			return bad("bad evict")
		}
		st.evict(cut)
	default:
		return bad("unknown kind %d", op[0])
	}
	st.logSeq++
	st.maybeCompact()
	return nil
}

// publish stores a snapshot of the view and makes it current.
func (sh *sharedIndex) publish(ctx context.Context) error {
	var tok [8]byte
	rand.Read(tok[:])
	token := hex.EncodeToString(tok[:])
	var buf bytes.Buffer
	if err := sh.ix.encodeSnapshot(&buf, sh.ix.st.export()); err != nil {
		return err
	}
	data := buf.Bytes()
	parts := 0
	for off := 0; off < len(data) || parts == 0; off += snapPartSize {
		part := data[off:min(off+snapPartSize, len(data))]
		key := fmt.Sprintf("%s:snap:%s:%d", sh.prefix, token, parts)
		if _, err := sh.do(ctx, resp.Args("SET", key, part, "EX", 3600)...); err != nil {
			return err
		}
		parts++
	}
	_, err := sh.eval(ctx, publishScript, [][]byte{sh.meta, sh.log},
		resp.Args(sh.ix.st.logSeq, token, parts, sh.prefix)...)
	return err
}

// loadSnapshot replaces the view with the shared snapshot.
func (sh *sharedIndex) loadSnapshot(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		v, err := sh.do(ctx, resp.Args("HMGET", sh.meta, "snapseq", "snaptoken", "snapparts")...)
		if err != nil {
			return err
		}
		if v.Kind != '*' || len(v.Array) != 3 || v.Array[1].Null {
			return sh.unavailable(errors.New("the log is trimmed but there is no snapshot"))
		}
		seq, err1 := strconv.ParseUint(string(v.Array[0].Str), 10, 64)
		n, err2 := strconv.Atoi(string(v.Array[2].Str))
		if err1 != nil || err2 != nil || n < 1 {
			return sh.unavailable(errors.New("bad snapshot metadata"))
		}
		token := string(v.Array[1].Str)
		var parts [][]byte
		missing := false
		for i := range n {
			p, err := sh.do(ctx, resp.Args("GET", fmt.Sprintf("%s:snap:%s:%d", sh.prefix, token, i))...)
			if err != nil {
				return err
			}
			if p.Null {
				missing = true // replaced meanwhile: read the new one
				break
			}
			parts = append(parts, p.Str)
		}
		if missing {
			if attempt < 5 {
				continue
			}
			return sh.unavailable(errors.New("snapshot parts keep disappearing"))
		}
		readers := make([]io.Reader, len(parts))
		for i, p := range parts {
			readers[i] = bytes.NewReader(p)
		}
		f, err := sh.ix.decodeSnapshot(io.MultiReader(readers...))
		if err != nil {
			return fmt.Errorf("shared snapshot: %w", err)
		}
		if f.logSeq != seq {
			return fmt.Errorf("%w: shared snapshot covers %d operations, its metadata says %d", ErrCorruptSnapshot, f.logSeq, seq)
		}
		sh.ix.st = sh.ix.rebuildState(f)
		return nil
	}
}
