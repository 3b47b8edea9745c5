#include "src/replay/recorded_responder.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <charconv>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

struct RecordedResponder::Impl {
  size_t capacity;
  std::mutex mu;
  std::map<uint64_t, Response> responses;  // guarded by mu
  asio::io_context io{1};
  std::optional<tcp::acceptor> acceptor;
  std::thread thread;
  uint16_t port = 0;
  bool running = false;

  std::optional<Response> Take(std::string_view header) {
    uint64_t entry = 0;
    auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), entry);
    if (ec != std::errc() || p != header.data() + header.size()) return std::nullopt;
    std::lock_guard lock(mu);
    auto it = responses.find(entry);
    if (it == responses.end()) return std::nullopt;
    Response r = std::move(it->second);
    responses.erase(it);
    return r;
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(uint64_t{1} << 30);
      stream.expires_after(std::chrono::minutes(2));
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, kUseTuple);
      if (ec) co_return;
      const auto& req = parser.get();
      std::optional<Response> recorded;
      if (auto it = req.find(kReplayEntryHeader); it != req.end()) recorded = Take(it->value());
      http::response<http::string_body> res;
      res.version(req.version());
      if (recorded) {
        res.result(static_cast<unsigned>(recorded->status));
        for (const auto& [name, value] : recorded->headers) res.insert(name, value);
        res.body() = std::move(recorded->body);
        const int status = recorded->status;
        if (status / 100 == 1 || status == 204 || status == 304) res.body().clear();
      } else {
        res.result(599);
        res.set(http::field::content_type, "application/json");
        res.body() = "{\"error\":\"shadowdiff replay has no recorded response for this request\"}";
      }
      const bool keep_alive = req.keep_alive();
      res.keep_alive(keep_alive);
      if (req.method() == http::verb::head) {
        res.content_length(res.body().size());
        res.body().clear();
        http::response_serializer<http::string_body> sr(res);
        auto [wec, wn] = co_await http::async_write_header(stream, sr, kUseTuple);
        if (wec) co_return;
      } else {
        res.prepare_payload();
        auto [wec, wn] = co_await http::async_write(stream, res, kUseTuple);
        if (wec) co_return;
      }
      if (!keep_alive) co_return;
    }
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor->async_accept(kUseTuple);
      if (ec) co_return;
      asio::co_spawn(io, Serve(std::move(socket)), asio::detached);
    }
  }
};

RecordedResponder::RecordedResponder(size_t capacity) : impl_(std::make_unique<Impl>()) {
  impl_->capacity = capacity;
}

RecordedResponder::~RecordedResponder() { Stop(); }

Status RecordedResponder::Start() {
  beast::error_code ec;
  impl_->acceptor.emplace(impl_->io);
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  impl_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor->bind(endpoint, ec);
  if (!ec) impl_->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"cannot start the recorded-response server on 127.0.0.1: " + ec.message()};
  impl_->port = impl_->acceptor->local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  impl_->running = true;
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return Status();
}

void RecordedResponder::Stop() {
  if (!impl_->running) return;
  impl_->running = false;
  asio::post(impl_->io, [this] {
    beast::error_code ec;
    impl_->acceptor->close(ec);
  });
  impl_->io.stop();
  impl_->thread.join();
}

uint16_t RecordedResponder::port() const { return impl_->port; }

void RecordedResponder::Put(uint64_t entry, Response response) {
  std::lock_guard lock(impl_->mu);
  impl_->responses[entry] = std::move(response);
  while (impl_->responses.size() > impl_->capacity)
    impl_->responses.erase(impl_->responses.begin());
}

}  // namespace shadowdiff
