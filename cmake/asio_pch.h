// Precompiled header for shadowdiff_io: the heavy Boost.Asio/Beast templates, parsed once.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
