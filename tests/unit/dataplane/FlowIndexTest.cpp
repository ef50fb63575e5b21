#define BOOST_TEST_MODULE dataplane_flow_index
#include <arpa/inet.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <thread>
#include <vector>

#include "dataplane/FlowIndex.hpp"

using namespace portunus::dp;
using Lookup = FlowIndex::Lookup;

namespace {

/** A key as the classifier fills it: addresses and ports in network byte order. */
FlowKey key(std::uint32_t local_ip, std::uint16_t local_port, std::uint32_t remote_ip, std::uint16_t remote_port) {
  FlowKey k;
  k.local_ip = htonl(local_ip);
  k.remote_ip = htonl(remote_ip);
  k.local_port = htons(local_port);
  k.remote_port = htons(remote_port);
  return k;
}

constexpr std::uint32_t kApp = 0xc6120101;   // 198.18.1.1
constexpr std::uint32_t kApp2 = 0xc6120102;  // 198.18.1.2
constexpr std::uint32_t kPeer = 0xc6124202;  // 198.18.66.2

std::uint64_t value(std::uint32_t owner, std::uint32_t slot) {
  return std::uint64_t{owner} << 32 | slot;
}

Lookup find(const FlowIndex& index, const FlowKey& k, std::uint64_t& v) {
  v = ~std::uint64_t{0};
  return index.find(k, v);
}

/** Whether the index finds `k` itself, with `want` as its value. */
bool hits(const FlowIndex& index, const FlowKey& k, std::uint64_t want) {
  std::uint64_t v = 0;
  return find(index, k, v) == Lookup::Hit && v == want;
}

Lookup lookup(const FlowIndex& index, const FlowKey& k) {
  std::uint64_t v = 0;
  return find(index, k, v);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_received_packets_key_has_its_source_as_the_remote_end) {
  // IPv4 198.18.66.2 -> 198.18.1.1, UDP 5000 -> 40000 (only the fields the key reads are filled).
  std::uint8_t ipv4[20] = {0x45};
  const std::uint8_t addresses[8] = {198, 18, 66, 2, 198, 18, 1, 1};
  std::copy(addresses, addresses + 8, ipv4 + 12);
  const std::uint8_t udp[8] = {0x13, 0x88, 0x9c, 0x40, 0, 8, 0, 0};
  BOOST_TEST((FlowKey::ofReceived(ipv4, udp) == key(kApp, 40000, kPeer, 5000)));
}

BOOST_AUTO_TEST_CASE(an_empty_index_knows_no_flow) {
  FlowIndex index;
  for (std::uint16_t port : {0, 1, 9, 40000, 65535})
    BOOST_TEST((lookup(index, key(kApp, port, kPeer, 5000)) == Lookup::Miss));
}

BOOST_AUTO_TEST_CASE(a_port_of_one_flow_answers_with_its_owner_and_slot) {
  FlowIndex index;
  index.add(key(kApp, 40000, kPeer, 5000), value(3, 0x12345678));
  index.add(key(kApp, 40002, kPeer, 5002), value(63, 0xffffffffu));
  BOOST_TEST(hits(index, key(kApp, 40000, kPeer, 5000), value(3, 0x12345678)));
  BOOST_TEST(hits(index, key(kApp, 40002, kPeer, 5002), value(63, 0xffffffffu)));
}

BOOST_AUTO_TEST_CASE(every_other_field_of_the_key_is_checked_against_the_frame) {
  FlowIndex index;
  index.add(key(kApp, 40000, kPeer, 5000), value(0, 7));
  BOOST_TEST((lookup(index, key(kApp, 40000, kPeer, 5001)) == Lookup::Miss));      // another remote port
  BOOST_TEST((lookup(index, key(kApp, 40000, kPeer + 1, 5000)) == Lookup::Miss));  // another remote address
  BOOST_TEST((lookup(index, key(kApp2, 40000, kPeer, 5000)) == Lookup::Miss));     // another local address
  BOOST_TEST((lookup(index, key(kApp, 40001, kPeer, 5000)) == Lookup::Miss));      // another local port
  // Ports whose bytes are swapped name other entries.
  BOOST_TEST((lookup(index, key(kApp, 0x409c, kPeer, 5000)) == Lookup::Miss));
}

BOOST_AUTO_TEST_CASE(a_port_of_several_flows_sends_lookups_to_the_directory_until_one_is_left) {
  FlowIndex index;
  const FlowKey a = key(kApp, 40000, kPeer, 5000);
  const FlowKey b = key(kApp2, 40000, kPeer, 5000);  // same port on another local address
  const FlowKey c = key(kApp, 40000, kPeer, 5004);   // same port, another remote
  index.add(a, value(0, 1));
  index.add(b, value(1, 2));
  BOOST_TEST((lookup(index, a) == Lookup::Shared));
  BOOST_TEST((lookup(index, b) == Lookup::Shared));
  BOOST_TEST((lookup(index, key(kApp, 40000, kPeer, 9)) == Lookup::Shared));  // the directory says unknown
  index.add(c, value(0, 3));
  BOOST_TEST((lookup(index, c) == Lookup::Shared));
  index.remove(a);
  BOOST_TEST((lookup(index, b) == Lookup::Shared));
  index.remove(c);
  BOOST_TEST(hits(index, b, value(1, 2)));  // the one left is indexed again
  BOOST_TEST((lookup(index, a) == Lookup::Miss));
  index.remove(b);
  BOOST_TEST((lookup(index, b) == Lookup::Miss));
}

BOOST_AUTO_TEST_CASE(removing_unknown_flows_changes_nothing) {
  FlowIndex index;
  const FlowKey a = key(kApp, 40000, kPeer, 5000);
  index.add(a, value(2, 9));
  index.remove(key(kApp, 40000, kPeer, 5001));  // same port, not a flow
  index.remove(key(kApp, 41000, kPeer, 5000));  // a port without flows
  BOOST_TEST(hits(index, a, value(2, 9)));
}

BOOST_AUTO_TEST_CASE(a_moved_flow_is_found_at_its_new_remote_only) {
  // updateTransport: the remote changes (ICE picked another pair), the slot stays.
  FlowIndex index;
  const FlowKey before = key(kApp, 40000, kPeer, 5000);
  const FlowKey after = key(kApp, 40000, kPeer + 7, 6000);
  index.add(before, value(1, 4));
  index.remove(before);
  index.add(after, value(1, 4));
  BOOST_TEST((lookup(index, before) == Lookup::Miss));
  BOOST_TEST(hits(index, after, value(1, 4)));
}

BOOST_AUTO_TEST_CASE(a_reader_racing_the_writer_never_sees_a_flow_that_was_not_there) {
  // One port rewritten over and over between two flows (each a whole entry); a reader asks for keys mixing the
  // two entries' fields. A torn read may only ever answer Shared (the directory decides) or Miss, and a Hit only
  // with the value written together with that exact key.
  FlowIndex index;
  const FlowKey a = key(kApp, 40000, kPeer, 5000);
  const FlowKey b = key(kApp2, 40000, kPeer + 1, 5002);
  const FlowKey mixed1 = key(kApp2, 40000, kPeer + 1, 5000);  // b's addresses with a's remote port
  const FlowKey mixed2 = key(kApp, 40000, kPeer, 5002);       // a's addresses with b's remote port
  index.add(a, value(1, 100));
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> wrong{0}, hits{0}, reads{0};
  std::thread reader([&] {
    std::uint64_t v = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      if (index.find(a, v) == Lookup::Hit) {
        hits.fetch_add(1, std::memory_order_relaxed);
        if (v != value(1, 100)) wrong.fetch_add(1, std::memory_order_relaxed);
      }
      if (index.find(b, v) == Lookup::Hit) {
        hits.fetch_add(1, std::memory_order_relaxed);
        if (v != value(2, 200)) wrong.fetch_add(1, std::memory_order_relaxed);
      }
      if (index.find(mixed1, v) == Lookup::Hit) wrong.fetch_add(1, std::memory_order_relaxed);
      if (index.find(mixed2, v) == Lookup::Hit) wrong.fetch_add(1, std::memory_order_relaxed);
      reads.fetch_add(1, std::memory_order_relaxed);
    }
  });
  // The writer goes on until the reader has raced it enough (it may start late on a loaded machine).
  std::uint64_t rounds = 0;
  while (rounds < 100000 || reads.load(std::memory_order_relaxed) < 200000 ||
         hits.load(std::memory_order_relaxed) < 1000) {
    index.remove(a);
    index.add(b, value(2, 200));
    index.remove(b);
    index.add(a, value(1, 100));
    ++rounds;
  }
  stop = true;
  reader.join();
  BOOST_TEST(wrong.load() == 0u);
}
