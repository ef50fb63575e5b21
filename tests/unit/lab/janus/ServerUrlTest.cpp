#include <boost/test/unit_test.hpp>

#include "lab/janus/ServerUrl.hpp"

using portunus::lab::ServerUrl;

BOOST_AUTO_TEST_CASE(server_urls) {
  struct Row {
    const char* text;
    ServerUrl::Scheme scheme;
    const char* host;
    unsigned port;
    const char* path;
  };
  const Row rows[] = {
      {"ws://127.0.0.1:8188", ServerUrl::Scheme::Ws, "127.0.0.1", 8188, "/"},
      {"ws://localhost", ServerUrl::Scheme::Ws, "localhost", 8188, "/"},
      {"ws://198.18.0.1:9000/janus", ServerUrl::Scheme::Ws, "198.18.0.1", 9000, "/janus"},
      {"http://127.0.0.1:8088/janus", ServerUrl::Scheme::Http, "127.0.0.1", 8088, "/janus"},
      {"http://127.0.0.1:8088/janus/", ServerUrl::Scheme::Http, "127.0.0.1", 8088, "/janus"},
      {"http://example:1", ServerUrl::Scheme::Http, "example", 1, "/janus"},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.text) {
      const ServerUrl url = ServerUrl::parse(row.text);
      BOOST_TEST((url.scheme == row.scheme));
      BOOST_TEST(url.host == row.host);
      BOOST_TEST(url.port == row.port);
      BOOST_TEST(url.path == row.path);
    }
  }
  for (const char* bad :
       {"https://x/janus", "ws://", "ws://host:0", "ws://host:70000", "ws://host:12a", "127.0.0.1:8188"}) {
    BOOST_TEST_CONTEXT(bad) {
      BOOST_CHECK_THROW(ServerUrl::parse(bad), std::invalid_argument);
    }
  }
}
