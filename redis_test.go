package storyclust

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/storyclust/storyclust/internal/resp"
)

// redisEnv names a running server to test against instead of starting one;
// with redisRequireEnv set (CI), a missing server fails the tests instead
// of skipping them.
const (
	redisEnv        = "STORYCLUST_REDIS_ADDR"
	redisRequireEnv = "STORYCLUST_REQUIRE_REDIS"
)

type redisServer struct {
	addr string
	cmd  *exec.Cmd // nil for a server named by redisEnv
	port string
}

// startRedis returns a Redis server for a test: the one named by
// STORYCLUST_REDIS_ADDR, else a redis-server started on a free loopback
// port (no persistence) and stopped when the test ends. Without either the
// test is skipped.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	if addr := os.Getenv(redisEnv); addr != "" {
		return &redisServer{addr: addr}
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		msg := fmt.Sprintf("redis-server is not on PATH and %s is not set: install Redis (apt-get install redis-server) to run the shared-index tests", redisEnv)
		if os.Getenv(redisRequireEnv) != "" {
			t.Fatal(msg + " (" + redisRequireEnv + " is set)")
		}
		t.Skip(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	s := &redisServer{addr: "127.0.0.1:" + port, port: port}
	s.start(t)
	return s
}

func (s *redisServer) start(t testing.TB) {
	t.Helper()
	cmd := exec.Command("redis-server", "--port", s.port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--loglevel", "warning")
	require.NoError(t, cmd.Start())
	s.cmd = cmd
	t.Cleanup(s.stop)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := resp.Dial(context.Background(), s.addr, time.Second)
		if err == nil {
			_, err = c.Do(time.Now().Add(time.Second), resp.Args("PING")...)
			c.Close()
			if err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer: %v", s.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *redisServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// do runs one command on a fresh connection.
func (s *redisServer) do(t testing.TB, args ...any) resp.Value {
	t.Helper()
	c, err := resp.Dial(context.Background(), s.addr, time.Second)
	require.NoError(t, err)
	defer c.Close()
	v, err := c.Do(time.Now().Add(5*time.Second), resp.Args(args...)...)
	require.NoError(t, err)
	return v
}

// sharedConfig returns a RedisConfig with a prefix no other test uses.
func sharedConfig(s *redisServer) *RedisConfig {
	var b [6]byte
	rand.Read(b[:])
	return &RedisConfig{Addr: s.addr, Prefix: "test-" + hex.EncodeToString(b[:]), Timeout: 10 * time.Second}
}

func TestRedisSharedMatchesLocal(t *testing.T) {
	srv := startRedis(t)
	rc := sharedConfig(srv)
	arts, gold := loadLabeled(t, "ecbplus.jsonl.gz")
	arts, _ = shuffledArts(arts, gold, 4)
	arts = append(streamWireArticles(), datedArts(arts[:200])...)
	a := mustIndex(t, IndexConfig{Redis: rc})
	b := mustIndex(t, IndexConfig{Redis: rc})
	local := mustIndex(t, IndexConfig{})
	ctx := context.Background()
	for i, art := range arts {
		ix := a
		if i%2 == 1 {
			ix = b
		}
		got, err := ix.Add(ctx, art)
		require.NoError(t, err)
		want, err := local.Add(ctx, art)
		require.NoError(t, err)
		require.Equal(t, want, got, "placement of %s", art.ID)
	}
	for _, id := range []string{"orig", arts[50].ID} {
		ok, err := b.Remove(ctx, id)
		require.NoError(t, err)
		require.True(t, ok)
		_, err = local.Remove(ctx, id)
		require.NoError(t, err)
	}
	_, err := a.Evict(ctx, arts[20].Published)
	require.NoError(t, err)
	_, err = local.Evict(ctx, arts[20].Published)
	require.NoError(t, err)
	_, err = a.Add(ctx, arts[50]) // removed by b: a must see that
	require.NoError(t, err)
	_, err = local.Add(ctx, arts[50])
	require.NoError(t, err)
	_, err = b.Add(ctx, arts[50])
	require.ErrorIs(t, err, ErrDuplicateID)
	require.NoError(t, a.Sync(ctx))
	require.NoError(t, b.Sync(ctx))
	require.Equal(t, ixPlacements(local), ixPlacements(a))
	require.Equal(t, ixPlacements(local), ixPlacements(b))
	checkIxInvariants(t, a)
	checkIxInvariants(t, b)
}

// TestRedisSnapshot checks that the log is trimmed behind shared snapshots
// and that a new process starts from the snapshot and the log after it.
func TestRedisSnapshot(t *testing.T) {
	srv := startRedis(t)
	rc := sharedConfig(srv)
	rc.SnapshotEvery = 40
	arts, _ := loadLabeled(t, "ecbplus.jsonl.gz")
	arts = arts[:130]
	a := mustIndex(t, IndexConfig{Redis: rc})
	ixAddAll(t, a, arts)
	meta := srv.do(t, "HGETALL", "{"+rc.Prefix+"}:meta")
	m := map[string]string{}
	for i := 0; i+1 < len(meta.Array); i += 2 {
		m[string(meta.Array[i].Str)] = string(meta.Array[i+1].Str)
	}
	t.Logf("meta %v", m)
	assert.Equal(t, "130", m["seq"])
	assert.Equal(t, "120", m["snapseq"])
	assert.Equal(t, "120", m["base"])
	n := srv.do(t, "LLEN", "{"+rc.Prefix+"}:log").Int
	assert.Equal(t, int64(10), n, "the log holds only the operations after the snapshot")
	keys := srv.do(t, "KEYS", "{"+rc.Prefix+"}:snap:*")
	assert.Len(t, keys.Array, 1, "old snapshots are deleted")

	c := mustIndex(t, IndexConfig{Redis: rc})
	require.NoError(t, c.Sync(context.Background()))
	require.Equal(t, ixPlacements(a), ixPlacements(c))
	checkIxInvariants(t, c)
}

// TestRedisUnavailable checks the errors when Redis cannot be reached and
// that nothing is applied then.
func TestRedisUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := l.Addr().String()
	l.Close()
	ix := mustIndex(t, IndexConfig{Redis: &RedisConfig{Addr: dead, Timeout: 300 * time.Millisecond, DialTimeout: 300 * time.Millisecond}})
	_, err = ix.Add(context.Background(), streamWireArticles()[0])
	require.ErrorIs(t, err, ErrUnavailable)
	assert.Zero(t, ix.Len())
	require.ErrorIs(t, ix.Sync(context.Background()), ErrUnavailable)

	srv := startRedis(t)
	if srv.cmd == nil {
		t.Skip("the server named by " + redisEnv + " cannot be stopped by the test")
	}
	rc := sharedConfig(srv)
	rc.Timeout = time.Second
	ix = mustIndex(t, IndexConfig{Redis: rc})
	arts := streamWireArticles()
	ixAddAll(t, ix, arts[:3])
	srv.stop()
	_, err = ix.Add(context.Background(), arts[3])
	require.ErrorIs(t, err, ErrUnavailable)
	assert.Equal(t, 3, ix.Len(), "a failed Add applies nothing")
	_, ok := ix.Get(arts[3].ID)
	assert.False(t, ok)
	_, err = ix.Remove(context.Background(), arts[0].ID)
	require.ErrorIs(t, err, ErrUnavailable)

	// Redis comes back empty (no persistence): the process refuses to fork
	// the index rather than continue on a log that lost its history.
	srv.start(t)
	_, err = ix.Add(context.Background(), arts[3])
	require.ErrorIs(t, err, ErrUnavailable)
	require.ErrorContains(t, err, "reset")
	assert.Equal(t, 3, ix.Len())
}

func TestRedisConfigMismatch(t *testing.T) {
	srv := startRedis(t)
	rc := sharedConfig(srv)
	a := mustIndex(t, IndexConfig{Redis: rc})
	_, err := a.Add(context.Background(), streamWireArticles()[0])
	require.NoError(t, err)
	b := mustIndex(t, IndexConfig{Config: Config{K: 64}, Redis: rc})
	_, err = b.Add(context.Background(), streamWireArticles()[1])
	require.ErrorIs(t, err, ErrConfigMismatch)
}

// TestRedisConcurrent adds from 8 goroutines through two processes' views
// of one shared index.
func TestRedisConcurrent(t *testing.T) {
	srv := startRedis(t)
	rc := sharedConfig(srv)
	arts, _ := loadLabeled(t, "ecbplus.jsonl.gz")
	arts = arts[:160]
	views := []*Index{mustIndex(t, IndexConfig{Redis: rc}), mustIndex(t, IndexConfig{Redis: rc})}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix := views[g%2]
			for _, a := range arts[g*20 : (g+1)*20] {
				if _, err := ix.Add(context.Background(), a); err != nil {
					errs <- fmt.Errorf("%s: %w", a.ID, err)
					return
				}
				_ = ix.Len()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, ix := range views {
		require.NoError(t, ix.Sync(context.Background()))
		require.Equal(t, len(arts), ix.Len())
		checkIxInvariants(t, ix)
	}
	require.Equal(t, ixPlacements(views[0]), ixPlacements(views[1]))
}
