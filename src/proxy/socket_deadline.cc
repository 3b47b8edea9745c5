// SocketDeadline and its per-io_context DeadlineSweeper; the header states the contracts.
#include "src/proxy/socket_deadline.h"

#include <cstdint>
#include <optional>

#include <boost/asio/execution/context.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

namespace shadowdiff {
namespace asio = boost::asio;
using Clock = SocketDeadline::Clock;

namespace {
constexpr Clock::time_point kNever = Clock::time_point::max();

// `at` rounded up to the sweep grid, so that deadlines close together share one wake-up.
Clock::time_point RoundUp(Clock::time_point at) {
  const auto step = std::chrono::duration_cast<Clock::duration>(SocketDeadline::kSweepGranularity);
  const auto since = at.time_since_epoch();
  const auto rest = since % step;
  return rest == Clock::duration::zero() ? at : at + (step - rest);
}
}  // namespace

// One per io_context (an Asio service): the list of entries and the one timer. Touched only
// by the context's thread (see the header), so it takes no locks.
class DeadlineSweeper final : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit DeadlineSweeper(asio::execution_context& context)
      : asio::execution_context::service(context) {}

  void Add(SocketDeadline* entry) {
    if (!timer_ && !shut_down_) timer_.emplace(entry->socket_.get_executor());
    entry->next_ = head_;
    if (head_ != nullptr) head_->prev_ = entry;
    head_ = entry;
  }

  void Remove(SocketDeadline* entry) {
    if (entry->prev_ != nullptr) entry->prev_->next_ = entry->next_;
    if (entry->next_ != nullptr) entry->next_->prev_ = entry->prev_;
    if (head_ == entry) head_ = entry->next_;
    entry->prev_ = entry->next_ = nullptr;
  }

  // A deadline was set to `at`: make sure the timer fires by then (on the grid).
  void Schedule(Clock::time_point at) {
    const Clock::time_point slot = RoundUp(at);
    if (slot >= armed_at_ || !timer_) return;
    Arm(slot);
  }

 private:
  void shutdown() override {
    shut_down_ = true;
    armed_at_ = Clock::time_point::min();  // Schedule never arms again
    timer_.reset();
  }

  void Arm(Clock::time_point at) {
    armed_at_ = at;
    const uint64_t generation = ++generation_;
    timer_->expires_at(at);
    timer_->async_wait([this, generation](const boost::system::error_code& ec) {
      // A re-arm cancelled this wait (or the context is shutting down).
      if (ec || generation != generation_ || shut_down_) return;
      Sweep();
    });
  }

  // Expires every entry whose deadline passed, then re-arms for the earliest one left.
  void Sweep() {
    armed_at_ = kNever;
    const Clock::time_point now = Clock::now();
    Clock::time_point earliest = kNever;
    for (SocketDeadline* entry = head_; entry != nullptr; entry = entry->next_) {
      if (entry->at_ <= now) {
        entry->at_ = kNever;
        entry->expired_ = true;
        boost::system::error_code ignored;
        entry->socket_.close(ignored);
      } else if (entry->at_ < earliest) {
        earliest = entry->at_;
      }
    }
    if (earliest != kNever) Arm(RoundUp(earliest));
  }

  SocketDeadline* head_ = nullptr;
  std::optional<asio::steady_timer> timer_;
  Clock::time_point armed_at_ = kNever;  // the pending wait's time; kNever: none pending
  uint64_t generation_ = 0;              // of the pending wait
  bool shut_down_ = false;
};

asio::execution_context::id DeadlineSweeper::id;

SocketDeadline::SocketDeadline(asio::ip::tcp::socket& socket)
    : socket_(socket),
      sweeper_(asio::use_service<DeadlineSweeper>(
          asio::query(socket.get_executor(), asio::execution::context))) {
  sweeper_.Add(this);
}

SocketDeadline::~SocketDeadline() { sweeper_.Remove(this); }

void SocketDeadline::ExpiresAt(Clock::time_point at) {
  expired_ = false;
  at_ = at;
  sweeper_.Schedule(at);
}

void SocketDeadline::Clear() {
  expired_ = false;
  at_ = kNever;
}

boost::system::error_code SocketDeadline::Check(boost::system::error_code ec) const {
  if (ec && expired_) return boost::beast::error::timeout;
  return ec;
}

}  // namespace shadowdiff
