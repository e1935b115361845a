// Package resp is a minimal client for the Redis protocol (RESP2): one
// connection, one command at a time, no pooling. It is what storyclust's
// shared index needs and no more, so that the module needs no Redis client
// dependency.
//
// Conventions: a Conn is not safe for concurrent use. Every call takes an
// absolute deadline. After an I/O or protocol error (ErrProtocol) the
// connection's state is unknown and it must be closed; a server error
// reply (ServerError) leaves it usable. Replies are bounded (MaxBulk,
// MaxArray, a nesting limit), so a confused server cannot make the client
// allocate without bound; no input makes it panic.
package resp
