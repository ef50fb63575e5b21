#define BOOST_TEST_MODULE dataplane_neighbor_cache
#include <arpa/inet.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>

#include "dataplane/NeighborCache.hpp"

using namespace portunus::dp;

namespace {

std::uint32_t ip(std::uint32_t host_order) {
  return htonl(host_order);
}

MacAddress mac(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint8_t e, std::uint8_t f) {
  return MacAddress{a, b, c, d, e, f};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_learned_mac_is_found_byte_for_byte_and_an_unknown_address_is_not) {
  struct Case {
    std::uint32_t address;
    MacAddress mac;
  };
  // MACs mixing bytes with the high bit set and clear, and no two alike, so that a byte put in the wrong place or
  // sign-extended into its neighbours shows.
  const Case cases[] = {
      {0xc6124202, mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x01)},  // 198.18.66.2
      {0xc6124203, mac(0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54)},  // 198.18.66.3
      {0xc6130001, mac(0x80, 0x01, 0x7f, 0xff, 0x00, 0x81)},  // 198.19.0.1
      {0xc612ffff, mac(0xff, 0xff, 0xff, 0xff, 0xff, 0xfe)},  // 198.18.255.255
  };
  auto cache = std::make_unique<NeighborCache>();
  for (const Case& c : cases)
    cache->learn(ip(c.address), c.mac.data());
  for (const Case& c : cases) {
    MacAddress found{};
    BOOST_TEST_CONTEXT("address " << std::hex << c.address) {
      BOOST_TEST(cache->lookup(ip(c.address), found));
      BOOST_TEST(found == c.mac);
    }
  }
  MacAddress found{};
  BOOST_TEST(!cache->lookup(ip(0xc6124204), found));  // never learned
}

BOOST_AUTO_TEST_CASE(a_new_mac_for_an_address_replaces_the_old_one) {
  auto cache = std::make_unique<NeighborCache>();
  const MacAddress first = mac(0x02, 0x11, 0x22, 0x33, 0x44, 0x55);
  const MacAddress second = mac(0x02, 0x66, 0x77, 0x88, 0x99, 0xaa);
  cache->learn(ip(0xc6124202), first.data());
  cache->learn(ip(0xc6124202), second.data());
  MacAddress found{};
  BOOST_TEST(cache->lookup(ip(0xc6124202), found));
  BOOST_TEST(found == second);
}

BOOST_AUTO_TEST_CASE(an_address_sharing_an_entry_with_a_learned_one_is_not_given_its_mac) {
  // Entries are indexed by the low bits of the address's hash and tagged with its high bits: find another address of
  // the benchmarking range landing in the same entry as 198.18.66.2, learn one, look the other up.
  auto cache = std::make_unique<NeighborCache>();
  const MacAddress learned = mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x02);
  cache->learn(ip(0xc6124202), learned.data());
  // Another address that maps to the same entry overwrites it when learned (found on a probe cache); in `cache` it
  // must miss.
  auto probe = std::make_unique<NeighborCache>();
  const MacAddress other = mac(0x02, 0x00, 0x00, 0x00, 0x00, 0x03);
  unsigned colliding = 0;
  for (std::uint32_t a = 0xc6120000; a < 0xc6140000 && colliding < 4; ++a) {
    if (a == 0xc6124202) continue;
    probe->learn(ip(0xc6124202), learned.data());
    probe->learn(ip(a), other.data());
    MacAddress found{};
    if (probe->lookup(ip(0xc6124202), found)) continue;  // a different entry: both still there
    ++colliding;
    BOOST_TEST_CONTEXT("address " << std::hex << a) {
      BOOST_TEST(!cache->lookup(ip(a), found));  // shares the entry, its tag differs: a miss, not the other's MAC
      BOOST_TEST(probe->lookup(ip(a), found));
      BOOST_TEST(found == other);
    }
  }
  BOOST_TEST(colliding == 4u);
}
