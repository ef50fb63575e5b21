// Dataplane tier: freeMbufs (dataplane/MbufFree.hpp) on real mbufs. Plain mbufs of several pools go back to their
// own pools in runs, an indirect mbuf (a clone), a chained one and one with a second reference take the full free, and
// every pool ends where it started. allocMbufs leaves what it takes as rte_pktmbuf_reset would, all or none.
#define BOOST_TEST_MODULE dataplane_mbuf_free
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/EalPorts.hpp"
#include "dataplane/MbufFree.hpp"

using namespace portunus::dp;

namespace {

constexpr unsigned kPoolSize = 63;

struct Eal {
  Eal() {
    portunus::config::DataplaneConfig cfg;
    cfg.enabled = true;
    cfg.eal_args = {"--no-pci", "--no-huge", "-m", "256", "--no-shconf", "--lcores=0@0", "--log-level=*:warning"};
    EalPorts::initEal(cfg);
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Eal);

rte_mempool* makePool(const char* name) {
  rte_mempool* p = rte_pktmbuf_pool_create(name, kPoolSize, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
  BOOST_REQUIRE(p != nullptr);
  return p;
}

rte_mbuf* alloc(rte_mempool* p) {
  rte_mbuf* m = rte_pktmbuf_alloc(p);
  BOOST_REQUIRE(m != nullptr);
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(plain_mbufs_of_two_pools_go_back_to_their_own) {
  rte_mempool* a = makePool("mf_a");
  rte_mempool* b = makePool("mf_b");
  std::vector<rte_mbuf*> m;
  for (int i = 0; i < 5; ++i)
    m.push_back(alloc(a));
  m.push_back(alloc(b));
  m.push_back(alloc(b));
  m.push_back(alloc(a));
  BOOST_TEST(plainMbuf(m[0]));
  BOOST_TEST(rte_mempool_avail_count(a) == kPoolSize - 6);
  BOOST_TEST(rte_mempool_avail_count(b) == kPoolSize - 2);
  freeMbufs(m.data(), static_cast<unsigned>(m.size()));
  BOOST_TEST(rte_mempool_avail_count(a) == kPoolSize);
  BOOST_TEST(rte_mempool_avail_count(b) == kPoolSize);
  freeMbufs(nullptr, 0);  // nothing to do
  rte_mempool_free(a);
  rte_mempool_free(b);
}

BOOST_AUTO_TEST_CASE(clones_chains_and_shared_mbufs_take_the_full_free) {
  rte_mempool* a = makePool("mf_c");
  rte_mempool* clones = makePool("mf_d");
  rte_mbuf* direct = alloc(a);
  rte_mbuf* clone = rte_pktmbuf_clone(direct, clones);  // indirect, and a second reference on `direct`
  BOOST_REQUIRE(clone != nullptr);
  rte_mbuf* head = alloc(a);
  BOOST_REQUIRE(rte_pktmbuf_chain(head, alloc(a)) == 0);
  rte_mbuf* shared = alloc(a);
  rte_mbuf_refcnt_update(shared, 1);
  rte_mbuf* plain = alloc(a);
  BOOST_TEST(!plainMbuf(clone));
  BOOST_TEST(!plainMbuf(direct));  // two references while the clone lives
  BOOST_TEST(!plainMbuf(head));
  BOOST_TEST(!plainMbuf(shared));
  BOOST_TEST(plainMbuf(plain));

  rte_mbuf* first[] = {plain, clone, head, shared};
  freeMbufs(first, 4);
  // The clone went back to its pool and dropped its reference: `direct` is plain again; `shared` lost one of two.
  BOOST_TEST(rte_mempool_avail_count(clones) == kPoolSize);
  BOOST_TEST(plainMbuf(direct));
  BOOST_TEST(rte_mbuf_refcnt_read(shared) == 1);
  BOOST_TEST(rte_mempool_avail_count(a) == kPoolSize - 2);
  rte_mbuf* second[] = {direct, shared};
  freeMbufs(second, 2);
  BOOST_TEST(rte_mempool_avail_count(a) == kPoolSize);
  rte_mempool_free(a);
  rte_mempool_free(clones);
}

BOOST_AUTO_TEST_CASE(allocated_mbufs_are_as_a_reset_leaves_them_all_or_none) {
  rte_mempool* p = makePool("mf_alloc");
  // Mbufs that were used (data appended, flags, a VLAN) and went back through freeMbufs.
  std::vector<rte_mbuf*> used;
  for (int i = 0; i < 8; ++i) {
    rte_mbuf* m = alloc(p);
    BOOST_REQUIRE(rte_pktmbuf_append(m, static_cast<std::uint16_t>(100 + i)) != nullptr);
    rte_pktmbuf_adj(m, 14);
    m->ol_flags = RTE_MBUF_F_RX_VLAN;
    m->packet_type = RTE_PTYPE_L3_IPV4;
    m->vlan_tci = 7;
    m->vlan_tci_outer = 9;
    m->port = 3;
    used.push_back(m);
  }
  freeMbufs(used.data(), static_cast<unsigned>(used.size()));
  rte_mbuf* m[8];
  BOOST_REQUIRE(allocMbufs(p, m, 8, 5));
  for (rte_mbuf* c : m) {
    BOOST_TEST(c->data_off == RTE_PKTMBUF_HEADROOM);
    BOOST_TEST(c->nb_segs == 1);
    BOOST_TEST(c->port == 5);
    BOOST_TEST(c->ol_flags == 0u);
    BOOST_TEST(c->packet_type == 0u);
    BOOST_TEST(c->pkt_len == 0u);
    BOOST_TEST(c->data_len == 0);
    BOOST_TEST(c->vlan_tci == 0);
    BOOST_TEST(c->vlan_tci_outer == 0);
    BOOST_TEST(c->next == nullptr);
    BOOST_TEST(rte_mbuf_refcnt_read(c) == 1);
    BOOST_TEST(rte_pktmbuf_tailroom(c) == c->buf_len - RTE_PKTMBUF_HEADROOM);
    BOOST_TEST(rte_mbuf_check(c, 1, nullptr) == 0);
  }
  BOOST_TEST(rte_mempool_avail_count(p) == kPoolSize - 8);
  // More than the pool holds: none taken.
  std::vector<rte_mbuf*> many(kPoolSize);
  BOOST_TEST(!allocMbufs(p, many.data(), kPoolSize, 0));
  BOOST_TEST(rte_mempool_avail_count(p) == kPoolSize - 8);
  freeMbufs(m, 8);
  BOOST_TEST(rte_mempool_avail_count(p) == kPoolSize);
  rte_mempool_free(p);
}
