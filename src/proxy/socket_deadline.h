// SocketDeadline: a deadline on the I/O of one TCP socket, enforced by one shared timer per
// io_context (DeadlineSweeper) instead of one timer per operation.
//
// Why: beast::tcp_stream arms a timer for every read and write and cancels it on completion;
// with Asio's epoll reactor each new earliest timer reprograms the reactor's timerfd (a
// syscall), and each cancellation queues one more handler. The proxy set ~3 such timers per
// request. Here a deadline is a time stored in the entry; setting or clearing it costs no
// syscall. The sweeper keeps one steady_timer armed for the earliest deadline of all entries
// of its io_context (rounded up to kSweepGranularity) and re-arms it only when a new deadline
// is earlier than the armed time — rare, since most deadlines are "now + a fixed timeout",
// later than those already set. When the timer fires, every entry whose deadline passed is
// expired.
//
// Semantics (the same as beast::tcp_stream's): when the deadline passes, the socket is closed;
// pending operations complete with operation_aborted and later ones fail at once. expired()
// then stays true until the deadline is set again or cleared; Check() turns the error of an
// operation that ran under an expired deadline into beast::error::timeout. An expiry is late
// by at most kSweepGranularity, never early.
//
// Threading: an entry, its socket and the sweeper belong to one io_context, which must be run
// by one thread at a time (the proxy's I/O threads: IoThreads). Construct, use and destroy an
// entry on that thread (or when no thread runs the context). The socket must outlive the
// entry.
#ifndef SHADOWDIFF_PROXY_SOCKET_DEADLINE_H_
#define SHADOWDIFF_PROXY_SOCKET_DEADLINE_H_

#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace shadowdiff {

class DeadlineSweeper;

class SocketDeadline {
 public:
  using Clock = std::chrono::steady_clock;
  // Expiries are checked on a grid of this step: at most this late.
  static constexpr std::chrono::milliseconds kSweepGranularity{5};

  // No deadline until ExpiresAt/ExpiresAfter. Registers with the sweeper of the socket's
  // io_context (created on first use).
  explicit SocketDeadline(boost::asio::ip::tcp::socket& socket);
  ~SocketDeadline();
  SocketDeadline(const SocketDeadline&) = delete;
  SocketDeadline& operator=(const SocketDeadline&) = delete;

  // Closes the socket once `at` has passed (unless set again or cleared before). Resets
  // expired().
  void ExpiresAt(Clock::time_point at);
  void ExpiresAfter(Clock::duration after) { ExpiresAt(Clock::now() + after); }
  // No deadline. Resets expired().
  void Clear();

  // The deadline passed and closed the socket since it was last set or cleared.
  bool expired() const { return expired_; }
  // `ec` of an operation on the socket, with any error after an expiry reported as
  // beast::error::timeout.
  boost::system::error_code Check(boost::system::error_code ec) const;

 private:
  friend class DeadlineSweeper;

  boost::asio::ip::tcp::socket& socket_;
  DeadlineSweeper& sweeper_;
  Clock::time_point at_ = Clock::time_point::max();
  bool expired_ = false;
  // The sweeper's intrusive list of entries.
  SocketDeadline* prev_ = nullptr;
  SocketDeadline* next_ = nullptr;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_SOCKET_DEADLINE_H_
